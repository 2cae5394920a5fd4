using Gim.MLNet.Data;

namespace Gim.MLNet.Scoring;

/// <summary>
/// The control mean of each covariate level of the training data (<see cref="CovariateLevels"/>: the control for the
/// reference line, each other line's vehicle cells for that line), for scoring screens of several cell lines: with
/// <see cref="ScoringOptions.CovariateControls"/> each scored context's shifts (Pearson delta, the top-k most shifted
/// variables) are measured from its own level's control, found by the covariate values of its features. Only the
/// levels' values and control means are kept.
/// </summary>
public sealed class CovariateControls
{
    private readonly CovariateKeys _keys;
    private readonly double[][] _means;

    private CovariateControls(CovariateKeys keys, double[][] means)
    {
        _keys = keys;
        _means = means;
        VariableCount = means[0].Length;
    }

    /// <summary>The number of variables of the control means (the evaluated cells must have as many).</summary>
    public int VariableCount { get; }

    /// <summary>The covariate features, by name.</summary>
    public IReadOnlyList<string> Features => _keys.Features;

    /// <summary>The length of the feature vectors it reads.</summary>
    public int FeatureCount => _keys.FeatureCount;

    /// <summary>Number of covariate levels.</summary>
    public int Count => _keys.Count;

    /// <summary>The control mean of each covariate level of <paramref name="train"/> (original units).</summary>
    /// <param name="train">The training data: a control, and each level's own control (its vehicle context).</param>
    /// <param name="covariateFeatures">The features that encode the covariates, e.g. <c>design.CovariateFeatureNames(train.FeatureNames)</c>.</param>
    /// <exception cref="ArgumentException">An unknown feature, no control, or a level without its own control (<see cref="CovariateLevels.Of"/>).</exception>
    public static CovariateControls FromData(PerturbationDataset train, IReadOnlyList<string> covariateFeatures)
    {
        CovariateLevels levels = CovariateLevels.Of(train, covariateFeatures);
        return new CovariateControls(levels.Keys, Enumerable.Range(0, levels.Count).Select(levels.ControlMean).ToArray());
    }

    /// <summary>
    /// Whether features are those of a level's own control: a control's outside the covariates (another line's vehicle).
    /// Scored with these controls, such a context counts as a control (no shift of its own to measure).
    /// </summary>
    public bool IsLevelControl(float[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return features.Length == FeatureCount && _keys.IsControlFeatures(features);
    }

    /// <summary>The control mean (original units) of the level of a context's features; an error names the context and the levels there are.</summary>
    /// <param name="features">The context's raw features.</param>
    /// <param name="context">The context's name, for the error.</param>
    public double[] ReferenceOf(float[] features, string context)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length != FeatureCount)
            throw new ArgumentException($"Context '{context}': {features.Length} features; the covariate controls were found on data with {FeatureCount}.");
        int level = _keys.Find(features);
        if (level < 0)
            throw new ArgumentException($"Context '{context}': its covariates ({_keys.DescribeFeatures(features)}) are no level of the training data " +
                $"({_keys.DescribeLevels()}), so it has no control to measure its shift from.");
        return _means[level];
    }
}
