using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>Fits the Control peer (BENCHMARK.md §3): the training data's control cells, pooled.</summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class ControlTrainer(ControlOptions? options = null) : PerturbationTrainer<ControlOptions, ControlModel>(options)
{
    private protected override ControlModel Train(PerturbationFit fit) =>
        new(fit.Data, fit.Variables, fit.Features, fit.Controls(), fit.Clock.Elapsed);
}
