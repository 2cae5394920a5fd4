namespace Gim.MLNet.Scoring;

/// <summary>
/// The one scorer of the library (BENCHMARK.md §2): every context's predicted draws against its observed cells in the
/// control-standardised space (multi-scale MMD, energy, Sinkhorn, mean RMSE, R², top-k R², Pearson delta), averaged
/// over contexts, and target probabilities pooled over the non-control contexts (AUROC, AUPRC, F1). The ML.NET
/// evaluation, both comparisons and the Sachs tasks all score through it.
/// </summary>
public static class PerturbationScorer
{
    /// <summary>Scores the contexts and averages their metrics.</summary>
    /// <param name="contexts">The contexts, with observed cells and predicted draws.</param>
    /// <param name="options">Control statistics, true targets and metric settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">No contexts, no control statistics, mismatched sizes or non-finite cells.</exception>
    public static PerturbationEvaluation Score(IReadOnlyList<ScoredContext> contexts, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        options ??= new ScoringOptions();
        options.Validate();
        if (contexts.Count == 0)
            throw new ArgumentException("The evaluated data has no rows.");
        int d = contexts[0].Observed.GetLength(1);
        foreach (ScoredContext c in contexts) Check(c, d);
        // With covariate controls, each context's reference is its level's control mean (unless it brings its own), and a
        // level's own control (another line's vehicle) counts as a control: it has no shift of its own to measure.
        if (options.CovariateControls is { } levels)
        {
            if (levels.VariableCount != d)
                throw new ArgumentException($"{options.GetType().Name}.CovariateControls describe {levels.VariableCount} variables but the cells have {d}: " +
                    "find them on the training data in the evaluated space (after the same gene selection).");
            contexts = contexts.Select(c =>
            {
                if (c.Reference is not null || c.IsControl) return c;
                float[] features = c.Features ?? throw new ArgumentException(
                    $"Context '{c.Name}': {options.GetType().Name}.CovariateControls finds each context's level by its features, and this context has none " +
                    "(set ScoredContext.Features; the ML.NET evaluation reads them from PerturbationEvaluationOptions.FeatureColumnName).");
                return c with { Reference = levels.ReferenceOf(features, c.Name), IsControl = levels.IsLevelControl(features) };
            }).ToList();
        }
        ControlStatistics statistics = options.ControlStatistics ?? FromControls(contexts, d)
            ?? throw new ArgumentException("The evaluated data has no control rows, and no ControlStatistics were given. " +
                "Evaluation works in units standardised by the control cells: include control rows, or set " +
                $"{options.GetType().Name}.ControlStatistics from the training controls (ControlStatistics.FromControls(train), or FromData(trainingData) for an IDataView).");
        if (statistics.Count != d)
            throw new ArgumentException($"The ControlStatistics describe {statistics.Count} variables but the cells have {d}.");

        if (options.PerturbedReference is { } reference && reference.Count != d)
            throw new ArgumentException($"{options.GetType().Name}.PerturbedReference has {reference.Count} values; expected one per variable ({d}).");
        double[]? perturbedMean = options.PerturbedReference is { } r
            ? Enumerable.Range(0, d).Select(j => (r[j] - statistics.Mean[j]) / statistics.Scale[j]).ToArray() : null;
        int k = Math.Min(options.TopK, d);
        PcaProjection? pca = options.PcaComponents is int components
            ? PcaProjection.Fit(contexts.Select(c => statistics.Standardize(c.Observed)).ToList(), components) : null;
        var perContext = new List<ContextEvaluation>();
        foreach (ScoredContext context in contexts)
        {
            if (context.IsControl && !options.ScoreControlContexts) continue;
            options.CancellationToken.ThrowIfCancellationRequested();
            perContext.Add(ScoreContext(context, statistics, options, k, perturbedMean, pca));
        }
        if (perContext.Count == 0)
            throw new ArgumentException("The evaluated data has only control contexts and ScoreControlContexts is false; there is nothing to score.");

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string metric in PerturbationMetrics.PerContext)
        {
            if (metric == PerturbationMetrics.MmdUnbiased && !options.UnbiasedMmd) continue;
            if (metric is PerturbationMetrics.MmdMedian or PerturbationMetrics.MmdMedianUnbiased && !options.MedianHeuristicMmd) continue;
            if (metric == PerturbationMetrics.MmdMedianUnbiased && !options.UnbiasedMmd) continue;
            if (metric == PerturbationMetrics.Sinkhorn && options.SinkhornEpsilon is null) continue;
            if (metric == PerturbationMetrics.EnergyPca && pca is null) continue;
            if (metric == PerturbationMetrics.PearsonDeltaPerturbed && perturbedMean is null) continue;
            if (metric == PerturbationMetrics.Nlpd && contexts.All(c => c.LogDensities is null)) continue;
            if (metric == PerturbationMetrics.Coverage90 && contexts.All(c => c.MeanStandardDeviation is null)) continue;
            metrics[metric] = AverageDefined(perContext.Select(c => c[metric]));
        }
        int pairs = AddTargetMetrics(contexts, options, metrics, d);
        return new PerturbationEvaluation(perContext, metrics, statistics, k, pairs);
    }

    /// <summary>
    /// Evaluations of disjoint sets of contexts (cross-validation folds) as one: every context's metrics averaged as if
    /// scored together, target metrics pooled over all (context, variable) pairs. Each context keeps the values its own
    /// evaluation gave it (its fold's control statistics and reference).
    /// </summary>
    /// <param name="evaluations">The evaluations, one per set.</param>
    /// <param name="contexts">Every scored context of every set (for the target metrics).</param>
    /// <param name="options">The options the sets were scored with (for the target settings).</param>
    public static PerturbationEvaluation Pool(IReadOnlyList<PerturbationEvaluation> evaluations, IReadOnlyList<ScoredContext> contexts, ScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        if (evaluations.Count == 0) throw new ArgumentException("Give at least one evaluation to pool.", nameof(evaluations));
        var perContext = evaluations.SelectMany(e => e.PerContext).ToList();
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string metric in PerturbationMetrics.PerContext.Where(m => evaluations.All(e => e.Metrics.ContainsKey(m))))
            metrics[metric] = AverageDefined(perContext.Select(c => c[metric]));
        int pairs = AddTargetMetrics(contexts, options, metrics, evaluations[0].ControlStatistics.Count);
        return new PerturbationEvaluation(perContext, metrics, evaluations[0].ControlStatistics, evaluations[0].TopK, pairs);
    }

    /// <summary>One context's metrics in the space of <paramref name="statistics"/> (where the control mean is the origin).</summary>
    private static ContextEvaluation ScoreContext(ScoredContext context, ControlStatistics statistics, ScoringOptions options, int k, double[]? perturbedMean,
        PcaProjection? pca)
    {
        float[,] p = statistics.Standardize(context.Predicted), q = statistics.Standardize(context.Observed);
        int rows = q.GetLength(0);
        var (mmd, mmdUnbiased, energy) = DistributionDistances.MmdAndEnergy(p, q, options.MmdGammas);
        // The origin of the shifts: the context's own control (its line's vehicle) where given, else the space's control mean.
        double[] controlMean = context.Reference is { } reference
            ? Enumerable.Range(0, statistics.Count).Select(j => (reference[j] - statistics.Mean[j]) / statistics.Scale[j]).ToArray()
            : new double[statistics.Count];
        double[] predictedMean = MeanMetrics.ColumnMeans(p), observedMean = MeanMetrics.ColumnMeans(q);
        int[]? topK = context.IsControl ? null : MeanMetrics.TopKMostShifted(observedMean, controlMean, k);
        var (mmdMedian, mmdMedianUnbiased) = options.MedianHeuristicMmd ? DistributionDistances.MmdMedianHeuristicBoth(p, q) : (double.NaN, double.NaN);
        return new ContextEvaluation(
            context.Name, context.IsControl, rows,
            Mmd: mmd,
            MmdUnbiased: options.UnbiasedMmd ? mmdUnbiased : double.NaN,
            MmdMedian: mmdMedian,
            MmdMedianUnbiased: options.UnbiasedMmd ? mmdMedianUnbiased : double.NaN,
            Energy: energy,
            Sinkhorn: options.SinkhornEpsilon is double epsilon ? DistributionDistances.Sinkhorn(p, q, epsilon) : double.NaN,
            MeanRmse: MeanMetrics.Rmse(predictedMean, observedMean),
            RSquared: MeanMetrics.RSquared(predictedMean, observedMean, options.ClipRSquaredAtZero),
            // A control context has no shift: its "most shifted" variables and its shift correlation would be noise.
            RSquaredTopK: topK is null ? double.NaN : MeanMetrics.RSquared(predictedMean, observedMean, topK, options.ClipRSquaredAtZero),
            PearsonDelta: context.IsControl ? double.NaN : MeanMetrics.PearsonDelta(predictedMean, observedMean, controlMean),
            PearsonDeltaPerturbed: context.IsControl || perturbedMean is null ? double.NaN : MeanMetrics.PearsonDelta(predictedMean, observedMean, perturbedMean),
            // log p(z) = log p(x) + Σ_j log scale_j: the density of the standardised cell, so that nlpd is in the evaluation space.
            Nlpd: context.LogDensities is { } logDensity ? -(logDensity.Average() + statistics.Scale.Sum(Math.Log)) : double.NaN,
            Coverage90: Coverage(context, statistics, q, observedMean),
            PearsonDeltaTopK: topK is null ? double.NaN : MeanMetrics.PearsonDelta(predictedMean, observedMean, controlMean, topK),
            EnergyPca: pca is null ? double.NaN : SquaredEDistance(pca.Project(p), pca.Project(q)));
    }

    /// <summary>
    /// The E-distance with squared Euclidean distances (scPerturb, Peidli et al. 2024; pertpy's Edistance):
    /// 2·mean‖x − y‖² − mean‖x − x'‖² − mean‖y − y'‖², each mean over all pairs, a cell with itself included. Expanding
    /// the squares, the covariance terms cancel and it is exactly 2‖mean(P) − mean(Q)‖², computed so.
    /// </summary>
    private static double SquaredEDistance(float[,] p, float[,] q)
    {
        double[] mp = MeanMetrics.ColumnMeans(p), mq = MeanMetrics.ColumnMeans(q);
        double sum = 0;
        for (int j = 0; j < mp.Length; j++) sum += (mp[j] - mq[j]) * (mp[j] - mq[j]);
        return 2 * sum;
    }

    /// <summary>The share of variables whose observed mean lies within 1.645·√(sd² + se²) of the predicted mean (standardised units).</summary>
    private static double Coverage(ScoredContext context, ControlStatistics statistics, float[,] observed, double[] observedMean)
    {
        // Like the shift metrics, only for perturbed contexts: a control's features are no training perturbation's.
        if (context.IsControl || context.PredictedMean is not { } mean || context.MeanStandardDeviation is not { } sd) return double.NaN;
        int d = observedMean.Length, n = observed.GetLength(0);
        if (mean.Length != d || sd.Length != d)
            throw new ArgumentException($"Context '{context.Name}': {mean.Length} predicted means and {sd.Length} standard deviations; expected one per variable ({d}).");
        double z = Runtime.NormalDistribution.HalfWidth(0.90);
        int inside = 0;
        for (int j = 0; j < d; j++)
        {
            double variance = 0;
            for (int i = 0; i < n; i++) variance += (observed[i, j] - observedMean[j]) * (observed[i, j] - observedMean[j]);
            double se2 = n > 1 ? variance / (n - 1) / n : 0;
            double predicted = (mean[j] - statistics.Mean[j]) / statistics.Scale[j], s = sd[j] / statistics.Scale[j];
            if (Math.Abs(observedMean[j] - predicted) <= z * Math.Sqrt(s * s + se2)) inside++;
        }
        return (double)inside / d;
    }

    /// <summary>Pools π against the true targets over every non-control context (BENCHMARK.md §2: contexts with c &gt; 0).</summary>
    private static int AddTargetMetrics(IReadOnlyList<ScoredContext> contexts, ScoringOptions options, Dictionary<string, double> metrics, int d)
    {
        var perturbed = contexts.Where(c => !c.IsControl).ToList();
        bool haveTruth = options.TrueTargets is not null || perturbed.Any(c => c.TrueTargets is not null);
        if (!haveTruth || perturbed.Count == 0 || perturbed.Any(c => c.TargetProbabilities is null)) return 0;
        var scores = new List<double>();
        var labels = new List<bool>();
        foreach (ScoredContext context in perturbed)
        {
            bool[] truth = context.TrueTargets ?? TruthFromDictionary(options, context.Name);
            if (truth.Length != d)
                throw new ArgumentException($"TrueTargets['{context.Name}'] has {truth.Length} flags; expected one per variable ({d}).");
            scores.AddRange(context.TargetProbabilities!);
            labels.AddRange(truth);
        }
        metrics[PerturbationMetrics.TargetAuroc] = ClassificationMetrics.Auroc(scores, labels);
        metrics[PerturbationMetrics.TargetAuprc] = ClassificationMetrics.Auprc(scores, labels);
        metrics[PerturbationMetrics.TargetF1] = ClassificationMetrics.F1(scores, labels, options.TargetThreshold);
        return scores.Count;
    }

    private static bool[] TruthFromDictionary(ScoringOptions options, string context) =>
        options.TrueTargets is { } truth && truth.TryGetValue(context, out bool[]? flags) && flags is not null ? flags
            : throw new ArgumentException($"{options.GetType().Name}.TrueTargets has no entry for context '{context}'; give the true targets of every non-control context.");

    private static ControlStatistics? FromControls(IReadOnlyList<ScoredContext> contexts, int d) =>
        ControlStatistics.FromCells(contexts.Where(c => c.IsControl).Select(c => c.Observed).ToList(), d);

    private static void Check(ScoredContext context, int d)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Observed.GetLength(1) != d || context.Predicted.GetLength(1) != d)
            throw new ArgumentException($"Context '{context.Name}': the observed cells have {context.Observed.GetLength(1)} variables and the predicted draws {context.Predicted.GetLength(1)}; the contexts have {d}.");
        if (context.LogDensities is { } logDensity && logDensity.Length != context.Observed.GetLength(0))
            throw new ArgumentException($"Context '{context.Name}': {logDensity.Length} log densities for {context.Observed.GetLength(0)} observed cells.");
        if (context.Reference is { } reference && (reference.Length != d || reference.Any(v => !double.IsFinite(v))))
            throw new ArgumentException($"Context '{context.Name}': its reference (own control mean) has {reference.Length} values{(reference.Length == d ? " and a non-finite one" : "")}; expected {d} finite values, one per variable.");
        if (context.TargetProbabilities is { } pi && pi.Length != d)
            throw new ArgumentException($"Context '{context.Name}': {pi.Length} target probabilities; expected one per variable ({d}).");
    }

    private static double AverageDefined(IEnumerable<double> values)
    {
        double sum = 0;
        int count = 0;
        foreach (double v in values)
        {
            if (double.IsNaN(v)) continue;
            sum += v;
            count++;
        }
        return count == 0 ? double.NaN : sum / count;
    }
}
