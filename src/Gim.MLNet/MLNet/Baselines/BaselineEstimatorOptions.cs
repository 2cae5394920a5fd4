using Gim.MLNet.Baselines;

namespace Gim.MLNet.MLNet.Baselines;

/// <summary>
/// The columns a peer's estimator reads and writes, its seed and cancellation: the same shape as
/// <see cref="GimEstimator.Options"/>, so a pipeline swaps GIM for a peer by swapping the trainer.
/// </summary>
public abstract class BaselineEstimatorOptions : IPerturbationInputColumns
{
    private protected BaselineEstimatorOptions()
    {
    }

    /// <summary>The perturbation features γ: a known-size vector of <see cref="float"/>, identical on every row of a context. The exported ONNX graph names its input after this column. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The measured cell: a known-size vector of <see cref="float"/>, one variable per slot (read in training only). Default "Measurements".</summary>
    public string MeasurementsColumnName { get; set; } = "Measurements";

    /// <summary>The context (experimental condition) of each row: a key, string or integer column. Default "Context".</summary>
    public string ContextColumnName { get; set; } = "Context";

    /// <summary>A <see cref="bool"/> column that is true on the rows of control contexts. Ignored when <see cref="ControlContextValue"/> is set. Default "IsControl".</summary>
    public string? ControlColumnName { get; set; } = "IsControl";

    /// <summary>The context value (as text) that marks the control context; when set, <see cref="ControlColumnName"/> is not read. Default null.</summary>
    public string? ControlContextValue { get; set; }

    /// <summary>Output column with one draw per row from the predicted distribution (original units). Default "Sample".</summary>
    public string SampleColumnName { get; set; } = "Sample";

    /// <summary>Output column with the predicted mean E[x | γ] (original units). Default "PredictedMean".</summary>
    public string PredictedMeanColumnName { get; set; } = "PredictedMean";

    /// <summary>
    /// Output column with the target probabilities π(γ): written by TwoStageCausal only. Control, NearestContext,
    /// MeanShift and ConditionalGaussian have no notion of targets and write no such column (rather than a column
    /// of numbers that would read as a mechanistic prediction). Default "TargetProbabilities".
    /// </summary>
    public string TargetProbabilitiesColumnName { get; set; } = "TargetProbabilities";

    /// <summary>
    /// Output column with the shift in control standard deviations: the predicted effect on the mean for Control,
    /// NearestContext, MeanShift and ConditionalGaussian; the shift ψ(γ) of the targeted mechanisms for
    /// TwoStageCausal (as for GIM). Default "Shift".
    /// </summary>
    public string ShiftColumnName { get; set; } = "Shift";

    /// <summary>
    /// Seed of training and of the exported sampler. Null (the default) takes one from the MLContext's random
    /// source, so <c>new MLContext(seed: n)</c> makes the whole pipeline reproducible.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>Cancels training between steps; Fit then throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; set; }

    bool IPerturbationInputColumns.ReadsMeasurementsAtPrediction => false;

    string IPerturbationInputColumns.OptionsName => $"{GetType().DeclaringType?.Name}.{GetType().Name}";

    /// <summary>The trainer's settings, untyped.</summary>
    private protected abstract BaselineOptions TrainingOptions { get; }

    /// <summary>The output columns a model with or without targets writes, in order.</summary>
    internal string[] OutputColumnNames(bool hasTargets) => hasTargets
        ? new[] { SampleColumnName, PredictedMeanColumnName, TargetProbabilitiesColumnName, ShiftColumnName }
        : new[] { SampleColumnName, PredictedMeanColumnName, ShiftColumnName };

    /// <summary>Checks the column names (set, and distinct where they must be) and the trainer's settings.</summary>
    internal void Validate(bool hasTargets)
    {
        string name = ((IPerturbationInputColumns)this).OptionsName;
        foreach (var (value, property) in new[] {
            (FeatureColumnName, nameof(FeatureColumnName)), (MeasurementsColumnName, nameof(MeasurementsColumnName)),
            (ContextColumnName, nameof(ContextColumnName)), (SampleColumnName, nameof(SampleColumnName)),
            (PredictedMeanColumnName, nameof(PredictedMeanColumnName)), (TargetProbabilitiesColumnName, nameof(TargetProbabilitiesColumnName)),
            (ShiftColumnName, nameof(ShiftColumnName)) })
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"{name}.{property} must name a column.", "options");
        string? duplicate = OutputColumnNames(hasTargets).Append(FeatureColumnName)
            .GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
            throw new ArgumentException($"{name}: the column name '{duplicate}' is used for two roles; the output columns and the features column must have distinct names.", "options");
        ArgumentNullException.ThrowIfNull(TrainingOptions, "options.Training");
        TrainingOptions.Validate();
    }

    internal BaselineEstimatorOptions CloneOptions() => (BaselineEstimatorOptions)MemberwiseClone();
}

/// <summary>The columns, seed and cancellation of a peer's estimator, with its trainer's settings.</summary>
/// <typeparam name="TTraining">The trainer's options type.</typeparam>
public abstract class BaselineEstimatorOptions<TTraining> : BaselineEstimatorOptions where TTraining : BaselineOptions, new()
{
    private protected BaselineEstimatorOptions()
    {
    }

    /// <summary>The trainer's settings; its Seed and CancellationToken are overridden by the ones here when those are set.</summary>
    public TTraining Training { get; set; } = new();

    private protected override BaselineOptions TrainingOptions => Training;

    /// <summary>A copy whose training settings are a copy too.</summary>
    internal BaselineEstimatorOptions<TTraining> Clone()
    {
        var copy = (BaselineEstimatorOptions<TTraining>)CloneOptions();
        copy.Training = (TTraining)Training.Clone();
        return copy;
    }
}
