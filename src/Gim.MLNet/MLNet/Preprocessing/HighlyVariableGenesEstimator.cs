using Gim.MLNet.Data;
using Gim.MLNet.Onnx;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// Keeps the most variable genes of log-normalised counts (after <see cref="NormalizeTotalLog1pEstimator"/>), the
/// Seurat-flavour dispersion ranking: for every gene, the mean m and variance v of expm1(x) over the cells, the log
/// dispersion log(v/m); genes are binned by log1p(m) into equal-width bins, and each gene's dispersion is z-scored
/// within its bin (a bin with one gene: 0, nothing to compare with); the genes with the highest normalised dispersion
/// are kept, in their original order. Genes with m = 0 are never kept. The fitted step is an ONNX graph (a gather of
/// the kept columns), so a saved pipeline takes the full gene vector. Create it with
/// <c>mlContext.Perturbation().Transforms.SelectHighlyVariableGenes(...)</c>.
/// </summary>
public sealed class HighlyVariableGenesEstimator : IEstimator<HighlyVariableGenesTransformer>
{
    private readonly MLContext _mlContext;
    private readonly string _output;
    private readonly string _input;
    private readonly int _count;
    private readonly int _bins;
    private const string Role = "log-normalised expression";

    internal HighlyVariableGenesEstimator(MLContext mlContext, string outputColumnName, string inputColumnName, int count, int bins)
    {
        _mlContext = mlContext;
        if (string.IsNullOrWhiteSpace(outputColumnName)) throw new ArgumentException("Give the name of the output column, e.g. \"Hvg\".", nameof(outputColumnName));
        if (outputColumnName == inputColumnName)
            throw new ArgumentException($"The output column must differ from the input column '{inputColumnName}' (an ONNX graph cannot write the tensor it reads).", nameof(outputColumnName));
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Keep at least one gene (e.g. 2000).");
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "At least one mean bin (scanpy's default is 20).");
        _output = outputColumnName;
        _input = inputColumnName;
        _count = count;
        _bins = bins;
    }

    /// <summary>The input schema plus the output column (a known-size vector of Single; its size is known only after fitting).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ExpressionColumn.Check(inputSchema, _input, Role);
        return PerturbationOutputSchema.Create(_mlContext, inputSchema, _input, new[] { _output });
    }

    /// <summary>Ranks the genes on <paramref name="input"/> and builds the graph that keeps the chosen ones.</summary>
    /// <param name="input">Rows with the log-normalised expression column (values ≥ 0).</param>
    public HighlyVariableGenesTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (column, d) = ExpressionColumn.Find(input, _input, Role);
        string[] names = ExpressionColumn.SlotNames(column, d);
        var dispersion = new GeneDispersion(d);
        long n = ExpressionColumn.Scan(input, column, Role, "log-normalised counts (finite, ≥ 0), e.g. the output of NormalizeTotalLog1p", dispersion.Add);
        if (n < 2) throw new ArgumentException($"Column '{_input}': {n} row(s); ranking genes by dispersion needs at least 2 cells.", nameof(input));
        dispersion.AddCells(n);
        int[] kept = dispersion.Top(_count, _bins, out double[] score);
        if (kept.Length == 0)
            throw new ArgumentException($"Column '{_input}': no gene has a nonzero mean; nothing to rank.", nameof(input));
        string[] keptNames = kept.Select(j => names[j]).ToArray();
        byte[] graph = Graph(d, kept, keptNames);
        var step = OnnxBackedTransformer.ApplyOnnx(_mlContext, input, graph, new[] { _input }, new[] { _output }, kept.Length);
        return new HighlyVariableGenesTransformer(step, graph, _input, d, keptNames, kept.Select(j => score[j]).ToArray());
    }

    /// <summary>Gathers the kept columns and flattens them (the batched path's signature).</summary>
    private byte[] Graph(int d, int[] kept, string[] keptNames) => ExpressionColumn.StepGraph(_input, _output, d,
        g => g.Node("Gather", new[] { _input, g.Int64Constant("kept", kept.Select(j => (long)j).ToArray()) }, null, OnnxGraphBuilder.Int("axis", 1)),
        $"SelectHighlyVariableGenes: {kept.Length} of {d} genes.", keptNames);
}

/// <summary>A fitted <see cref="HighlyVariableGenesEstimator"/>: the kept genes' columns, in their original order.</summary>
public sealed class HighlyVariableGenesTransformer : OnnxBackedTransformer
{
    private readonly string _input;
    private readonly int _width;

    internal HighlyVariableGenesTransformer(OnnxStep step, byte[] graph, string input, int width, string[] keptGenes, double[] scores) : base(step, graph)
    {
        _input = input;
        _width = width;
        KeptGenes = keptGenes;
        NormalisedDispersions = scores;
    }

    /// <summary>The kept genes (slot names of the input, or x0…), in their original order: the output's slots.</summary>
    public IReadOnlyList<string> KeptGenes { get; }

    /// <summary>Each kept gene's normalised dispersion (same order as <see cref="KeptGenes"/>).</summary>
    public IReadOnlyList<double> NormalisedDispersions { get; }

    private protected override void CheckInput(DataViewSchema schema) => CheckVector(schema, _input, "log-normalised expression", _width, "one value per gene, as in fitting");

    private protected override void DisposeModel()
    {
    }
}
