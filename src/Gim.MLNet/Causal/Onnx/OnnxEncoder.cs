using Gim.MLNet.Onnx;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Causal;

/// <summary>
/// The intervention encoder as ONNX nodes: standardised features, SiLU hidden layers and the heads; the
/// same network for linear and nonlinear GIMs.
/// </summary>
internal static class OnnxEncoder
{
    /// <summary>Returns the logits, shift and (ShiftScale only) log-scale heads, [N, d] each.</summary>
    public static (string Logits, string Shift, string? LogScale) Build(OnnxGraphBuilder g, GimParameters p, string features, string shiftName)
    {
        int f = p.FeatureCount;
        string z = g.Node("Div", new[] {
            g.Node("Sub", new[] { features, g.Constant("feature_mean", p.FeatureMean.Select(v => (float)v).ToArray(), f) }),
            g.Constant("feature_scale", p.FeatureScale.Select(v => (float)v).ToArray(), f) });
        string? hidden = null;
        if (p.HiddenLayers.Count > 0)
        {
            hidden = z;
            foreach (var (weight, bias) in p.HiddenLayers)
            {
                string pre = g.Node("Gemm", new[] { hidden, g.Constant("hidden_w", weight), g.Constant("hidden_b", bias, bias.Length) }, null, Int("transB", 1));
                hidden = g.Node("Mul", new[] { pre, g.Node("Sigmoid", new[] { pre }) });
            }
        }
        string Head(int k, string? name)
        {
            int d = p.VariableCount;
            string skip = g.Node("Gemm", new[] { z, g.Constant("skip_w", Rows(p.SkipWeight, k * d, d)), g.Constant("skip_b", p.SkipBias.Skip(k * d).Take(d).ToArray(), d) },
                hidden is null ? name : null, Int("transB", 1));
            if (hidden is null) return skip;
            string fromHidden = g.Node("Gemm", new[] { hidden, g.Constant("from_hidden_w", Rows(p.FromHiddenWeight!, k * d, d)) }, null, Int("transB", 1));
            return g.Node("Add", new[] { skip, fromHidden }, name);
        }
        return (Head(0, null), Head(1, shiftName), p.HeadCount == 3 ? Head(2, null) : null);
    }

    private static float[,] Rows(float[,] m, int start, int count)
    {
        int cols = m.GetLength(1);
        var rows = new float[count, cols];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < cols; j++)
                rows[i, j] = m[start + i, j];
        return rows;
    }
}
