using System.Diagnostics;
using Gim.MLNet.Data;

namespace Gim.MLNet.Baselines;

/// <summary>Fits the Control peer (BENCHMARK.md §3): the training data's control cells, pooled.</summary>
public sealed class ControlTrainer
{
    private readonly ControlOptions _options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    public ControlTrainer(ControlOptions? options = null)
    {
        _options = (ControlOptions)(options ?? new ControlOptions()).Clone();
        _options.Validate();
    }

    /// <summary>Keeps the control cells of <paramref name="train"/>.</summary>
    /// <param name="train">Training contexts; at least one control, at least 2 cells per context.</param>
    public ControlModel Fit(PerturbationDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        train.Validate(requireControl: true, minSamplesPerContext: 2);
        _options.CancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var controls = train.Controls.Select(c => c.Samples).ToList();
        var table = new CellTable(new[] { BaselineStatistics.Pool(controls, train.VariableCount) }, train.VariableCount);
        var (variables, features) = BaselineStatistics.Standardizers(train);
        return new ControlModel(train, variables, features, table, clock.Elapsed);
    }
}
