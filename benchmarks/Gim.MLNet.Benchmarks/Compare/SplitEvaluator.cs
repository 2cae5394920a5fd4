using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>Scores one method on one test split (BENCHMARK.md §2), in control-standardised units.</summary>
internal static class SplitEvaluator
{
    public const int TopK = 5;

    public static Dictionary<string, double> Evaluate(IBenchmarkMethod method, HillScreenSplit split, Standardizer standardizer,
        double[] controlMean, bool sinkhorn, int seed)
    {
        // Same rule as Evaluate: a value undefined for a context (NaN) is left out of that metric's average.
        var sums = new Dictionary<string, (double Sum, int Count)>();
        void Add(string metric, double value)
        {
            var (sum, count) = sums.GetValueOrDefault(metric);
            sums[metric] = double.IsNaN(value) ? (sum, count) : (sum + value, count + 1);
        }
        var scores = new List<double>();
        var labels = new List<bool>();
        int contexts = split.Data.Contexts.Count;
        for (int c = 0; c < contexts; c++)
        {
            PerturbationContext context = split.Data.Contexts[c];
            ContextTruth truth = split.Truth[c];
            float[,] observed = standardizer.Transform(context.Samples);
            float[,] predicted = standardizer.Transform(method.Sample(context.Features, context.SampleCount, seed * 100_003 + c));
            Add("mmd", DistributionDistances.MmdMultiScale(predicted, observed));
            Add("mmd_unbiased", DistributionDistances.MmdMultiScale(predicted, observed, unbiased: true));
            Add("energy", DistributionDistances.Energy(predicted, observed));
            if (sinkhorn) Add("sinkhorn", DistributionDistances.Sinkhorn(predicted, observed, epsilon: 1.0));
            double[] predictedMean = MeanMetrics.ColumnMeans(predicted);
            double[] observedMean = MeanMetrics.ColumnMeans(observed);
            Add("mean_rmse", MeanMetrics.Rmse(predictedMean, observedMean));
            Add("r2", MeanMetrics.RSquared(predictedMean, observedMean));
            Add($"r2_top{TopK}", MeanMetrics.RSquared(predictedMean, observedMean, MeanMetrics.TopKMostShifted(observedMean, controlMean, TopK)));
            Add("pearson_delta", MeanMetrics.PearsonDelta(predictedMean, observedMean, controlMean));
            double[]? targetScores = method.TargetScores(context.Features);
            if (targetScores is not null && truth.Dose > 0)
            {
                scores.AddRange(targetScores);
                labels.AddRange(truth.Targets);
            }
        }
        var result = sums.ToDictionary(kv => kv.Key, kv => kv.Value.Count > 0 ? kv.Value.Sum / kv.Value.Count : double.NaN);
        if (scores.Count > 0)
        {
            result["target_auroc"] = ClassificationMetrics.Auroc(scores, labels);
            result["target_auprc"] = ClassificationMetrics.Auprc(scores, labels);
            result["target_f1"] = ClassificationMetrics.F1(scores, labels, 0.5);
        }
        return result;
    }

    public static Dictionary<string, double> EvaluateGraph(double[,] learned, double[,] truth, double threshold)
    {
        int d = truth.GetLength(0);
        var trueEdges = new bool[d, d];
        var scores = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                trueEdges[i, j] = i != j && truth[i, j] != 0;
                scores[i, j] = Math.Abs(learned[i, j]);
            }
        return new Dictionary<string, double>
        {
            ["edge_auroc"] = GraphMetrics.EdgeAuroc(scores, trueEdges),
            ["edge_auprc"] = GraphMetrics.EdgeAuprc(scores, trueEdges),
            ["shd"] = GraphMetrics.Shd(GraphMetrics.Threshold(scores, threshold), trueEdges),
        };
    }
}
