using Gim.MLNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>
/// What both preprocessing steps need of the column they read (one value per gene, ≥ 0): its shape checked before
/// and at fit, its slot names, one pass over its values that refuses a negative or non-finite one, naming the row
/// and slot (it would otherwise turn into NaN silently), and the frame of their ONNX graphs.
/// </summary>
internal static class ExpressionColumn
{
    /// <summary>Throws unless <paramref name="name"/> is a known-size vector of Single in <paramref name="schema"/>.</summary>
    public static void Check(SchemaShape schema, string name, string role)
    {
        SchemaShape.Column column = schema.FirstOrDefault(c => c.Name == name);
        if (column.Name is null)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{name}' ({role}) was not found; expected a known-size vector of Single (one value per gene).");
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{name}' ({role}): expected a known-size vector of Single; found {column.Kind} of {column.ItemType}.");
    }

    /// <summary>The column <paramref name="name"/> of <paramref name="input"/> and its width; throws unless it is a known-size vector of Single.</summary>
    public static (DataViewSchema.Column Column, int Width) Find(IDataView input, string name, string role)
    {
        DataViewSchema.Column column = input.Schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(input), $"Column '{name}' ({role}) was not found; expected a known-size vector of Single (one value per gene). Available columns: {string.Join(", ", input.Schema.Select(c => $"'{c.Name}'"))}.");
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, Size: > 0 } vector || item != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(input), $"Column '{name}' ({role}): expected a known-size vector of Single; found {column.Type}.");
        return (column, vector.Size);
    }

    /// <summary>The column's slot names, or x0, x1, … when it has none (or some are empty).</summary>
    public static string[] SlotNames(DataViewSchema.Column column, int width)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        if (column.HasSlotNames()) column.GetSlotNames(ref names);
        string[] result = names.DenseValues().Select(n => n.ToString()).ToArray();
        return result.Length == width && result.All(n => n.Length > 0) ? result : Enumerable.Range(0, width).Select(j => $"x{j}").ToArray();
    }

    /// <summary>
    /// Reads every row once, passing each stored value and its slot to <paramref name="visit"/>; a value that is negative
    /// or not finite stops the read with an error naming the row and slot and saying what was <paramref name="expected"/>.
    /// </summary>
    /// <returns>The number of rows.</returns>
    public static long Scan(IDataView input, DataViewSchema.Column column, string role, string expected, Action<int, float>? visit = null)
    {
        using DataViewRowCursor cursor = input.GetRowCursor(new[] { column });
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> row = default;
        long rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref row);
            ReadOnlySpan<float> values = row.GetValues();
            for (int i = 0; i < values.Length; i++)
            {
                int slot = row.IsDense ? i : row.GetIndices()[i];
                if (!(values[i] >= 0) || float.IsInfinity(values[i]))
                    throw new ArgumentException($"Column '{column.Name}' ({role}), row {rows}, slot {slot}: the value is {values[i]}; expected {expected}.", nameof(input));
                visit?.Invoke(slot, values[i]);
            }
            rows++;
        }
        return rows;
    }

    /// <summary>
    /// The ONNX graph of a row-wise step from <paramref name="input"/> [N, d] to <paramref name="output"/>, flattened (the
    /// batched path's signature): <paramref name="body"/> adds the step's nodes and returns the tensor to output.
    /// </summary>
    public static byte[] StepGraph(string input, string output, int d, Func<OnnxGraphBuilder, string> body, string description, string[] outputNames)
    {
        var g = new OnnxGraphBuilder();
        g.Reserve(input);
        g.Reserve(output);
        g.Input(input, d);
        string result = body(g);
        g.Node("Reshape", new[] { result, g.Int64Constant("flat", -1) }, output);
        g.FlatOutput(output);
        return Google.Protobuf.MessageExtensions.ToByteArray(g.ToModel(description, outputNames, Array.Empty<string>()));
    }
}
