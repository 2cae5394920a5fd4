using Gim.MLNet.Data;
using Gim.MLNet.Data.Sachs;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Tests.Support;

/// <summary>
/// A predictor that knows the answer: for a condition's features it returns that condition's cells from a given
/// data set and, optionally, π equal to the nominal targets. Scores against it have known values.
/// </summary>
internal sealed class LookupPredictor(PerturbationDataset cells, bool nominalTargets)
    : PerturbationModel(cells.VariableNames, cells.FeatureNames, Standardizer.Identity(cells.VariableCount), Standardizer.Identity(cells.FeatureCount), TimeSpan.Zero)
{
    public override float[,] Sample(float[] features, int count, int seed)
    {
        float[,] source = Find(features).Samples;
        if (source.GetLength(0) != count) throw new InvalidOperationException($"asked for {count} cells; the lookup holds {source.GetLength(0)}");
        return (float[,])source.Clone();
    }

    public override float[] PredictMean(float[] features) => throw new NotSupportedException();

    public override bool HasTargets => nominalTargets;

    public override float[]? TargetProbabilities(float[] features)
    {
        if (!nominalTargets) return null;
        IReadOnlyList<string> targets = SachsDataset.NominalTargets[Find(features).Name];
        return SachsDataset.VariableNames.Select(v => targets.Contains(v) ? 0.9f : 0.1f).ToArray();
    }

    private PerturbationContext Find(float[] features) => cells.Contexts.Single(c => c.Features.SequenceEqual(features));
}

/// <summary>A predictor that returns the same cells for every condition (whatever the count asked for) and has no targets.</summary>
internal sealed class FixedPredictor(float[,] cells, IReadOnlyList<string> variables, int features)
    : PerturbationModel(variables, Enumerable.Range(0, features).Select(j => $"f{j}").ToArray(), Standardizer.Identity(variables.Count), Standardizer.Identity(features), TimeSpan.Zero)
{
    public override float[,] Sample(float[] features, int count, int seed) => (float[,])cells.Clone();

    public override float[] PredictMean(float[] features) => throw new NotSupportedException();
}
