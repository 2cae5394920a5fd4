using System.Text.Json;
using Microsoft.ML.Data;

namespace Gim.MLNet.Serving.Web;

/// <summary>
/// A checked POST /predict body. Two forms:
/// <code>{ "rows": [ { "Reagent": "r1", "Dose": 2 } ], "samples": 10 }</code> — one object per row with the pipeline's
/// input columns by name; and, when the pipeline's only input is a float vector (GIM fed its features directly),
/// <code>{ "features": [[0, 1, 0.5]], "samples": 10 }</code>. "samples" (default 0) is the number of cells drawn per row.
/// Every problem is reported against the field at fault ("rows[2].Dose"), all of them at once.
/// </summary>
internal sealed record PredictRequest(IReadOnlyList<object[]> Rows, int Samples, string Field)
{
    /// <summary>The request, or null with <paramref name="errors"/> filled (field → messages).</summary>
    public static PredictRequest? Parse(JsonElement body, ServedModel model, ServingLimits limits, Dictionary<string, string[]> errors)
    {
        void Error(string field, string message) => errors[field] = errors.TryGetValue(field, out string[]? earlier) ? earlier.Append(message).ToArray() : new[] { message };

        if (body.ValueKind != JsonValueKind.Object)
        {
            Error("$", $"expected a JSON object with \"rows\" (or \"features\") and optionally \"samples\"; got {Kind(body)}.");
            return null;
        }
        foreach (JsonProperty property in body.EnumerateObject())
            if (property.Name is not ("rows" or "features" or "samples"))
                Error(property.Name, "unknown field; expected \"rows\" (or \"features\") and optionally \"samples\".");

        int samples = 0;
        if (body.TryGetProperty("samples", out JsonElement samplesElement))
        {
            if (samplesElement.ValueKind != JsonValueKind.Number || !samplesElement.TryGetInt32(out samples) || samples < 0 || samples > limits.MaxSamples)
                Error("samples", $"expected a whole number from 0 to {limits.MaxSamples} (cells drawn per row); got {samplesElement.GetRawText()}.");
        }

        bool hasRows = body.TryGetProperty("rows", out JsonElement rowsElement), hasFeatures = body.TryGetProperty("features", out JsonElement featuresElement);
        if (hasRows == hasFeatures)
        {
            Error(hasRows ? "features" : "rows", hasRows
                ? "give \"rows\" or \"features\", not both."
                : $"missing: give \"rows\" (objects with {Describe(model.Inputs)}){(FeaturesForm(model) ? " or \"features\" (arrays of numbers)" : "")}.");
            return null;
        }
        if (hasFeatures && !FeaturesForm(model))
        {
            Error("features", $"this model takes named inputs ({Describe(model.Inputs)}); send them as \"rows\": [{{ ... }}].");
            return null;
        }
        string field = hasRows ? "rows" : "features";
        JsonElement list = hasRows ? rowsElement : featuresElement;
        if (list.ValueKind != JsonValueKind.Array)
        {
            Error(field, $"expected an array; got {Kind(list)}.");
            return null;
        }
        int count = list.GetArrayLength();
        if (count == 0 || count > limits.MaxRows)
        {
            Error(field, $"expected 1 to {limits.MaxRows} rows; got {count}.");
            return null;
        }
        if ((long)count * Math.Max(samples, 1) > limits.MaxPredictedCells)
            Error("samples", $"{count} rows × {samples} samples exceeds the limit of {limits.MaxPredictedCells} predicted cells per request; send fewer rows or samples.");
        else if ((long)count * Math.Max(samples, 1) * model.VariableNames.Count > limits.MaxPredictedValues)
            Error("samples", $"{count} rows × {Math.Max(samples, 1)} samples × {model.VariableNames.Count} variables exceeds the limit of {limits.MaxPredictedValues} predicted values per request; send fewer rows or samples.");
        if (model.IsCounterfactual && samples > 1)
            Error("samples", "this is a counterfactual model: each row's control cell (its measurements input) under the perturbation is one deterministic cell, so ask for 0 or 1 samples and send one row per control cell.");

