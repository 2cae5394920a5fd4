namespace Gim.MLNet.Scoring;

/// <summary>
/// The names of the evaluation metrics, as they appear in <see cref="PerturbationEvaluation.Metrics"/>, leaderboard
/// columns and CSV headers, and which way each one is better.
/// </summary>
public static class PerturbationMetrics
{
    /// <summary>Multi-scale RBF MMD², biased V-statistic (BENCHMARK.md §2, the headline distribution metric). Lower is better.</summary>
    public const string Mmd = "mmd";

    /// <summary>Multi-scale RBF MMD², unbiased U-statistic (can be slightly negative). Lower is better.</summary>
    public const string MmdUnbiased = "mmd_unbiased";

    /// <summary>RBF MMD², biased, one bandwidth from the median heuristic on the pooled samples. Lower is better.</summary>
    public const string MmdMedian = "mmd_median";

    /// <summary>
    /// RBF MMD², unbiased U-statistic, at the median-heuristic bandwidth of <see cref="MmdMedian"/>. The biased statistic
    /// carries about (1 − mean kernel within a set)·(1/n + 1/m) on top of MMD² for every method alike, which at a few
    /// hundred cells per context is as large as the differences between methods, so ratios of it mean little; this one
    /// estimates MMD² itself (and can be slightly negative). A method that resamples real cells keeps its atoms: repeated
    /// draws of one cell count as the atoms of its predicted distribution they are. Lower is better.
    /// </summary>
    public const string MmdMedianUnbiased = "mmd_median_unbiased";

    /// <summary>Energy distance with Euclidean (not squared) distances. Lower is better.</summary>
    public const string Energy = "energy";

    /// <summary>Debiased Sinkhorn divergence, squared-Euclidean cost (only when an ε is set). Lower is better.</summary>
    public const string Sinkhorn = "sinkhorn";

    /// <summary>
    /// E-distance in PCA space (scPerturb's and pertpy's): 2·mean‖x − y‖² − mean‖x − x'‖² − mean‖y − y'‖² with squared
    /// Euclidean distances between predicted and observed cells projected on the leading principal components of the
    /// observed cells (ScoringOptions.PcaComponents); with every pair averaged it equals 2‖mean(P) − mean(Q)‖² there.
    /// Lower is better.
    /// </summary>
    public const string EnergyPca = "edistance_pca";

    /// <summary>RMSE over variables between predicted and observed per-variable means. Lower is better.</summary>
    public const string MeanRmse = "mean_rmse";

    /// <summary>R² of the per-variable means over all variables. Higher is better.</summary>
    public const string RSquared = "r2";

    /// <summary>R² of the per-variable means over the top-k most shifted variables. Higher is better.</summary>
    public const string RSquaredTopK = "r2_topk";

    /// <summary>Pearson correlation of predicted and observed mean shifts from the control mean. Higher is better.</summary>
    public const string PearsonDelta = "pearson_delta";

    /// <summary>
    /// Pearson correlation of predicted and observed mean shifts measured from the mean of the training perturbations
    /// instead of the control (Systema, Viñas Torné et al. 2025): how well a method predicts what is specific to this
    /// perturbation beyond what perturbations do on average. Only when the training perturbations' mean is known
    /// (the comparisons set it). Higher is better.
    /// </summary>
    public const string PearsonDeltaPerturbed = "pearson_delta_pert";

    /// <summary>
    /// Pearson Δ over the k most shifted variables of each context (observed |mean − control mean|, the evaluation's
    /// <c>TopK</c>): CPA's and chemCPA's "Pearson Δ on the top-k DEGs" (they report k = 20 and 50); higher is better.
    /// Labelled with its k in tables ("pearson_delta_top20").
    /// </summary>
    public const string PearsonDeltaTopK = "pearson_delta_topk";

    /// <summary>
    /// Negative log predictive density per observed cell, in the control-standardised space, for methods with a
    /// density (GIM, TwoStageCausal, ConditionalGaussian; the in-process comparison computes it). Lower is better.
    /// </summary>
    public const string Nlpd = "nlpd";

    /// <summary>
    /// The share of variables whose observed mean lies in the method's central 90% interval for it (predicted mean ±
    /// 1.645·√(sd² + se²), sd the method's standard deviation of the mean, se the observed mean's standard error), for
    /// methods with a predictive standard deviation (a calibrated GIM). Calibrated near 0.90: neither direction is
    /// better (<see cref="Nominal"/>); tables mark the value closest to 0.90.
    /// </summary>
    public const string Coverage90 = "coverage90";

    /// <summary>AUROC of the target probabilities over all (perturbed context, variable) pairs. Higher is better.</summary>
    public const string TargetAuroc = "target_auroc";

    /// <summary>AUPRC (trapezoid) of the target probabilities over the same pairs. Higher is better.</summary>
    public const string TargetAuprc = "target_auprc";

