using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>
/// The Additive peer: resampled control cells moved by the sum of the query's features' single effects,
/// s(γ) = Σ_q γ_q δ_q, δ_q the per-unit effect of feature q measured where it was the only perturbation
/// (<see cref="AdditiveTrainer"/>). With one 0/1 feature per perturbed gene, "A+B" is the control plus A's and B's effects.
/// With covariate levels (<see cref="AdditiveOptions.CovariateFeatures"/>), s(γ) = o_L + Σ_q γ_q δ_Lq for the query's level
/// L: its control's offset and the effects measured in it, applied to L's own control cells.
/// </summary>
public sealed class AdditiveModel : ControlShiftModel
{
    private readonly double[,] _effect;
    private readonly bool[] _seen;
    private readonly double[][,]? _levelEffect;

    internal AdditiveModel(PerturbationDataset train, Standardizer variables, Standardizer features, double[,] effect, bool[] seen, CellTable controls,
        TimeSpan fitTime, ControlLevels? levels = null, double[][,]? levelEffect = null)
        : base(train, variables, features, controls, fitTime, levels, levels is null ? null : LevelShiftsOf(levels, levelEffect!, features))
    {
        _effect = effect;
        _seen = seen;
        _levelEffect = levelEffect;
    }

    internal override string Description => "Additive peer";

    /// <summary>
    /// δ: the per-unit effect of each feature on each variable's mean, in control standard deviations ([feature, variable];
    /// zero, or the mean single effect with <see cref="AdditiveUnseen.SingleMean"/>, for a feature never seen alone). With
    /// covariate levels, those of the control's level (each level's own effects are what <see cref="MeanShift"/> applies).
    /// </summary>
    public double[,] Effects => (double[,])_effect.Clone();

    /// <summary>With covariate levels, δ_L for each level in the order of the model's (internal) levels; null without.</summary>
    internal IReadOnlyList<double[,]>? LevelEffects => _levelEffect?.Select(e => (double[,])e.Clone()).ToArray();

    /// <summary>Whether each feature was the only active feature of at least one training context (of the control's level, with covariate levels).</summary>
    public IReadOnlyList<bool> SeenAlone => _seen;

    /// <summary>Σ_q γ_q δ_q (plus, with covariate levels, the level's offset, δ the level's): the predicted mean shift in control standard deviations.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] MeanShift(float[] features)
    {
        StandardizeFeatures(features); // checks length and finiteness
        int level = Levels?.BlockOf(features) ?? 0;
        double[,] effect = _levelEffect?[level] ?? _effect;
        var shift = new float[VariableCount];
        for (int j = 0; j < VariableCount; j++)
        {
            double s = Levels?.Offsets[level][j] ?? 0;
            for (int q = 0; q < FeatureCount; q++) s += features[q] * effect[q, j];
            shift[j] = (float)s;
        }
        return shift;
    }

    /// <summary>
    /// The same map on the standardised features z = (γ − μ)/σ: weights σ_q δ_qj and bias Σ_q μ_q δ_qj. With covariate
    /// levels the map is zero and the graph reads each level's weights (<see cref="LevelWeights"/>) and bias (in its level shift).
    /// </summary>
    internal override MlpParameters ShiftMap()
    {
        if (_levelEffect is not null) return new MlpParameters(Array.Empty<(float[,], float[])>(), new float[VariableCount, FeatureCount], new float[VariableCount]);
        var weight = new float[VariableCount, FeatureCount];
        var bias = new float[VariableCount];
        for (int j = 0; j < VariableCount; j++)
        {
            double b = 0;
            for (int q = 0; q < FeatureCount; q++)
            {
                weight[j, q] = (float)(FeatureStandardizer.Scale[q] * _effect[q, j]);
                b += FeatureStandardizer.Mean[q] * _effect[q, j];
            }
            bias[j] = (float)b;
        }
        return new MlpParameters(Array.Empty<(float[,], float[])>(), weight, bias);
    }

    /// <summary>Each level's weights on the standardised features, σ_q δ_Lqj ([feature, variable]); null without covariate levels.</summary>
    internal override float[][,]? LevelWeights => _levelEffect?.Select(e =>
    {
        var w = new float[FeatureCount, VariableCount];
        for (int q = 0; q < FeatureCount; q++)
            for (int j = 0; j < VariableCount; j++) w[q, j] = (float)(FeatureStandardizer.Scale[q] * e[q, j]);
        return w;
    }).ToArray();

    /// <summary>Each level's offset plus its map's bias on standardised features, o_L + Σ_q μ_q δ_Lq.</summary>
    private static double[][] LevelShiftsOf(ControlLevels levels, double[][,] effect, Standardizer features) =>
        Enumerable.Range(0, levels.Count).Select(l => levels.Offsets[l].Select((o, j) =>
            o + Enumerable.Range(0, features.Count).Sum(q => features.Mean[q] * effect[l][q, j])).ToArray()).ToArray();
}
