using System.Diagnostics;
using Gim.MLNet.Data;

namespace Gim.MLNet.Baselines;

/// <summary>
/// Fits the NearestContext peer (BENCHMARK.md §3): keeps every candidate training context's standardised
/// features and cells.
/// </summary>
public sealed class NearestContextTrainer
{
    private readonly NearestContextOptions _options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    public NearestContextTrainer(NearestContextOptions? options = null)
    {
        _options = (NearestContextOptions)(options ?? new NearestContextOptions()).Clone();
        _options.Validate();
    }

    /// <summary>Keeps the candidate contexts of <paramref name="train"/>.</summary>
    /// <param name="train">Training contexts; at least one control, at least 2 cells per context.</param>
    public NearestContextModel Fit(PerturbationDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        train.Validate(requireControl: true, minSamplesPerContext: 2);
        _options.CancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var candidates = train.Contexts.Where(c => _options.IncludeControls || !c.IsControl).ToList();
        if (candidates.Count == 0)
            throw new ArgumentException("NearestContext: the training data have no perturbed contexts and NearestContextOptions.IncludeControls is false, so there is no context to answer with.", nameof(train));
        var (variables, features) = BaselineStatistics.Standardizers(train);
        var table = new CellTable(candidates.Select(c => c.Samples).ToList(), train.VariableCount);
        var points = candidates.Select(c => features.Transform(c.Features)).ToArray();
        return new NearestContextModel(train, variables, features, candidates.Select(c => c.Name).ToArray(), points, table, clock.Elapsed);
    }
}
