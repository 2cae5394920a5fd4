using Gim.MLNet.Onnx;
using Onnx;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Causal;

/// <summary>
/// A known-target model's declared targets as ONNX nodes ([N, d] each), as <see cref="KnownTargetHead"/> computes them: the
/// 0/1 mask read from the raw indicator features, and what it does to the mechanisms — the intercept change δ on the
/// declared targets, the log noise-scale change ρ and the gains g on their inputs (null for Shift).
/// </summary>
/// <param name="Mask">1 where a row declares the variable a target.</param>
/// <param name="Change">mask ⊙ δ_kind (standardised units).</param>
/// <param name="LogFraction">mask ⊙ log h, or null (Shift).</param>
/// <param name="Gain">g = 1 − mask ⊙ (1 − h) (Knockdown) or 1 − mask (Hard), or null (Shift).</param>
internal sealed record KnownTargetNodes(string Mask, string Change, string? LogFraction, string? Gain)
{
    /// <summary>
    /// The nodes for raw features <paramref name="features"/> [N, p], their standardisation <paramref name="z"/> (the encoder's),
    /// the covariates' intercept shift β <paramref name="baseline"/> ([N, d], or null without covariates: the declared
    /// target's mechanism is its line's, intercept b + β) and the model's parameters.
    /// </summary>
    public static KnownTargetNodes Build(OnnxGraphBuilder g, GimParameters p, KnownTargetParameters k, string features, string z, string? baseline)
    {
        int d = p.VariableCount, f = p.FeatureCount;
        // The mask: the raw features times a 0/1 selection [p, d] (exact for 0/1 values), then > ½.
        var select = new float[f, d];
        for (int j = 0; j < d; j++)
            if (k.FeatureOfVariable[j] >= 0) select[k.FeatureOfVariable[j], j] = 1;
        string indicators = g.Node("MatMul", new[] { features, g.Constant("known_select", select) });
        string mask = g.Node("Cast", new[] { g.Node("Greater", new[] { indicators, g.Constant("half", new[] { 0.5f }, 1) }) }, null,
            Int("to", (long)TensorProto.Types.DataType.Float));
        // r = z·W'ᵀ + u', with W' zero and u' = r̄ for the variables never declared in training.
        var weight = new float[d, f];
        var bias = new float[d];
        for (int j = 0; j < d; j++)
        {
            bias[j] = k.Seen[j] ? k.Bias[j] : k.Typical;
            if (k.Seen[j])
                for (int q = 0; q < f; q++) weight[j, q] = k.Weight[j, q];
        }
        string strength = g.Node("Gemm", new[] { z, g.Constant("known_w", weight), g.Constant("known_b", bias, d) }, null, Int("transB", 1));
        if (k.Kind == KnownTargetKind.Shift)
        {
            float[] inverseScale = p.VariableScale.Select(v => (float)(1 / v)).ToArray();
            return new KnownTargetNodes(mask, g.Node("Mul", new[] { mask, g.Node("Mul", new[] { strength, g.Constant("known_inv_scale", inverseScale, d) }) }), null, null);
        }
        // log h = logsigmoid(r) = −softplus(−r), held at or above log 10⁻³; 1 − h.
        string logFraction = g.Node("Max", new[] {
            g.Node("Neg", new[] { g.Node("Softplus", new[] { g.Node("Neg", new[] { strength }) }) }),
            g.Constant("known_min_log", new[] { (float)KnownTargetHead.MinimumLogFraction }, 1) });
        string one = g.Constant("one", new[] { 1f }, 1);
        string lost = g.Node("Sub", new[] { one, g.Node("Exp", new[] { logFraction }) });
        float[] zero = p.VariableMean.Select((m, j) => (float)(-m / p.VariableScale[j])).ToArray();
        string change, gain;
        // The line's intercept b + β: δ_Knockdown = (1 − h)(o − b − β), δ_Hard = (1 − h)·o − b − β.
        string WithoutBaseline(string constant) => baseline is null ? constant : g.Node("Sub", new[] { constant, baseline });
        if (k.Kind == KnownTargetKind.Knockdown)
        {
            gain = g.Node("Sub", new[] { one, g.Node("Mul", new[] { mask, lost }) });
            change = g.Node("Mul", new[] { lost, WithoutBaseline(g.Constant("known_zero_minus_bias", zero.Select((o, j) => o - p.Bias[j]).ToArray(), d)) });
        }
        else
        {
            gain = g.Node("Sub", new[] { one, mask });
            change = WithoutBaseline(g.Node("Sub", new[] { g.Node("Mul", new[] { lost, g.Constant("known_zero", zero, d) }), g.Constant("known_bias", p.Bias, d) }));
        }
        return new KnownTargetNodes(mask, g.Node("Mul", new[] { mask, change }), g.Node("Mul", new[] { mask, logFraction }), gain);
    }
}
