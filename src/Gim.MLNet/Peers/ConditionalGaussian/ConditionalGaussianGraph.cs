using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Peers;

/// <summary>
/// ConditionalGaussian: [μ | log σ²] from the MLP; log σ² clamped as in training; a sample μ + σ⊙ε with ε from a
/// seeded RandomNormalLike; all de-standardised. The shift is μ.
/// </summary>
internal static class ConditionalGaussianGraph
{
    public static string Build(PeerGraph g, ConditionalGaussianModel model)
    {
        int d = model.VariableCount;
        string output = g.Mlp(model.ExportParameters());
        string Half(int start, string? name) => g.G.Node("Slice", new[] { output, g.G.Int64Constant("start", start),
            g.G.Int64Constant("end", start + d), g.G.Int64Constant("axis", 1) }, name);
        string mean = Half(0, g.Options.ShiftOutputName);
        float bound = ConditionalGaussianOptions.LogVarianceBound;
        string logVariance = g.G.Node("Clip", new[] { Half(d, null), g.G.Constant("min", new[] { -bound }), g.G.Constant("max", new[] { bound }) });
        string sd = g.G.Node("Exp", new[] { g.G.Node("Mul", new[] { logVariance, g.G.Constant("half", new[] { 0.5f }, 1) }) });
        string epsilon = g.G.Node("RandomNormalLike", new[] { mean }, null, Float("seed", g.Seed));
        g.Destandardize(g.G.Node("Add", new[] { mean, g.G.Node("Mul", new[] { sd, epsilon }) }), g.Options.SampleOutputName);
        g.Destandardize(mean, g.Options.PredictedMeanOutputName);
        return "ConditionalGaussian peer";
    }
}
