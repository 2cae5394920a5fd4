using Gim.MLNet.Onnx;
using Microsoft.ML;

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
        ExpressionColumn.Check(inputSchema, _input, "counts");
        return PerturbationOutputSchema.Create(_mlContext, inputSchema, _input, new[] { _output });
    }

    /// <summary>Checks the counts (a known-size vector of Single, every value finite and ≥ 0), then builds the graph.</summary>
    /// <param name="input">Rows with the counts column.</param>
    public NormalizeTotalLog1pTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (column, d) = ExpressionColumn.Find(input, _input, "counts");
        ExpressionColumn.Scan(input, column, "counts", "counts, finite and ≥ 0");
        byte[] graph = Graph(d, ExpressionColumn.SlotNames(column, d));
        var step = OnnxBackedTransformer.ApplyOnnx(_mlContext, input, graph, new[] { _input }, new[] { _output }, d);
        return new NormalizeTotalLog1pTransformer(step, graph, _input, d);
    }

    /// <summary>log(1 + x·T / max(Σx, tiny)) per row, flattened (the batched path's signature).</summary>
    private byte[] Graph(int d, string[] names) => ExpressionColumn.StepGraph(_input, _output, d, g =>
    {
        string total = g.Node("ReduceSum", new[] { _input, g.Int64Constant("axes", 1) }, null, OnnxGraphBuilder.Int("keepdims", 1));
        string floor = g.Node("Max", new[] { total, g.Constant("tiny", new[] { 1e-30f }, 1) });
        string factor = g.Node("Div", new[] { g.Constant("target_sum", new[] { _targetSum }, 1), floor });
        string scaled = g.Node("Mul", new[] { _input, factor });
        return g.Node("Log", new[] { g.Node("Add", new[] { scaled, g.Constant("one", new[] { 1f }, 1) }) });
    }, $"NormalizeTotalLog1p: {d} genes to a total of {_targetSum}, then log1p.", names);
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
