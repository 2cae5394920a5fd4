using System.Globalization;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>
/// Reads one-row-per-cell data (features, measurements, context, control flag) into a
/// <see cref="PerturbationDataset"/>: rows are grouped by context in order of first appearance.
/// </summary>
internal static class PerturbationDataReader
{
    /// <param name="data">The rows.</param>
    /// <param name="options">The columns' names.</param>
    /// <param name="cancellation">Stops the read.</param>
    /// <param name="requireControl">Whether control cells must be present (training data: yes; validation data: no).</param>
    /// <param name="role">How messages name the data ("The input", "The validation data").</param>
    public static PerturbationDataset Read(IDataView data, PerturbationOptions options, CancellationToken cancellation,
        bool requireControl = true, string role = "The input")
    {
        DataViewSchema schema = data.Schema;
        DataViewSchema.Column features = schema[options.FeatureColumnName];
        DataViewSchema.Column measurements = schema[options.MeasurementsColumnName];
        DataViewSchema.Column context = schema[options.ContextColumnName];
        DataViewSchema.Column? control = options.ControlContextValue is null ? schema[options.ControlColumnName!] : null;
        DataViewSchema.Column? groupColumn = options.GroupColumnName is string g ? schema[g] : null;
        int p = ((VectorDataViewType)features.Type).Size, d = ((VectorDataViewType)measurements.Type).Size;
        // Names first: a duplicate name fails before any row is read, and messages can name the slot at fault.
        string[]? variableNames = SlotNames(measurements, "measurements", d);
        string[]? featureNames = SlotNames(features, "features", p);

        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        var order = new List<Group>();
        var columns = new List<DataViewSchema.Column> { features, measurements, context };
        if (control is DataViewSchema.Column c) columns.Add(c);
        if (groupColumn is DataViewSchema.Column gc) columns.Add(gc);
        long row = 0;
        using (DataViewRowCursor cursor = data.GetRowCursor(columns))
        {
            var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
            var getMeasurements = cursor.GetGetter<VBuffer<float>>(measurements);
            Func<long, string> getContext = ContextReader.Create(cursor, context);
            var getControl = control is DataViewSchema.Column cc ? cursor.GetGetter<bool>(cc) : null;
            Func<long, string>? getGroup = groupColumn is DataViewSchema.Column gcc ? ContextReader.Create(cursor, gcc, "perturbation group") : null;
            VBuffer<float> featureBuffer = default, measurementBuffer = default;
            bool isControl = false;
            while (cursor.MoveNext())
            {
                if ((row & 1023) == 0) cancellation.ThrowIfCancellationRequested();
                string name = getContext(row);
                getFeatures(ref featureBuffer);
                getMeasurements(ref measurementBuffer);
                getControl?.Invoke(ref isControl);
                if (options.ControlContextValue is string value) isControl = string.Equals(name, value, StringComparison.Ordinal);
                float[] gamma = Dense(featureBuffer, p);
                CheckFinite(gamma, features, "features", featureNames, "f", row, name);
                string? perturbation = getGroup?.Invoke(row);
                if (!groups.TryGetValue(name, out Group? group))
                {
                    group = new Group(name, gamma, isControl, row) { Perturbation = perturbation };
                    groups.Add(name, group);
                    order.Add(group);
                }
                else
                {
                    if (perturbation != group.Perturbation)
                        throw ContextReader.GroupMismatch(name, row, perturbation, groupColumn!.Value.Name, group.FirstRow, group.Perturbation);
                    if (!gamma.AsSpan().SequenceEqual(group.Features))
                        throw new ArgumentException(
                            $"Context '{name}': the features in column '{features.Name}' on row {row} differ from those on row {group.FirstRow} " +
                            $"([{Format(gamma)}] vs [{Format(group.Features)}]); a context's features must be identical on all its rows.");
                    if (isControl != group.IsControl)
                        throw new ArgumentException(
                            $"Context '{name}': row {row} has {ControlDescription(options)} = {isControl} but row {group.FirstRow} has {group.IsControl}; a context is either control or not.");
                }
                float[] cell = Dense(measurementBuffer, d);
                CheckFinite(cell, measurements, "measurements", variableNames, "x", row, name);
                group.Cells.Add(cell);
                row++;
            }
        }

        if (row == 0)
            throw new ArgumentException(
                $"{role} has no rows; expected one row per cell (columns '{features.Name}', '{measurements.Name}', '{context.Name}'" +
                $"{(control is DataViewSchema.Column flag ? $", '{flag.Name}'" : "")}), with control cells and perturbed cells.");
        if (requireControl && options.ControlContextValue is string controlValue && !groups.ContainsKey(controlValue))
            throw new ArgumentException($"No rows have context '{controlValue}' ({options.GetType().Name}.ControlContextValue) in column '{context.Name}'; contexts seen: {string.Join(", ", order.Take(10).Select(g => $"'{g.Name}'"))}{(order.Count > 10 ? ", ..." : "")}.");

        if (requireControl && control is DataViewSchema.Column controlColumn && !order.Any(g => g.IsControl))
            throw new ArgumentException(
                $"No row has '{controlColumn.Name}' = true, so there are no control cells ({row} rows in {order.Count} context(s)); expected the control " +
                $"(unperturbed) cells marked true in column '{controlColumn.Name}', or {options.GetType().Name}.ControlContextValue set to the control context's value. " +
                "Every estimator standardises by the control cells.");

        var contexts = order.Select(g => new PerturbationContext(g.Name, g.Features, ToMatrix(g.Cells, d), g.IsControl, g.Perturbation)).ToList();
        return new PerturbationDataset(contexts, variableNames, featureNames);
    }