        var rows = new List<object[]>(count);
        int index = 0;
        foreach (JsonElement element in list.EnumerateArray())
        {
            string where = $"{field}[{index++}]";
            rows.Add(hasRows ? ReadRow(element, where, model.Inputs, Error) : new[] { ReadValue(element, where, model.Inputs[0], Error) });
        }
        return errors.Count > 0 ? null : new PredictRequest(rows, samples, field);
    }

    /// <summary>Whether the "features" form applies: the pipeline's only input is a float vector.</summary>
    public static bool FeaturesForm(ServedModel model) =>
        model.Inputs is [{ Type: VectorDataViewType { ItemType: var item } }] && item == NumberDataViewType.Single;

    private static object[] ReadRow(JsonElement element, string where, IReadOnlyList<InputColumn> inputs, Action<string, string> error)
    {
        var values = new object[inputs.Count];
        if (element.ValueKind != JsonValueKind.Object)
        {
            error(where, $"expected an object with {Describe(inputs)}; got {Kind(element)}.");
            return values;
        }
        for (int c = 0; c < inputs.Count; c++)
        {
            if (element.TryGetProperty(inputs[c].Name, out JsonElement value)) values[c] = ReadValue(value, $"{where}.{inputs[c].Name}", inputs[c], error);
            else error($"{where}.{inputs[c].Name}", $"missing; expected {inputs[c].Description}.");
        }
        foreach (JsonProperty property in element.EnumerateObject())
            if (!inputs.Any(i => i.Name == property.Name))
                error($"{where}.{property.Name}", $"unknown input; the model takes {Describe(inputs)}.");
        return values;
    }

    private static object ReadValue(JsonElement value, string where, InputColumn column, Action<string, string> error)
    {
        DataViewType type = column.Type;
        if (type is VectorDataViewType vector)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != vector.Size)
            {
                error(where, $"expected an array of {vector.Size} numbers; got {(value.ValueKind == JsonValueKind.Array ? $"{value.GetArrayLength()} values" : Kind(value))}.");
                return Array.Empty<float>();
            }
            bool single = vector.ItemType == NumberDataViewType.Single;
            var floats = single ? new float[vector.Size] : null;
            var doubles = single ? null : new double[vector.Size];
            int k = 0;
            foreach (JsonElement item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out double x) || (single && !float.IsFinite((float)x)))
                    error($"{where}[{k}]", $"expected a finite number; got {item.GetRawText()}.");
                else if (single) floats![k] = (float)x;
                else doubles![k] = x;
                k++;
            }
            return single ? floats! : doubles!;
        }
        if (type is TextDataViewType)
        {
            if (value.ValueKind == JsonValueKind.String) return value.GetString()!;
            error(where, $"expected a string; got {Kind(value)}.");
            return "";
        }
        if (type is BooleanDataViewType)
        {
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
            error(where, $"expected true or false; got {Kind(value)}.");
            return false;
        }
        if (value.ValueKind != JsonValueKind.Number)
        {
            error(where, $"expected a number; got {Kind(value)}.");
            return 0;
        }
        if (type == NumberDataViewType.Int32 && value.TryGetInt32(out int i32)) return i32;
        if (type == NumberDataViewType.Int64 && value.TryGetInt64(out long i64)) return i64;
        if (type == NumberDataViewType.Single && value.TryGetDouble(out double f) && float.IsFinite((float)f)) return (float)f;
        if (type == NumberDataViewType.Double && value.TryGetDouble(out double x64)) return x64;
        error(where, $"expected {(type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64 ? "a whole number" : "a finite number")} that fits {column.Description}; got {value.GetRawText()}.");
        return 0;
    }

    private static string Describe(IReadOnlyList<InputColumn> inputs) =>
        string.Join(", ", inputs.Select(i => $"\"{i.Name}\" ({i.Description})"));

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string {element.GetRawText()}",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => "null",
    };
}
