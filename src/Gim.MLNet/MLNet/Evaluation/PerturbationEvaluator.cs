using Gim.MLNet.Scoring;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>The BENCHMARK.md §2 metrics per context, over grouped rows (see <see cref="PerturbationCatalog.Evaluate(IDataView, PerturbationEvaluationOptions)"/>).</summary>
internal static class PerturbationEvaluator
{
    public static PerturbationEvaluation Evaluate(IDataView data, PerturbationEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Score(EvaluationData.Read(data, options, readPredictions: true), options);
    }

    public static PerturbationEvaluation Score(EvaluationData data, PerturbationEvaluationOptions options)
    {
        if (data.Groups.Count == 0)
            throw new ArgumentException("The evaluated data has no rows.");
        int d = data.Variables;
        ControlStatistics statistics = options.ControlStatistics ?? data.ControlStatisticsFromRows()
            ?? throw new ArgumentException($"The evaluated data has no control rows ({data.ControlDescription}), and no ControlStatistics were given. " +
                "Evaluation works in units standardised by the control cells: include control rows, or set PerturbationEvaluationOptions.ControlStatistics " +
                "(e.g. ControlStatistics.FromData(trainingData)).");
        if (statistics.Count != d)
            throw new ArgumentException($"The ControlStatistics describe {statistics.Count} variables but column '{options.MeasurementsColumnName}' has {d}.");

        double[] gammas = options.MmdGammas.ToArray();
        int k = Math.Min(options.TopK, d);
        // In the standardised space the control mean is the origin.
        var controlMean = new double[d];
        var perContext = new List<ContextEvaluation>();
        foreach (ContextGroup group in data.Groups)
        {
            if (group.IsControl && !options.ScoreControlContexts) continue;
            options.CancellationToken.ThrowIfCancellationRequested();
            float[,] p = statistics.Standardize(group.Predicted), q = statistics.Standardize(group.Observed);
            int rows = group.Observed.Count;
            double[] predictedMean = MeanMetrics.ColumnMeans(p), observedMean = MeanMetrics.ColumnMeans(q);
            perContext.Add(new ContextEvaluation(
                group.Name, group.IsControl, rows,
                Mmd: DistributionDistances.Mmd(p, q, gammas),
                MmdUnbiased: options.UnbiasedMmd && rows >= 2 ? DistributionDistances.Mmd(p, q, gammas, unbiased: true) : double.NaN,
                MmdMedian: options.MedianHeuristicMmd ? DistributionDistances.MmdMedianHeuristic(p, q) : double.NaN,
                Energy: DistributionDistances.Energy(p, q),
                Sinkhorn: options.SinkhornEpsilon is double epsilon ? DistributionDistances.Sinkhorn(p, q, epsilon) : double.NaN,
                MeanRmse: MeanMetrics.Rmse(predictedMean, observedMean),
                RSquared: MeanMetrics.RSquared(predictedMean, observedMean, options.ClipRSquaredAtZero),
                // A control context has no shift: its "most shifted" variables and its shift correlation would be noise.
                RSquaredTopK: group.IsControl ? double.NaN
                    : MeanMetrics.RSquared(predictedMean, observedMean, MeanMetrics.TopKMostShifted(observedMean, controlMean, k), options.ClipRSquaredAtZero),
                PearsonDelta: group.IsControl ? double.NaN : MeanMetrics.PearsonDelta(predictedMean, observedMean, controlMean)));
        }
        if (perContext.Count == 0)
            throw new ArgumentException("The evaluated data has only control contexts and ScoreControlContexts is false; there is nothing to score.");

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string metric in PerturbationMetrics.All)
        {
            if (metric == PerturbationMetrics.MmdUnbiased && !options.UnbiasedMmd) continue;
            if (metric == PerturbationMetrics.MmdMedian && !options.MedianHeuristicMmd) continue;
            if (metric == PerturbationMetrics.Sinkhorn && options.SinkhornEpsilon is null) continue;
            if (metric.StartsWith("target_", StringComparison.Ordinal)) continue;
            metrics[metric] = AverageDefined(perContext.Select(c => c[metric]));
        }
        int pairs = AddTargetMetrics(data, options, metrics);
        return new PerturbationEvaluation(perContext, metrics, statistics, k, pairs);
    }

    /// <summary>Pools π against the true targets over every non-control context (BENCHMARK.md §2: contexts with c &gt; 0).</summary>
    private static int AddTargetMetrics(EvaluationData data, PerturbationEvaluationOptions options, Dictionary<string, double> metrics)
    {
        bool haveTruth = options.TrueTargetsColumnName is not null || options.TrueTargets is not null;
        if (!data.HasTargetProbabilities || !haveTruth) return 0;
        var scores = new List<double>();
        var labels = new List<bool>();
        foreach (ContextGroup group in data.Groups.Where(g => !g.IsControl))
        {
            bool[] truth = group.TrueTargets ?? TruthFromDictionary(options, group.Name);
            if (truth.Length != data.Variables)
                throw new ArgumentException($"TrueTargets['{group.Name}'] has {truth.Length} flags; expected one per variable ({data.Variables}).");
            int rows = group.Observed.Count;
            scores.AddRange(group.TargetProbabilitySum.Select(s => s / rows));
            labels.AddRange(truth);
        }
        if (scores.Count == 0) return 0;
        metrics[PerturbationMetrics.TargetAuroc] = ClassificationMetrics.Auroc(scores, labels);
        metrics[PerturbationMetrics.TargetAuprc] = ClassificationMetrics.Auprc(scores, labels);
        metrics[PerturbationMetrics.TargetF1] = ClassificationMetrics.F1(scores, labels, options.TargetThreshold);
        return scores.Count;
    }

    private static bool[] TruthFromDictionary(PerturbationEvaluationOptions options, string context) =>
        options.TrueTargets is { } truth
            ? truth.TryGetValue(context, out bool[]? flags) && flags is not null ? flags
                : throw new ArgumentException($"PerturbationEvaluationOptions.TrueTargets has no entry for context '{context}'; give the true targets of every non-control context.")
            : throw new InvalidOperationException("unreachable: the true-targets column was read for every row");

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
