using Gim.MLNet.Scoring;

namespace Gim.MLNet;

/// <summary>
/// Settings of <see cref="PerturbationCatalog.Evaluate(Microsoft.ML.IDataView, PerturbationEvaluationOptions)"/>:
/// which columns hold what, and (inherited from <see cref="ScoringOptions"/>) where the control statistics come from, the true
/// targets and which optional metrics to compute.
/// </summary>
/// <remarks>
/// The evaluated data has one row per observed cell, as a fitted transformer returns it: the measured cell in
/// <see cref="MeasurementsColumnName"/> and one predicted draw for the same context in <see cref="SampleColumnName"/>.
/// Rows are grouped by <see cref="ContextColumnName"/>; per context, the predicted draws are compared with the
/// observed cells as two sample sets.
/// </remarks>
public sealed class PerturbationEvaluationOptions : ScoringOptions
{
    /// <summary>The context of each row: a key, string or integer column. Default "Context".</summary>
    public string ContextColumnName { get; set; } = "Context";

    /// <summary>
    /// The perturbation features (a known-size vector of Single), read only with <see cref="ScoringOptions.CovariateControls"/>:
    /// each context's covariate level is found by its features. Default "Features".
    /// </summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The predicted draws: a known-size vector of Single (a transformer's Sample column). Default "Sample".</summary>
    public string SampleColumnName { get; set; } = "Sample";

    /// <summary>The observed cells: a known-size vector of Single, the same size as the samples. Default "Measurements".</summary>
    public string MeasurementsColumnName { get; set; } = "Measurements";

    /// <summary>
    /// A Boolean column, true on control rows. Control rows supply the control statistics (unless
    /// <see cref="ScoringOptions.ControlStatistics"/> is set). If the column is absent and <see cref="ScoringOptions.ControlStatistics"/>
    /// is set, the data is taken to have no control rows. Ignored when <see cref="ControlContextValue"/> is set.
    /// Default "IsControl".
    /// </summary>
    public string? ControlColumnName { get; set; } = "IsControl";

    /// <summary>The context value that marks control rows, instead of <see cref="ControlColumnName"/>. Default null.</summary>
    public string? ControlContextValue { get; set; }

    /// <summary>
    /// The predicted target probabilities: a known-size vector of Single of the variables' size. When the column is
    /// absent (a method with no notion of targets) target metrics are skipped. Set null to skip them always.
    /// Default "TargetProbabilities".
    /// </summary>
    public string? TargetProbabilitiesColumnName { get; set; } = "TargetProbabilities";

    /// <summary>
    /// The predicted mean's standard deviation (GIM's PredictedMeanSd): with <see cref="PredictedMeanColumnName"/>, the
    /// coverage of the 90% intervals for each context's mean (coverage90) is computed. Absent (a peer) or NaN (a GIM fitted
    /// without calibration): no coverage. Set null to skip it always. Default "PredictedMeanSd".
    /// </summary>
    public string? PredictedMeanSdColumnName { get; set; } = "PredictedMeanSd";

    /// <summary>The predicted mean, read with <see cref="PredictedMeanSdColumnName"/> for the coverage. Default "PredictedMean".</summary>
    public string PredictedMeanColumnName { get; set; } = "PredictedMean";

    /// <summary>
    /// Optional column with the true targets of each row's context: a known-size vector of Boolean (or of Single,
    /// where a non-zero value means "targeted") of the variables' size. Default null.
    /// </summary>
    public string? TrueTargetsColumnName { get; set; }

    /// <summary>A shallow copy (the copies share <see cref="ScoringOptions.ControlStatistics"/>, <see cref="ScoringOptions.CovariateControls"/>, <see cref="ScoringOptions.TrueTargets"/> and <see cref="ScoringOptions.MmdGammas"/>).</summary>
    public override PerturbationEvaluationOptions Clone() => (PerturbationEvaluationOptions)MemberwiseClone();

    internal override void Validate()
    {
        foreach (var (value, name) in new[] {
            (ContextColumnName, nameof(ContextColumnName)),
            (SampleColumnName, nameof(SampleColumnName)),
            (MeasurementsColumnName, nameof(MeasurementsColumnName)) })
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"PerturbationEvaluationOptions.{name} must name a column.");
        if (CovariateControls is not null && string.IsNullOrWhiteSpace(FeatureColumnName))
            throw new ArgumentException("PerturbationEvaluationOptions.FeatureColumnName must name a column: CovariateControls finds each context's level by its features.");
        base.Validate();
    }
}
