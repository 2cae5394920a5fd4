using Gim.MLNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Onnx;

namespace Gim.MLNet;

/// <summary>
/// Count preprocessing as an ML.NET estimator whose fitted step is an ONNX graph, so a saved pipeline takes raw counts:
/// each cell's counts are scaled to a total of <c>targetSum</c> and log1p-transformed, log(1 + x·T/Σx) (scanpy's
/// <c>normalize_total(target_sum=T)</c> then <c>log1p</c>). A cell with no counts stays all zeros. Create it with
/// <c>mlContext.Perturbation().Transforms.NormalizeTotalLog1p(...)</c>.
/// </summary>
public sealed class NormalizeTotalLog1pEstimator : IEstimator<NormalizeTotalLog1pTransformer>
{
    private readonly MLContext _mlContext;
    private readonly string _output;
    private readonly string _input;
    private readonly float _targetSum;

    internal NormalizeTotalLog1pEstimator(MLContext mlContext, string outputColumnName, string inputColumnName, float targetSum)
    {
        _mlContext = mlContext;
        if (string.IsNullOrWhiteSpace(outputColumnName)) throw new ArgumentException("Give the name of the output column, e.g. \"LogMeasurements\".", nameof(outputColumnName));
        if (string.IsNullOrWhiteSpace(inputColumnName)) throw new ArgumentException("Give the name of the counts column, e.g. \"Measurements\".", nameof(inputColumnName));
        if (outputColumnName == inputColumnName)
            throw new ArgumentException($"The output column must differ from the counts column '{inputColumnName}' (an ONNX graph cannot write the tensor it reads): name it, e.g., " +
                $"\"Log{inputColumnName}\", and point the trainer's measurements column at it.", nameof(outputColumnName));
        if (!(targetSum > 0) || !float.IsFinite(targetSum))
            throw new ArgumentOutOfRangeException(nameof(targetSum), targetSum, "The target total must be a finite number > 0 (scanpy's default is the median total; 10⁴ is common).");
        _output = outputColumnName;
        _input = inputColumnName;
        _targetSum = targetSum;
    }

    /// <summary>The input schema plus the output column (a vector of Single of the counts' size).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column column = inputSchema.FirstOrDefault(c => c.Name == _input);
        if (column.Name is null)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Column '{_input}' (counts) was not found; expected a known-size vector of Single (one count per gene).");
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Column '{_input}' (counts): expected a known-size vector of Single; found {column.Kind} of {column.ItemType}.");
        return PerturbationOutputSchema.Create(_mlContext, inputSchema, _input, new[] { _output });
    }

    /// <summary>Checks the counts (a known-size vector of Single, every value finite and ≥ 0), then builds the graph.</summary>
    /// <param name="input">Rows with the counts column.</param>
    public NormalizeTotalLog1pTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        DataViewSchema.Column column = input.Schema.GetColumnOrNull(_input)
            ?? throw new ArgumentOutOfRangeException(nameof(input), $"Column '{_input}' (counts) was not found; expected a known-size vector of Single (one count per gene). Available columns: {string.Join(", ", input.Schema.Select(c => $"'{c.Name}'"))}.");
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, Size: > 0 } vector || item != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(input), $"Column '{_input}' (counts): expected a known-size vector of Single; found {column.Type}.");
        int d = vector.Size;
        CheckCounts(input, column);
        string[] names = SlotNames(column, d);
        byte[] graph = Graph(d, names);
        var step = OnnxBackedTransformer.ApplyOnnx(_mlContext, input, graph, new[] { _input }, new[] { _output }, d);
        return new NormalizeTotalLog1pTransformer(step, graph, _input, d);
    }

    /// <summary>Refuses negative or non-finite counts, naming the row and slot (they would give NaN, silently).</summary>
    private void CheckCounts(IDataView input, DataViewSchema.Column column)
    {
        using DataViewRowCursor cursor = input.GetRowCursor(new[] { column });
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> row = default;
        long index = 0;
        while (cursor.MoveNext())
        {
            getter(ref row);
            ReadOnlySpan<float> values = row.GetValues();
            for (int i = 0; i < values.Length; i++)
                if (!(values[i] >= 0) || float.IsInfinity(values[i]))
                {
                    int slot = row.IsDense ? i : row.GetIndices()[i];
                    throw new ArgumentException($"Column '{_input}' (counts), row {index}, slot {slot}: the value is {values[i]}; counts must be finite and ≥ 0.", nameof(input));
                }
            index++;
        }
    }

    private static string[] SlotNames(DataViewSchema.Column column, int d)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        if (column.HasSlotNames()) column.GetSlotNames(ref names);
        string[] result = names.DenseValues().Select(n => n.ToString()).ToArray();
        return result.Length == d && result.All(n => n.Length > 0) ? result : Enumerable.Range(0, d).Select(j => $"x{j}").ToArray();
    }

    /// <summary>log(1 + x·T / max(Σx, tiny)) per row, flattened (the batched path's signature).</summary>
    private byte[] Graph(int d, string[] names)
    {
        var g = new OnnxGraphBuilder();
        g.Reserve(_input);
        g.Reserve(_output);
        g.Input(_input, d);
        string total = g.Node("ReduceSum", new[] { _input, g.Int64Constant("axes", 1) }, null, OnnxGraphBuilder.Int("keepdims", 1));
        string floor = g.Node("Max", new[] { total, g.Constant("tiny", new[] { 1e-30f }, 1) });
        string factor = g.Node("Div", new[] { g.Constant("target_sum", new[] { _targetSum }, 1), floor });
        string scaled = g.Node("Mul", new[] { _input, factor });
        string logged = g.Node("Log", new[] { g.Node("Add", new[] { scaled, g.Constant("one", new[] { 1f }, 1) }) });
        g.Node("Reshape", new[] { logged, g.Int64Constant("flat", -1) }, _output);
        g.FlatOutput(_output);
        ModelProto model = g.ToModel($"NormalizeTotalLog1p: {d} genes to a total of {_targetSum}, then log1p.", names, Array.Empty<string>());
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }
}

/// <summary>
/// A fitted <see cref="NormalizeTotalLog1pEstimator"/>: log(1 + x·T/Σx) of each row's counts, by ONNX Runtime a block of
/// rows per call; saved as ML.NET's ONNX step, so a saved pipeline takes raw counts wherever ML.NET and ONNX Runtime run.
/// </summary>
public sealed class NormalizeTotalLog1pTransformer : OnnxBackedTransformer
{
    private readonly string _input;
    private readonly int _width;

    internal NormalizeTotalLog1pTransformer(OnnxStep step, byte[] graph, string input, int width) : base(step, graph)
    {
        _input = input;
        _width = width;
    }

    private protected override void CheckInput(DataViewSchema schema) => CheckVector(schema, _input, "counts", _width, "one count per gene");

    private protected override void DisposeModel()
    {
    }
}
