using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Fits the Control peer (BENCHMARK.md §3): the training data's control cells, pooled; with
/// <see cref="ControlOptions.CovariateFeatures"/>, each covariate level's own control cells (<see cref="Data.CovariateLevels"/>).
/// </summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class ControlTrainer(ControlOptions? options = null) : PerturbationTrainer<ControlOptions, ControlModel>(options)
{
    private protected override ControlModel Train(PerturbationFit fit)
    {
        var (cells, levels, _) = ControlLevels.Fit(fit, Options.CovariateFeatures);
        return new ControlModel(fit.Data, fit.Variables, fit.Features, cells, levels, fit.Clock.Elapsed);
    }
}
