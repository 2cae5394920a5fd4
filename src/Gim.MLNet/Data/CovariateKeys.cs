namespace Gim.MLNet.Data;

/// <summary>
/// The covariate levels' values as a lookup (what <see cref="CovariateLevels"/>, the covariate-aware baselines and the
/// scoring's covariate controls keep after the data are gone): the covariate features, their columns, and each level's
/// values; a feature vector's level is the one whose values it has exactly, and it is a level's own control where it
/// has a control's values in every other feature.
/// </summary>
internal sealed class CovariateKeys
{
    private readonly List<float[]> _values = new();
    private readonly float[][] _controlOthers;

    /// <param name="features">The covariate features' names.</param>
    /// <param name="columns">Their columns.</param>
    /// <param name="featureCount">The length of the feature vectors.</param>
    /// <param name="controlFeatures">The features of the data's control contexts.</param>
    public CovariateKeys(IReadOnlyList<string> features, int[] columns, int featureCount, IEnumerable<float[]> controlFeatures)
    {
        Features = features;
        Columns = columns;
        FeatureCount = featureCount;
        OtherColumns = Enumerable.Range(0, featureCount).Except(columns).ToArray();
        _controlOthers = controlFeatures.Select(f => OtherColumns.Select(a => f[a]).ToArray()).ToArray();
    }

    /// <summary>The columns of every feature that is not a covariate.</summary>
    public int[] OtherColumns { get; }

    /// <summary>The controls' values in <see cref="OtherColumns"/>, one row per control context.</summary>
    public IReadOnlyList<float[]> ControlOthers => _controlOthers;

    /// <summary>Whether a feature vector has some control's values in every non-covariate feature: its level's own control (a line's vehicle).</summary>
    public bool IsControlFeatures(float[] features) =>
        _controlOthers.Any(control => OtherColumns.Select((a, i) => features[a].Equals(control[i])).All(same => same));

    /// <summary>The covariate features, by name.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Their columns in the feature vector.</summary>
    public int[] Columns { get; }

    /// <summary>The length of the feature vectors.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of levels.</summary>
    public int Count => _values.Count;

    /// <summary>Level l's covariate values, in the order of <see cref="Features"/>.</summary>
    public IReadOnlyList<float> Values(int level) => _values[level];

    /// <summary>The level of a feature vector, adding it as a new level where none has its values (while the levels are being found).</summary>
    public int FindOrAdd(float[] features)
    {
        int level = Find(features);
        if (level >= 0) return level;
        _values.Add(Columns.Select(a => features[a]).ToArray());
        return _values.Count - 1;
    }

    /// <summary>The level of a feature vector, or −1 where no level has its covariate values.</summary>
    /// <exception cref="ArgumentException">The vector's length is not <see cref="FeatureCount"/>.</exception>
    public int Find(float[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length != FeatureCount)
            throw new ArgumentException($"{features.Length} features; the covariate levels were found on data with {FeatureCount}.", nameof(features));
        for (int l = 0; l < _values.Count; l++)
        {
            bool same = true;
            for (int i = 0; i < Columns.Length && same; i++) same = features[Columns[i]].Equals(_values[l][i]);
            if (same) return l;
        }
        return -1;
    }

    /// <summary>"line=B = 1, donor=2 = 0" for a level's values.</summary>
    public string Describe(IReadOnlyList<float> values) => string.Join(", ", Features.Select((f, i) => $"{f} = {values[i]}"));

    /// <summary>The covariate values of a feature vector, as <see cref="Describe"/> writes them.</summary>
    public string DescribeFeatures(float[] features) => Describe(Columns.Select(a => features[a]).ToArray());

    /// <summary>Every level, as <see cref="Describe"/> writes them, separated by "; ".</summary>
    public string DescribeLevels() => string.Join("; ", _values.Select(Describe));
}
