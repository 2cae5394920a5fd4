using Gim.MLNet.Data;
using Gim.MLNet.Peers;
namespace Gim.MLNet.Modeling;

/// <summary>
/// What the peers of GIM share: names, the control-based standardisation of the variables, the
/// training-based standardisation of the features, and the checks on a feature vector.
/// </summary>
public abstract class PerturbationModel : IPerturbationPredictor
{
    private protected PerturbationModel(PerturbationDataset train, Standardizer variables, Standardizer features, TimeSpan fitTime)
    {
        VariableNames = train.VariableNames.ToArray();
        FeatureNames = train.FeatureNames.ToArray();
        VariableStandardizer = variables;
        FeatureStandardizer = features;
        FitTime = fitTime;
    }

    /// <summary>The measured variables, in output order.</summary>
    public IReadOnlyList<string> VariableNames { get; }

    /// <summary>The perturbation features.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Number of variables d.</summary>
    public int VariableCount => VariableNames.Count;

    /// <summary>Number of features p.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Control-based standardisation of the variables (mean and standard deviation of the control cells).</summary>
    public Standardizer VariableStandardizer { get; }

    /// <summary>Training-based standardisation of the features (over the training contexts, controls included).</summary>
    public Standardizer FeatureStandardizer { get; }

    /// <summary>Wall time of training.</summary>
    public TimeSpan FitTime { get; }

    /// <summary>Draws <paramref name="count"/> cells (original units) predicted for these features.</summary>
    /// <param name="features">The perturbation's raw features (length <see cref="FeatureCount"/>).</param>
    /// <param name="count">Number of cells (≥ 0).</param>
    /// <param name="seed">Seed of the draws.</param>
    public abstract float[,] Sample(float[] features, int count, int seed);

    /// <summary>The predicted mean E[x | γ] (original units).</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public abstract float[] PredictMean(float[] features);

    /// <summary>True when the method has a notion of targets (<see cref="TargetProbabilities"/> is not null): TwoStageCausal only.</summary>
    public virtual bool HasTargets => false;

    /// <summary>
    /// Per-variable probabilities of being targeted. The black-box and empirical peers have no notion of
    /// targets (they predict cells, not mechanisms), so they return null rather than numbers that would
    /// look like a mechanistic read-out; only <see cref="TwoStageCausalModel"/> overrides this.
    /// </summary>
    /// <param name="features">The perturbation's raw features.</param>
    public virtual float[]? TargetProbabilities(float[] features) => null;

    /// <summary>
    /// The predicted effect on the mean, E[x | γ] − E[x | control], in control standard deviations: what the
    /// ONNX graphs of Control, NearestContext, MeanShift and ConditionalGaussian output as "Shift". (GIM's Shift is instead the shift ψ of the targeted
    /// mechanisms; the peers have no mechanisms, so their shift is the total effect.)
    /// </summary>
    /// <param name="features">The perturbation's raw features.</param>
    public virtual float[] MeanShift(float[] features) => VariableStandardizer.Transform(PredictMean(features));

    /// <summary>Releases native resources, if any.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Checks a raw feature vector (length, finite values) and returns it standardised.</summary>
    private protected float[] StandardizeFeatures(float[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length != FeatureCount)
            throw new ArgumentException($"The feature vector has {features.Length} values; the model was trained on {FeatureCount} features.", nameof(features));
        int bad = Array.FindIndex(features, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException($"Feature '{FeatureNames[bad]}' is {features[bad]}; features must be finite.", nameof(features));
        return FeatureStandardizer.Transform(features);
    }

    /// <summary>Checks a requested number of cells.</summary>
    private protected static void CheckCount(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of cells to draw must be ≥ 0.");
    }
}
