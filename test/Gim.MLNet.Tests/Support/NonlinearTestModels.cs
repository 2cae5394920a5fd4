using Gim.MLNet.Causal;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Support;

/// <summary>Nonlinear causal models with weights large enough that the contraction rescaling is active, and small trained GIMs.</summary>
internal static class NonlinearTestModels
{
    /// <summary>A float64 (or float32) model whose mechanisms are random and strong (every row rescaled to κ).</summary>
    public static NonlinearCausalModel Random(int variables, int seed, ScalarType dtype = ScalarType.Float64, NonlinearCausalOptions? options = null)
    {
        random.manual_seed(seed);
        var model = new NonlinearCausalModel(variables, options ?? new NonlinearCausalOptions { HiddenWidth = 5 }, dtype);
        using var _ = no_grad();
        // Strong weights: the raw bound rows sum far above κ, so r_j < 1 everywhere and the test exercises the rescaling.
        model.Mechanisms.RawFirst.mul_(3.0);
        model.Mechanisms.RawOutput.copy_(randn(model.Mechanisms.RawOutput.shape, dtype: dtype));
        model.Mechanisms.RawNormWeight.copy_(randn(variables, dtype: dtype));
        // The linear term in the same range as the MLP's bound, so every check covers it too.
        if (model.Mechanisms.HasLinearTerm) model.Mechanisms.RawLinear.copy_(randn(variables, variables, dtype: dtype));
        model.Bias.copy_(randn(variables, dtype: dtype) * 0.5);
        model.LogScale.copy_(randn(variables, dtype: dtype) * 0.3);
        return model;
    }

    /// <summary>Options for a nonlinear GIM on the tiny 5-variable SCM that trains in about a second.</summary>
    public static GimOptions Options(InterventionKind kind = InterventionKind.Shift, int depth = 0, int steps = 300)
    {
        GimOptions options = TinyLinearScm.Options(kind, depth, steps);
        options.CausalModel = CausalModelKind.Nonlinear;
        options.Nonlinear.HiddenWidth = 4;
        // Every exported row also solves the Monte Carlo mean (M equilibria); a small M keeps the
        // many-row sampling tests fast without changing what they check.
        options.Nonlinear.MeanSamples = 64;
        return options;
    }

    public static GimModel Train(InterventionKind kind = InterventionKind.Shift, int depth = 0, int steps = 300) =>
        new GimTrainer(Options(kind, depth, steps)).Fit(TinyLinearScm.Dataset());
}
