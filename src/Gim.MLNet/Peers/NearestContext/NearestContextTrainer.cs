using Gim.MLNet.Data;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Fits the NearestContext peer (BENCHMARK.md §3): keeps every candidate training context's standardised
/// features and cells.
/// </summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class NearestContextTrainer(NearestContextOptions? options = null) : PerturbationTrainer<NearestContextOptions, NearestContextModel>(options)
{
    private protected override NearestContextModel Train(PerturbationFit fit)
    {
        var candidates = fit.Data.Contexts.Where(c => Options.IncludeControls || !c.IsControl).ToList();
        if (candidates.Count == 0)
            throw new ArgumentException("NearestContext: the training data have no perturbed contexts and NearestContextOptions.IncludeControls is false, so there is no context to answer with.", "train");
        var table = new CellTable(candidates.Select(c => c.Samples).ToList(), fit.Data.VariableCount);
        var points = candidates.Select(c => fit.Features.Transform(c.Features)).ToArray();
        return new NearestContextModel(fit.Data, fit.Variables, fit.Features, candidates.Select(c => c.Name).ToArray(), points, table, fit.Clock.Elapsed);
    }
}
