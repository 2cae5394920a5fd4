namespace Gim.MLNet.Baselines;

/// <summary>Fits the Control peer (BENCHMARK.md §3): the training data's control cells, pooled.</summary>
public sealed class ControlTrainer : BaselineTrainer<ControlOptions, ControlModel>
{
    /// <summary>Creates a trainer; the options are validated here.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    public ControlTrainer(ControlOptions? options = null) : base(options)
    {
    }

    private protected override ControlModel Train(BaselineFit fit) =>
        new(fit.Data, fit.Variables, fit.Features, fit.Controls(), fit.Clock.Elapsed);
}
