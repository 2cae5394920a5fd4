using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>Fits the Control peer (BENCHMARK.md §3): the training data's control cells, pooled.</summary>
public sealed class ControlTrainer : PerturbationTrainer<ControlOptions, ControlModel>
{
    /// <summary>Creates a trainer; the options are validated here.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    public ControlTrainer(ControlOptions? options = null) : base(options)
    {
    }

    private protected override ControlModel Train(PerturbationFit fit) =>
        new(fit.Data, fit.Variables, fit.Features, fit.Controls(), fit.Clock.Elapsed);
}
