namespace Gim.MLNet.Data;

/// <summary>
/// The levels of a screen's covariates (cell lines, donors) and each level's own control. A level is one combination
/// of the covariate features' values (with <see cref="ScreenDesign.Covariates"/>, the 0/1 indicators
/// <c>cell_type=LineB</c>, ...); its control is the control context where the level is the control's, else the
/// contexts that differ from the control only in covariate features — the vehicle cells of that line, which a
/// <see cref="ScreenDesign"/> makes into a context perturbed by its line alone. A drug's effect in a line is its shift
/// from that line's vehicle, not from the reference line's: the covariate-aware baselines (Control, TrainingMean) and
/// the comparison's shift metrics measure from it.
/// </summary>
public sealed class CovariateLevels
{
    private readonly PerturbationDataset _data;
    private readonly List<List<int>> _controls = new();
    private readonly int[] _levelOfContext;

    private CovariateLevels(PerturbationDataset data, int[] columns, IReadOnlyList<string> features)
    {
        _data = data;
        var controls = data.Controls.ToList();
        if (controls.Count == 0)
            throw new ArgumentException("Covariate levels: the data have no control context; each level's control is found from the control's features.");
        Keys = new CovariateKeys(features, columns, data.FeatureCount, controls.Select(c => c.Features));
        _levelOfContext = new int[data.Contexts.Count];
        for (int c = 0; c < data.Contexts.Count; c++)
        {
            PerturbationContext context = data.Contexts[c];
            int level = Keys.FindOrAdd(context.Features);
            if (level == _controls.Count) _controls.Add(new List<int>());
            _levelOfContext[c] = level;
            if (context.IsControl || Keys.IsControlFeatures(context.Features)) _controls[level].Add(c);
        }
        // A level that has a control context is controlled by its control contexts alone (a context there with a control's
        // features that is not marked as control is a perturbation the features cannot tell apart, not a second control).
        for (int l = 0; l < Keys.Count; l++)
            if (_controls[l].Any(c => data.Contexts[c].IsControl)) _controls[l].RemoveAll(c => !data.Contexts[c].IsControl);
        var missing = Enumerable.Range(0, Keys.Count).Where(l => _controls[l].Count == 0).ToList();
        if (missing.Count > 0)
        {
            var vehicles = Keys.ControlOthers.Select(control => string.Join(", ", Keys.OtherColumns.Select((a, i) => $"{data.FeatureNames[a]} = {control[i]}"))).Distinct().ToList();
            throw new ArgumentException($"Covariate levels: {string.Join("; ", missing.Select(l => Keys.Describe(Keys.Values(l))))} " +
                $"{(missing.Count == 1 ? "has" : "have")} no control of {(missing.Count == 1 ? "its" : "their")} own: no context there has a control's other features " +
                $"({string.Join(" or ", vehicles.Select(v => v.Length == 0 ? "none" : v))}). Each covariate level needs its vehicle cells " +
                "(a context that differs from a control only in the covariates), from which its shifts are measured.");
        }
    }

    /// <summary>The covariate features, by name.</summary>
    public IReadOnlyList<string> Features => Keys.Features;

    /// <summary>Number of levels (distinct combinations of the covariate features' values among the contexts).</summary>
    public int Count => Keys.Count;

    /// <summary>The levels' values as a lookup (what the baselines and the scoring keep).</summary>
    internal CovariateKeys Keys { get; }

    /// <summary>Finds the levels of <paramref name="data"/> over the named covariate features.</summary>
    /// <param name="data">Data with a control context and, for each level, the level's own control.</param>
    /// <param name="covariateFeatures">Names of the covariate features (at least one, each a feature of the data).</param>
    /// <exception cref="ArgumentException">An unknown or repeated feature name, no control, or a level without its own control.</exception>
    public static CovariateLevels Of(PerturbationDataset data, IReadOnlyList<string> covariateFeatures)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(covariateFeatures);
        return new CovariateLevels(data, Columns(data.FeatureNames, covariateFeatures), covariateFeatures.ToArray());
    }

    /// <summary>The feature columns of the named covariates; an error names an unknown or repeated one and the features there are.</summary>
    internal static int[] Columns(IReadOnlyList<string> featureNames, IReadOnlyList<string> covariateFeatures)
    {
        if (covariateFeatures.Count == 0)
            throw new ArgumentException("Covariate levels: name at least one covariate feature.");
        var columns = new int[covariateFeatures.Count];
        for (int i = 0; i < columns.Length; i++)
        {
            columns[i] = featureNames.ToList().IndexOf(covariateFeatures[i]);
            if (columns[i] < 0)
                throw new ArgumentException($"Covariate feature '{covariateFeatures[i]}' is not a feature of the data; the features are {string.Join(", ", featureNames)}.");
            if (Array.IndexOf(columns, columns[i], 0, i) >= 0)
                throw new ArgumentException($"Covariate feature '{covariateFeatures[i]}' is named twice.");
        }
        return columns;
    }

    /// <summary>The level of a context of the data, by index.</summary>
    public int LevelOfContext(int context) => _levelOfContext[context];

    /// <summary>The level of a feature vector (the data's feature order), or −1 where no context of the data has its covariate values.</summary>
    /// <exception cref="ArgumentException">The vector's length is not the data's feature count.</exception>
    public int Find(float[] features) => Keys.Find(features);

    /// <summary>The level's covariate values, in the order of <see cref="Features"/>.</summary>
    public IReadOnlyList<float> Values(int level) => Keys.Values(level);

    /// <summary>The level's own control contexts (the control, or that line's vehicle contexts).</summary>
    public IReadOnlyList<PerturbationContext> ControlsOf(int level) => _controls[level].Select(c => _data.Contexts[c]).ToList();

    /// <summary>Whether context <paramref name="context"/> (by index) is its level's own control.</summary>
    public bool IsLevelControl(int context) => _controls[_levelOfContext[context]].Contains(context);

    /// <summary>The mean cell of the level's own control contexts (original units; every cell counts once).</summary>
    public double[] ControlMean(int level)
    {
        int d = _data.VariableCount;
        var sum = new double[d];
        long n = 0;
        foreach (PerturbationContext context in ControlsOf(level))
        {
            float[,] x = context.Samples;
            for (int i = 0; i < context.SampleCount; i++)
                for (int j = 0; j < d; j++) sum[j] += x[i, j];
            n += context.SampleCount;
        }
        return sum.Select(v => v / n).ToArray();
    }

    /// <summary>"cell_type=LineB = 1" for a level's values.</summary>
    public string Describe(IReadOnlyList<float> values) => Keys.Describe(values);
}
