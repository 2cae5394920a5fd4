using Gim.MLNet.Data;
using Gim.MLNet.Onnx;

namespace Gim.MLNet.Modeling;

/// <summary>
/// A fitted perturbation model, GIM or a peer: the distribution of cells it predicts for perturbation features
/// (draws and mean), target probabilities where the method has a notion of targets, the learned graph where it has
/// one, and its ONNX graph. It also holds the names and the two standardisations every method uses: variables by
/// the control cells, features by the training contexts.
/// </summary>
public abstract class PerturbationModel : IDisposable
{
    /// <summary>Sets the names, standardisations and fit time every model has.</summary>
    /// <param name="variableNames">The measured variables, in output order.</param>
    /// <param name="featureNames">The perturbation features, in input order.</param>
    /// <param name="variables">Control-based standardisation of the variables.</param>
    /// <param name="features">Training-based standardisation of the features.</param>
    /// <param name="fitTime">Wall time of training.</param>
    protected PerturbationModel(IReadOnlyList<string> variableNames, IReadOnlyList<string> featureNames, Standardizer variables,
        Standardizer features, TimeSpan fitTime)
    {
        ArgumentNullException.ThrowIfNull(variableNames);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(features);
        VariableNames = variableNames.ToArray();
        FeatureNames = featureNames.ToArray();
        VariableStandardizer = variables;
        FeatureStandardizer = features;
        FitTime = fitTime;
    }

    /// <summary>Sets the names from the training data, the standardisations and the fit time.</summary>
    private protected PerturbationModel(PerturbationDataset train, Standardizer variables, Standardizer features, TimeSpan fitTime)
        : this(train.VariableNames, train.FeatureNames, variables, features, fitTime)
    {
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
    public TimeSpan FitTime { get; private protected set; }

    /// <summary>Draws <paramref name="count"/> cells (original units) predicted for these features.</summary>
    /// <param name="features">The perturbation's raw features (length <see cref="FeatureCount"/>).</param>
    /// <param name="count">Number of cells (≥ 0).</param>
    /// <param name="seed">Seed of the draws.</param>
    public abstract float[,] Sample(float[] features, int count, int seed);

    /// <summary>The predicted mean E[x | γ] (original units).</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public abstract float[] PredictMean(float[] features);

    /// <summary>
    /// The standard deviation of the predicted mean of each variable (original units): the method's own measure of how
    /// far the true mean may lie from <see cref="PredictMean"/>; null for the methods without one (every peer, and GIM
    /// fitted without calibration).
    /// </summary>
    /// <param name="features">The perturbation's raw features.</param>
    public virtual float[]? PredictMeanStandardDeviation(float[] features) => null;

    /// <summary>True when the method has a notion of targets (<see cref="TargetProbabilities"/> is not null): GIM and TwoStageCausal.</summary>
    public virtual bool HasTargets => false;

    /// <summary>
    /// Per-variable probabilities of being targeted. The black-box and empirical peers have no notion of
    /// targets (they predict cells, not mechanisms), so they return null rather than numbers that would
    /// look like a mechanistic read-out.
    /// </summary>
    /// <param name="features">The perturbation's raw features.</param>
    public virtual float[]? TargetProbabilities(float[] features) => null;

    /// <summary>
    /// The log density of each cell (rows × variables, original units) under the distribution predicted for these
    /// features, for the methods with a density (GIM, TwoStageCausal, ConditionalGaussian); null for the methods that
    /// predict by resampling observed cells. The held-out negative log predictive density ("nlpd") is computed from it.
    /// </summary>
    /// <param name="features">The perturbation's raw features.</param>
    /// <param name="cells">Cells, rows × <see cref="VariableCount"/>, in original units.</param>
    public virtual double[]? LogDensity(float[] features, float[,] cells) => null;

    /// <summary>
    /// The learned graph in standardised units, [i, j] the direct effect of variable i on variable j; null for the
    /// methods without one (everything but GIM and TwoStageCausal).
    /// </summary>
    public virtual double[,]? Graph() => null;

    /// <summary>
    /// The predicted effect on the mean, E[x | γ] − E[x | control], in control standard deviations: what the
    /// ONNX graphs of the peers without mechanisms (Control, TrainingMean, LinearFeatures, NearestContext,
    /// MeanShift, ConditionalGaussian) output as "Shift". (GIM's Shift is instead the shift ψ of the targeted
    /// mechanisms; the peers have no mechanisms, so their shift is the total effect.)
    /// </summary>
    /// <param name="features">The perturbation's raw features.</param>
    public virtual float[] MeanShift(float[] features) => VariableStandardizer.Transform(PredictMean(features));

    /// <summary>
    /// The model as an ONNX graph (opset 17) that ONNX Runtime — and so ML.NET's <c>ApplyOnnxModel</c> — runs without
    /// TorchSharp. Input: the raw features [N, p]; outputs [N, d]: Sample (one draw per row), PredictedMean,
    /// TargetProbabilities (methods with targets only) and Shift.
    /// </summary>
    /// <param name="options">Input/output names, seed and layout (GIM also takes <c>GimOnnxExportOptions</c>); null for the defaults.</param>
    /// <exception cref="NotSupportedException">The model has no ONNX form (a model defined outside this library).</exception>
    public virtual byte[] ExportOnnx(OnnxExportOptions? options = null) =>
        throw new NotSupportedException($"{GetType().Name} has no ONNX export.");

    /// <summary>The outputs <see cref="ExportOnnx"/> writes, in order.</summary>
    /// <param name="options">The names; null for the defaults.</param>
    public IReadOnlyList<string> OnnxOutputNames(OnnxExportOptions? options = null) =>
        (options ?? new OnnxExportOptions()).OutputNames(HasTargets);

    /// <summary>Writes <see cref="ExportOnnx"/>'s graph to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    /// <param name="options">Input/output names, seed and layout; null for the defaults.</param>
    public void SaveOnnx(string path, OnnxExportOptions? options = null)
    {
        byte[] bytes = ExportOnnx(options);
        Runtime.AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Releases native resources, if any.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Checks a raw feature vector (length, finite values) and returns it standardised.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    protected float[] StandardizeFeatures(float[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length != FeatureCount)
            throw new ArgumentException($"The feature vector has {features.Length} values; the model was trained on {FeatureCount} features.", nameof(features));
        int bad = Array.FindIndex(features, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException($"Feature '{FeatureNames[bad]}' is {features[bad]}; features must be finite.", nameof(features));
        return FeatureStandardizer.Transform(features);
    }

    /// <summary>Checks cells given for a density: one column per variable, finite values.</summary>
    /// <param name="cells">Cells, rows × variables.</param>
    protected void CheckCells(float[,] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.GetLength(1) != VariableCount)
            throw new ArgumentException($"The cells have {cells.GetLength(1)} variables; the model has {VariableCount}.", nameof(cells));
        foreach (float v in cells)
            if (!float.IsFinite(v))
                throw new ArgumentException($"A cell holds {v}; a density needs finite values.", nameof(cells));
    }

    /// <summary>Σ_j log σ_j of the variables' standardisation: what turns a density of standardised cells into one of original cells.</summary>
    protected double LogScaleSum => VariableStandardizer.Scale.Sum(Math.Log);

    /// <summary>Checks a requested number of cells.</summary>
    /// <param name="count">Number of cells to draw.</param>
    protected static void CheckCount(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of cells to draw must be ≥ 0.");
    }
}
