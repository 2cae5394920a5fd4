namespace Gim.MLNet;

/// <summary>
/// The columns every perturbation estimator (GIM and its peers) reads and writes, its seed and cancellation:
/// one row per cell, so a pipeline swaps GIM for a peer by swapping the trainer. One reader and one set of
/// schema checks serve them all.
/// </summary>
public abstract class PerturbationEstimatorOptions
{
    private protected PerturbationEstimatorOptions()
    {
    }

    /// <summary>
    /// The perturbation features γ: a known-size vector of <see cref="float"/>, identical on every row
    /// of a context (build it with Concatenate, NormalizeMeanVariance, OneHotEncoding...). The exported
    /// ONNX graph names its input after this column. Default "Features".
    /// </summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The measured cell: a known-size vector of <see cref="float"/>, one variable per slot. Its slot names, when present, become the variable names. Default "Measurements".</summary>
    public string MeasurementsColumnName { get; set; } = "Measurements";

    /// <summary>The context (experimental condition) of each row: a key, string or integer column. Default "Context".</summary>
    public string ContextColumnName { get; set; } = "Context";

    /// <summary>
    /// A <see cref="bool"/> column that is true on the rows of control (unperturbed) contexts. Ignored when
    /// <see cref="ControlContextValue"/> is set. Default "IsControl".
    /// </summary>
    public string? ControlColumnName { get; set; } = "IsControl";

    /// <summary>
    /// The context value (as text: the key's value, the string, or the integer) that marks the control
    /// context; when set, <see cref="ControlColumnName"/> is not read. Default null.
    /// </summary>
    public string? ControlContextValue { get; set; }

    /// <summary>Output column with one draw per row from the predicted distribution (original units). Default "Sample".</summary>
    public string SampleColumnName { get; set; } = "Sample";

    /// <summary>Output column with the predicted mean E[x | γ] (original units). Default "PredictedMean".</summary>
    public string PredictedMeanColumnName { get; set; } = "PredictedMean";

    /// <summary>
    /// Output column with the target probabilities π(γ), written only by methods with a notion of targets (GIM,
    /// TwoStageCausal). Control, NearestContext, MeanShift and ConditionalGaussian write no such column rather
    /// than numbers that would read as a mechanistic prediction. Default "TargetProbabilities".
    /// </summary>
    public string TargetProbabilitiesColumnName { get; set; } = "TargetProbabilities";

    /// <summary>
    /// Output column with a shift in control standard deviations: the shifts ψ(γ) of the targeted mechanisms for
    /// GIM and TwoStageCausal; the predicted effect on the mean for the peers without mechanisms. Default "Shift".
    /// </summary>
    public string ShiftColumnName { get; set; } = "Shift";

    /// <summary>
    /// Seed of training and of the exported sampler. Null (the default) takes one from the MLContext's
    /// random source, so <c>new MLContext(seed: n)</c> makes the whole pipeline reproducible.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>Cancels training between steps; Fit then throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>True when the fitted transformer reads cells from the measurements column (GIM's counterfactual mode).</summary>
    internal virtual bool ReadsMeasurementsAtPrediction => false;

    /// <summary>The options type as users write it ("GimEstimator.Options"), for error messages.</summary>
    internal string OptionsName => $"{GetType().DeclaringType?.Name}.{GetType().Name}";
}