    /// <summary>F1 of "probability &gt; threshold" over the same pairs. Higher is better.</summary>
    public const string TargetF1 = "target_f1";

    /// <summary>AUROC of the learned graph's edge strengths |B_ij| against the true edges (methods with a graph, when the truth is known). Higher is better.</summary>
    public const string EdgeAuroc = "edge_auroc";

    /// <summary>AUPRC of the learned graph's edge strengths against the true edges. Higher is better.</summary>
    public const string EdgeAuprc = "edge_auprc";

    /// <summary>Structural Hamming distance of the thresholded learned graph from the true graph. Lower is better.</summary>
    public const string Shd = "shd";

    /// <summary>Seconds to fit (leaderboards only). Lower is better.</summary>
    public const string FitSeconds = "fit_seconds";

    /// <summary>Seconds to transform a split and read its predictions (leaderboards only). Lower is better.</summary>
    public const string PredictSeconds = "predict_seconds";

    /// <summary>Every metric an evaluation can report, in the order tables show them.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(new[]
    {
        Mmd, MmdUnbiased, MmdMedian, MmdMedianUnbiased, Energy, EnergyPca, Sinkhorn, MeanRmse, RSquared, RSquaredTopK, PearsonDelta, PearsonDeltaTopK, PearsonDeltaPerturbed, Nlpd, Coverage90,
        TargetAuroc, TargetAuprc, TargetF1,
    });

    /// <summary>The metrics computed per context and averaged over contexts (the others are pooled).</summary>
    public static IReadOnlyList<string> PerContext { get; } = Array.AsReadOnly(new[]
    {
        Mmd, MmdUnbiased, MmdMedian, MmdMedianUnbiased, Energy, EnergyPca, Sinkhorn, MeanRmse, RSquared, RSquaredTopK, PearsonDelta, PearsonDeltaTopK, PearsonDeltaPerturbed, Nlpd, Coverage90,
    });

    /// <summary>The metrics of a learned graph against the true one, in table order (reported under the split name "graph").</summary>
    public static IReadOnlyList<string> Graph { get; } = Array.AsReadOnly(new[] { EdgeAuroc, EdgeAuprc, Shd });

    /// <summary>The split name under which a comparison reports the <see cref="Graph"/> metrics.</summary>
    public const string GraphSplit = "graph";

    /// <summary>
    /// How a metric is labelled in result tables: its name, except "r2_topk" and "pearson_delta_topk", which name their k
    /// ("r2_top5" for the default), so tables made with different k never mix.
    /// </summary>
    /// <param name="metric">A metric name.</param>
    /// <param name="topK">The k the evaluation used.</param>
    public static string Label(string metric, int topK) => metric switch
    {
        RSquaredTopK => $"r2_top{topK}",
        PearsonDeltaTopK => $"pearson_delta_top{topK}",
        _ => metric,
    };

    /// <summary>The metric a label names (<see cref="Label"/> backwards): "r2_top5" is <see cref="RSquaredTopK"/>.</summary>
    /// <param name="label">A label from a result table.</param>
    public static string Unlabel(string label) =>
        label.StartsWith("r2_top", StringComparison.Ordinal) && int.TryParse(label.AsSpan(6), out _) ? RSquaredTopK
        : label.StartsWith("pearson_delta_top", StringComparison.Ordinal) && int.TryParse(label.AsSpan(17), out _) ? PearsonDeltaTopK
        : label;

    /// <summary>The value a calibration metric should have (0.90 for <see cref="Coverage90"/>); null for the others.</summary>
    /// <param name="metric">A metric name from this class.</param>
    public static double? Nominal(string metric) => metric == Coverage90 ? 0.90 : null;

    /// <summary>
    /// True when a smaller value of <paramref name="metric"/> is better; for a metric with a <see cref="Nominal"/> value,
    /// true meaning a smaller distance from it is better (the leaderboard's best and the paired comparisons compare
    /// distances; a hyperparameter search refuses such a metric).
    /// </summary>
    /// <param name="metric">A metric name from this class.</param>
    /// <exception cref="ArgumentException">The name is not one of this class's metrics.</exception>
    public static bool IsLowerBetter(string metric) => metric switch
    {
        Mmd or MmdUnbiased or MmdMedian or MmdMedianUnbiased or Energy or EnergyPca or Sinkhorn or MeanRmse or Nlpd or Shd or FitSeconds or PredictSeconds => true,
        // Best at its nominal value (Nominal); "lower" orders by the distance from it.
        Coverage90 => true,
        RSquared or RSquaredTopK or PearsonDelta or PearsonDeltaTopK or PearsonDeltaPerturbed or TargetAuroc or TargetAuprc or TargetF1 or EdgeAuroc or EdgeAuprc => false,
        _ => throw new ArgumentException($"Unknown metric '{metric}'; known metrics: {string.Join(", ", All.Concat(Graph).Append(FitSeconds).Append(PredictSeconds))}.", nameof(metric)),
    };
}
