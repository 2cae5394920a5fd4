namespace Gim.MLNet.Scoring;

/// <summary>
/// How predicted cells are scored against observed cells (BENCHMARK.md §2): the evaluation space, the true targets,
/// and which optional metrics to compute. The ML.NET evaluation adds its column names
/// (<c>PerturbationEvaluationOptions</c>).
/// </summary>
public class ScoringOptions
{
    /// <summary>
    /// The mean and scale of the control cells that define the evaluation space z = (x − mean) / scale. Null
    /// (default): computed from the observed cells of the control contexts among those scored. Set it when they have
    /// none, e.g. <see cref="ControlStatistics.FromControls"/> of the training data.
    /// </summary>
    public ControlStatistics? ControlStatistics { get; set; }

    /// <summary>
    /// With several cell lines: the control mean of each covariate level of the training data
    /// (<see cref="Scoring.CovariateControls.FromData"/>). Each scored context's shifts (Pearson delta, the top-k most
    /// shifted variables) are then measured from its own level's control — found by the covariate values of its
    /// features, which the scored contexts must then carry — instead of from the control mean of the space. A context's
    /// own <see cref="ScoredContext.Reference"/>, where given, comes first. Null (default): every context from the
    /// control mean.
    /// </summary>
    public CovariateControls? CovariateControls { get; set; }

    /// <summary>
    /// Optional true targets per context (context name → one flag per variable). With them, and target probabilities
    /// from the method, the target metrics are computed; every non-control context scored must then have an entry.
    /// Default null.
    /// </summary>
    public IReadOnlyDictionary<string, bool[]>? TrueTargets { get; set; }

    /// <summary>
    /// The mean cell of a typical training perturbation (original units): the average over the perturbed training
    /// contexts of their mean cells. With it, "pearson_delta_pert" measures shifts from it instead of from the
    /// control. Null (default): not computed. Both comparisons set it from their training data when it is null.
    /// </summary>
    public IReadOnlyList<double>? PerturbedReference { get; set; }

    /// <summary>RBF bandwidths γ of the multi-scale MMD. Default <see cref="DistributionDistances.DefaultGammas"/>.</summary>
    public IReadOnlyList<double> MmdGammas { get; set; } = DistributionDistances.DefaultGammas;

    /// <summary>Also compute the unbiased (U-statistic) MMDs: multi-scale ("mmd_unbiased") and, with <see cref="MedianHeuristicMmd"/>, at the median bandwidth ("mmd_median_unbiased"). Default true.</summary>
    public bool UnbiasedMmd { get; set; } = true;

    /// <summary>Also compute the MMD with the median-heuristic bandwidth ("mmd_median"; and "mmd_median_unbiased" with <see cref="UnbiasedMmd"/>). Default true.</summary>
    public bool MedianHeuristicMmd { get; set; } = true;

    /// <summary>
    /// ε of the debiased Sinkhorn divergence ("sinkhorn"), in squared standardised units; null (default) skips it,
    /// because at ε = 1 it is orders of magnitude slower than the other metrics. The benchmark uses 1 or 10.
    /// </summary>
    public double? SinkhornEpsilon { get; set; }

    /// <summary>
    /// Also compute the E-distance in PCA space ("edistance_pca", scPerturb's and pertpy's distance, squared Euclidean)
    /// between predicted and observed cells projected on this many leading principal components of all observed cells
    /// scored (in the evaluation space; pertpy uses scanpy's 50 components of the log-normalised cells). Null (default)
    /// skips it.
    /// </summary>
    public int? PcaComponents { get; set; }

    /// <summary>How many of the most shifted variables (observed vs control mean) "r2_topk" and "pearson_delta_topk" use; capped at the number of variables. Default 5.</summary>
    public int TopK { get; set; } = 5;

    /// <summary>Report max(0, R²) for "r2" and "r2_topk" (chemCPA's optional clipping). Default false.</summary>
    public bool ClipRSquaredAtZero { get; set; }

    /// <summary>A target probability above this counts as "targeted" for "target_f1" (0.5 = the MAP decision). Default 0.5.</summary>
    public double TargetThreshold { get; set; } = 0.5;

    /// <summary>Score control contexts as contexts too (they are never used for target metrics). Default true.</summary>
    public bool ScoreControlContexts { get; set; } = true;

    /// <summary>Stops the scoring between contexts (and the reading of rows) with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>A shallow copy (the copies share <see cref="ControlStatistics"/>, <see cref="CovariateControls"/>, <see cref="TrueTargets"/> and <see cref="MmdGammas"/>).</summary>
    public virtual ScoringOptions Clone() => (ScoringOptions)MemberwiseClone();

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the first one that is wrong.</summary>
    internal virtual void Validate()
    {
        string name = GetType().Name;
        if (MmdGammas is null || MmdGammas.Count == 0 || MmdGammas.Any(g => !double.IsFinite(g) || g <= 0))
            throw new ArgumentException($"{name}.MmdGammas: give at least one positive, finite bandwidth.");
        if (SinkhornEpsilon is double e && (!double.IsFinite(e) || e <= 0))
            throw new ArgumentException($"{name}.SinkhornEpsilon is {e}; it must be positive and finite (or null to skip Sinkhorn).");
        if (TopK < 1)
            throw new ArgumentException($"{name}.TopK is {TopK}; it must be at least 1.");
        if (PcaComponents is int components && components < 1)
            throw new ArgumentException($"{name}.PcaComponents is {components}; it must be at least 1 (or null to skip edistance_pca).");
        if (!double.IsFinite(TargetThreshold))
            throw new ArgumentException($"{name}.TargetThreshold is {TargetThreshold}; it must be finite.");
    }
}
