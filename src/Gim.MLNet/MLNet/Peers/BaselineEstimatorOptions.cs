using Gim.MLNet.Modeling;
namespace Gim.MLNet;

/// <summary>
/// The columns a peer's estimator reads and writes, its seed and cancellation (<see cref="PerturbationEstimatorOptions"/>,
/// the same as <see cref="GimEstimator.Options"/>), with its trainer's settings in the typed subclass.
/// </summary>
public abstract class BaselineEstimatorOptions : PerturbationEstimatorOptions
{
    private protected BaselineEstimatorOptions()
    {
    }

    /// <summary>The trainer's settings, untyped.</summary>
    private protected abstract PerturbationOptions TrainingOptions { get; }

    /// <summary>The output columns a model with or without targets writes, in order.</summary>
    internal string[] OutputColumnNames(bool hasTargets) => hasTargets
        ? new[] { SampleColumnName, PredictedMeanColumnName, TargetProbabilitiesColumnName, ShiftColumnName }
        : new[] { SampleColumnName, PredictedMeanColumnName, ShiftColumnName };

    /// <summary>Checks the column names (set, and distinct where they must be) and the trainer's settings.</summary>
    internal void Validate(bool hasTargets)
    {
        string name = OptionsName;
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
public abstract class BaselineEstimatorOptions<TTraining> : BaselineEstimatorOptions where TTraining : PerturbationOptions, new()
{
    private protected BaselineEstimatorOptions()
    {
    }

    /// <summary>The trainer's settings; its Seed and CancellationToken are overridden by the ones here when those are set.</summary>
    public TTraining Training { get; set; } = new();

    private protected override PerturbationOptions TrainingOptions => Training;

    /// <summary>A copy whose training settings are a copy too.</summary>
    internal BaselineEstimatorOptions<TTraining> Clone()
    {
        var copy = (BaselineEstimatorOptions<TTraining>)CloneOptions();
        copy.Training = (TTraining)Training.Clone();
        return copy;
    }
}
