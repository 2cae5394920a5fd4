using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Fits the MeanShift peer (BENCHMARK.md §3): an MLP f(γ) minimising Σ_k ‖f(γ_k) − m_k‖² / (K·d) over the
/// training contexts (controls included, each context counting once), where m_k is context k's mean in
/// control standard deviations, plus the weight penalty.
/// </summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class MeanShiftTrainer(MeanShiftOptions? options = null) : PerturbationTrainer<MeanShiftOptions, MeanShiftModel>(options)
{
    private protected override MeanShiftModel Train(PerturbationFit fit)
    {
        FeatureMlp mlp = MlpTraining.Fit(fit, Options, fit.Data.VariableCount,
            (net, moments) => (net.forward(moments.Features) - moments.Means).square().mean(), "MeanShift");
        return new MeanShiftModel(fit.Data, fit.Variables, fit.Features, mlp, fit.Controls(), fit.Clock.Elapsed);
    }
}