    private static string ControlDescription(PerturbationOptions options) => $"'{options.ControlColumnName}'";

    private static float[] Dense(in VBuffer<float> buffer, int size)
    {
        var dense = new float[size];
        buffer.CopyTo(dense);
        return dense;
    }

    private static float[,] ToMatrix(List<float[]> rows, int d)
    {
        var m = new float[rows.Count, d];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < d; j++)
                m[i, j] = rows[i][j];
        return m;
    }

    /// <summary>
    /// Slot names when present and all non-empty; otherwise null (the data set names them x0, f0...). Duplicate
    /// names are an error rather than a silent fallback: they name the model's inputs and outputs, and falling
    /// back would quietly drop every name (duplicated gene symbols are common in real data).
    /// </summary>
    internal static string[]? SlotNames(DataViewSchema.Column column, string role, int size)
    {
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is null) return null;
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.Annotations.GetValue("SlotNames", ref names);
        if (names.Length != size) return null;
        string[] result = names.DenseValues().Select(n => n.ToString()).ToArray();
        if (!result.All(n => n.Length > 0)) return null;
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < result.Length; j++)
            if (!first.TryAdd(result[j], j))
                throw new ArgumentException(
                    $"Column '{column.Name}' ({role}): slot names must be unique because they name the {(role == "features" ? "features" : "variables")}; " +
                    $"'{result[j]}' names slots {first[result[j]]} and {j}. Rename the slots (for AnnData: adata.var_names_make_unique()).");
        return result;
    }

    /// <summary>Throws naming the row, column, slot and context of the first non-finite value (NaN or ±∞) of a row.</summary>
    private static void CheckFinite(float[] values, DataViewSchema.Column column, string role, string[]? names, string prefix, long row, string context)
    {
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad < 0) return;
        string slot = names?[bad] ?? prefix + bad.ToString(CultureInfo.InvariantCulture);
        throw new ArgumentException(
            $"Column '{column.Name}' ({role}), row {row}, slot {bad} ('{slot}'): the value is {values[bad].ToString(CultureInfo.InvariantCulture)} " +
            $"(context '{context}'); expected a finite number. Drop or impute such rows before training (NaN: mlContext.Data.FilterRowsByMissingValues " +
            "or mlContext.Transforms.ReplaceMissingValues).");
    }

    private static string Format(float[] v) => string.Join(", ", v.Take(6).Select(x => x.ToString("G6"))) + (v.Length > 6 ? ", ..." : "");

    private sealed class Group(string name, float[] features, bool isControl, long firstRow)
    {
        public string Name { get; } = name;
        public float[] Features { get; } = features;
        public bool IsControl { get; } = isControl;
        public long FirstRow { get; } = firstRow;
        public List<float[]> Cells { get; } = new();
        public string? Perturbation { get; init; }
    }
}
