using Gim.MLNet.Scoring;

namespace Gim.MLNet;

/// <summary>
/// Settings of <see cref="PerturbationCatalog.Evaluate(Microsoft.ML.IDataView, PerturbationEvaluationOptions)"/>:
/// which columns hold what, where the control statistics come from, and which optional metrics to compute.
/// </summary>
/// <remarks>
/// The evaluated data has one row per observed cell, as a fitted transformer returns it: the measured cell in
/// <see cref="MeasurementsColumnName"/> and one predicted draw for the same context in <see cref="SampleColumnName"/>.
/// Rows are grouped by <see cref="ContextColumnName"/>; per context, the predicted draws are compared with the
/// observed cells as two sample sets.
/// </remarks>
public sealed class PerturbationEvaluationOptions
{
    /// <summary>The context of each row: a key, string or integer column. Default "Context".</summary>
    public string ContextColumnName { get; set; } = "Context";

    /// <summary>The predicted draws: a known-size vector of Single (a transformer's Sample column). Default "Sample".</summary>
    public string SampleColumnName { get; set; } = "Sample";

    /// <summary>The observed cells: a known-size vector of Single, the same size as the samples. Default "Measurements".</summary>
    public string MeasurementsColumnName { get; set; } = "Measurements";

    /// <summary>
    /// A Boolean column, true on control rows. Control rows supply the control statistics (unless
    /// <see cref="ControlStatistics"/> is set). If the column is absent and <see cref="ControlStatistics"/>
    /// is set, the data is taken to have no control rows. Ignored when <see cref="ControlContextValue"/> is set.
    /// Default "IsControl".
    /// </summary>
    public string? ControlColumnName { get; set; } = "IsControl";

    /// <summary>The context value that marks control rows, instead of <see cref="ControlColumnName"/>. Default null.</summary>
    public string? ControlContextValue { get; set; }

    /// <summary>
    /// The mean and scale of the control cells that define the evaluation space z = (x − mean) / scale. Null
    /// (default): computed from the observed cells of the control rows in the evaluated data. Set it when the
    /// evaluated data has no control rows, e.g. <see cref="ControlStatistics.FromData"/> of the training data.
    /// </summary>
    public ControlStatistics? ControlStatistics { get; set; }

    /// <summary>
    /// The predicted target probabilities: a known-size vector of Single of the variables' size. When the column is
    /// absent (a method with no notion of targets) target metrics are skipped. Set null to skip them always.
    /// Default "TargetProbabilities".
    /// </summary>
    public string? TargetProbabilitiesColumnName { get; set; } = "TargetProbabilities";

    /// <summary>
    /// Optional column with the true targets of each row's context: a known-size vector of Boolean (or of Single,
    /// where a non-zero value means "targeted") of the variables' size. Default null.
    /// </summary>
    public string? TrueTargetsColumnName { get; set; }

    /// <summary>
    /// Optional true targets per context (context value → one flag per variable), instead of
    /// <see cref="TrueTargetsColumnName"/>. Every non-control context evaluated must have an entry. Default null.
    /// </summary>
    public IReadOnlyDictionary<string, bool[]>? TrueTargets { get; set; }

    /// <summary>RBF bandwidths γ of the multi-scale MMD. Default <see cref="DistributionDistances.DefaultGammas"/>.</summary>
    public IReadOnlyList<double> MmdGammas { get; set; } = DistributionDistances.DefaultGammas;

    /// <summary>Also compute the unbiased (U-statistic) multi-scale MMD ("mmd_unbiased"). Default true.</summary>
    public bool UnbiasedMmd { get; set; } = true;

    /// <summary>Also compute the MMD with the median-heuristic bandwidth ("mmd_median"). Default true.</summary>
    public bool MedianHeuristicMmd { get; set; } = true;

    /// <summary>
    /// ε of the debiased Sinkhorn divergence ("sinkhorn"), in squared standardised units; null (default) skips it,
    /// because at ε = 1 it is orders of magnitude slower than the other metrics. The benchmark uses 1 or 10.
    /// </summary>
    public double? SinkhornEpsilon { get; set; }

    /// <summary>How many of the most shifted variables (observed vs control mean) "r2_topk" uses; capped at the number of variables. Default 5.</summary>
    public int TopK { get; set; } = 5;

    /// <summary>Report max(0, R²) for "r2" and "r2_topk" (chemCPA's optional clipping). Default false.</summary>
    public bool ClipRSquaredAtZero { get; set; }

    /// <summary>A target probability above this counts as "targeted" for "target_f1" (0.5 = the MAP decision). Default 0.5.</summary>
    public double TargetThreshold { get; set; } = 0.5;

    /// <summary>Score control contexts as contexts too (they are never used for target metrics). Default true.</summary>
    public bool ScoreControlContexts { get; set; } = true;

    /// <summary>Stops the evaluation between rows and contexts with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>A shallow copy (the copies share <see cref="ControlStatistics"/>, <see cref="TrueTargets"/> and <see cref="MmdGammas"/>).</summary>
    public PerturbationEvaluationOptions Clone() => (PerturbationEvaluationOptions)MemberwiseClone();

    internal void Validate()
    {
        foreach (var (value, name) in new[] {
            (ContextColumnName, nameof(ContextColumnName)),
            (SampleColumnName, nameof(SampleColumnName)),
            (MeasurementsColumnName, nameof(MeasurementsColumnName)) })
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"PerturbationEvaluationOptions.{name} must name a column.");
        if (MmdGammas is null || MmdGammas.Count == 0 || MmdGammas.Any(g => !double.IsFinite(g) || g <= 0))
            throw new ArgumentException("PerturbationEvaluationOptions.MmdGammas: give at least one positive, finite bandwidth.");
        if (SinkhornEpsilon is double e && (!double.IsFinite(e) || e <= 0))
            throw new ArgumentException($"PerturbationEvaluationOptions.SinkhornEpsilon is {e}; it must be positive and finite (or null to skip Sinkhorn).");
        if (TopK < 1)
            throw new ArgumentException($"PerturbationEvaluationOptions.TopK is {TopK}; it must be at least 1.");
        if (!double.IsFinite(TargetThreshold))
            throw new ArgumentException($"PerturbationEvaluationOptions.TargetThreshold is {TargetThreshold}; it must be finite.");
    }
}
