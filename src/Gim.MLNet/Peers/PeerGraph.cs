using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;
using Google.Protobuf;
using Onnx;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Peers;

/// <summary>
/// The pieces every peer graph is made of, on top of <see cref="OnnxGraphBuilder"/>: the standardised
/// features, rows broadcast to the batch, uniform resampling from a constant table of cells, an MLP, the
/// de-standardisation, and the outputs and model wrapper.
/// </summary>
internal sealed class PeerGraph
{
    private readonly PerturbationModel _model;
    private readonly OnnxExportOptions _options;
    private string? _batch;
    private string? _nonFinite;

    public PeerGraph(PerturbationModel model, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _options = options ?? new OnnxExportOptions();
        G.Reserve(_options, targets: false);
        G.Input(_options.FeaturesInputName, model.FeatureCount);
        Standardized = G.Node("Div", new[] {
            G.Node("Sub", new[] { _options.FeaturesInputName, G.Constant("feature_mean", ToFloat(model.FeatureStandardizer.Mean), model.FeatureCount) }),
            G.Constant("feature_scale", ToFloat(model.FeatureStandardizer.Scale), model.FeatureCount) });
    }

    public OnnxGraphBuilder G { get; } = new();

    /// <summary>Builds a peer's graph: <paramref name="build"/> adds its nodes and returns its description.</summary>
    public static byte[] Export(PerturbationModel model, OnnxExportOptions? options, Func<PeerGraph, string> build)
    {
        var graph = new PeerGraph(model, options);
        return graph.Finish(build(graph));
    }

    public OnnxExportOptions Options => _options;

    /// <summary>The standardised features z = (γ − mean) / scale, [N, p].</summary>
    public string Standardized { get; }

    /// <summary>The seed as ONNX stores it (the low 24 bits, as a float).</summary>
    public float Seed => _options.OnnxSeed;

    /// <summary>[N] (int64): the batch size, read from the features input.</summary>
    private string Batch => _batch ??= G.Node("Slice", new[] {
        G.Node("Shape", new[] { _options.FeaturesInputName }), G.Int64Constant("zero", 0), G.Int64Constant("one", 1) });

    /// <summary>A constant row (length <paramref name="values"/>) repeated once per input row: [N, len].</summary>
    public string Rows(string hint, float[] values, string? name = null)
    {
        string row = G.Constant(hint, values, 1, values.Length);
        string shape = G.Node("Concat", new[] { Batch, G.Int64Constant("width", values.Length) }, null, Int("axis", 0));
        return G.Node("Expand", new[] { row, shape }, name);
    }

    /// <summary>
    /// One cell per input row, drawn uniformly from rows [offset, offset + count) of <paramref name="table"/>:
    /// row = offset + min(⌊u·count⌋, count − 1), u ~ U[0, 1). Offsets and counts are [N, 1] tensors (int64 and
    /// float) or, for a single block, null and <paramref name="singleCount"/>.
    /// </summary>
    public string Resample(float[,] table, string? offsets, string? counts, int singleCount, string? name = null)
    {
        string cells = G.Constant("cells", table);
        string uniform = G.Node("RandomUniformLike", new[] { Rows("unit", new[] { 0f }) }, null, Float("seed", Seed));
        string count = counts ?? G.Constant("count", new[] { (float)singleCount }, 1);
        string scaled = G.Node("Floor", new[] { G.Node("Mul", new[] { uniform, count }) });
        string last = G.Node("Sub", new[] { count, G.Constant("one_f", new[] { 1f }, 1) });
        string index = G.Node("Cast", new[] { G.Node("Min", new[] { scaled, last }) }, null, Int("to", (long)TensorProto.Types.DataType.Int64));
        if (offsets is not null) index = G.Node("Add", new[] { index, offsets });
        string flat = G.Node("Reshape", new[] { index, G.Int64Constant("flat", -1) });
        return G.Node("Gather", new[] { cells, flat }, name, Int("axis", 0));
    }

    /// <summary>The MLP of <paramref name="mlp"/> applied to the standardised features.</summary>
    public string Mlp(MlpParameters mlp, string? name = null)
    {
        string h = Standardized;
        foreach (var (weight, bias) in mlp.HiddenLayers)
        {
            string pre = G.Node("Gemm", new[] { h, G.Constant("hidden_w", weight), G.Constant("hidden_b", bias, bias.Length) }, null, Int("transB", 1));
            h = G.Node("Mul", new[] { pre, G.Node("Sigmoid", new[] { pre }) });
        }
        return G.Node("Gemm", new[] { h, G.Constant("out_w", mlp.OutputWeight), G.Constant("out_b", mlp.OutputBias, mlp.OutputBias.Length) },
            name, Int("transB", 1));
    }

    /// <summary>
    /// x + Σ_j 0·γ_j per row: x itself where the row's raw features are all finite, NaN where any is NaN or ±∞.
    /// A method that answers by comparison (the nearest context) or ignores the features (Control) would
    /// otherwise give a plausible-looking answer for a row of garbage; with this, such a row is NaN for every
    /// method, as it already is wherever the features flow through arithmetic (GIM, the MLPs).
    /// </summary>
    public string NaNWhereFeaturesAreNotFinite(string x, string? name = null)
    {
        _nonFinite ??= G.Node("ReduceSum", new[] {
            G.Node("Mul", new[] { _options.FeaturesInputName, G.Constant("zero_f", new[] { 0f }, 1) }),
            G.Int64Constant("feature_axis", 1) }, null, Int("keepdims", 1));                               // [N, 1]: 0 or NaN
        return G.Node("Add", new[] { x, _nonFinite }, name);
    }

    /// <summary>x·scale + mean with the control statistics: standardised units to original units.</summary>
    public string Destandardize(string x, string? name = null)
    {
        Standardizer s = _model.VariableStandardizer;
        return G.Node("Add", new[] {
            G.Node("Mul", new[] { x, G.Constant("variable_scale", ToFloat(s.Scale), s.Count) }),
            G.Constant("variable_mean", ToFloat(s.Mean), s.Count) }, name);
    }

    /// <summary>Declares the three outputs (flattened when asked) and serialises the model.</summary>
    public byte[] Finish(string description)
    {
        int d = _model.VariableCount;
        foreach (string output in _options.OutputNames(targets: false))
        {
            if (_options.FlattenOutputs)
            {
                string rows = G.Rename(output, "rows");
                G.Node("Reshape", new[] { rows, G.Int64Constant("flat", -1) }, output);
                G.FlatOutput(output);
            }
            else G.Output(output, d);
        }
        return G.ToModel($"{description}: {d} variables, {_model.FeatureCount} features.", _model.VariableNames, _model.FeatureNames,
            _options.OutputRoles(targets: false)).ToByteArray();
    }

    public static float[] ToFloat(double[] v) => v.Select(x => (float)x).ToArray();

    /// <summary>An attribute holding a list of integers (axes).</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
