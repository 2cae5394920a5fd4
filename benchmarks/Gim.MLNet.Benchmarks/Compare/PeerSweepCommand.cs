using System.Diagnostics;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>
/// `peer-sweep [--seeds 0 1]`: the measurement behind the peers' default options. Fits each candidate
/// setting on the Hill screen of each seed and prints mean RMSE, MMD (and target AUROC/F1 for TwoStage) on
/// both OOD splits, averaged over seeds.
/// </summary>
internal static class PeerSweepCommand
{
    public static int Run(string[] args)
    {
        var seeds = args.SkipWhile(a => a != "--seeds").Skip(1).TakeWhile(a => int.TryParse(a, out _)).Select(int.Parse).ToList();
        if (seeds.Count == 0) seeds.AddRange(new[] { 0, 1 });
        var candidates = new List<(string Name, Func<int, Func<PerturbationDataset, PerturbationModel>> Fit)>();
        foreach (int depth in new[] { 0, 1, 2 })
            foreach (double decay in new[] { 0.0, 1e-3, 1e-2 })
            {
                candidates.Add(($"mean-shift depth={depth} wd={decay}", s => d => new MeanShiftTrainer(new MeanShiftOptions { Seed = s, Depth = depth, WeightDecay = decay }).Fit(d)));
                candidates.Add(($"cond-gauss depth={depth} wd={decay}", s => d => new ConditionalGaussianTrainer(new ConditionalGaussianOptions { Seed = s, Depth = depth, WeightDecay = decay }).Fit(d)));
            }
        foreach (double lambdaT in new[] { 0.05, 1.0 })
            foreach (double ridge in new[] { 1.0, 10, 100 })
                candidates.Add(($"two-stage lambda-t={lambdaT} ridge={ridge}", s => d => new TwoStageCausalTrainer(new TwoStageCausalOptions { Seed = s, TargetSparsity = lambdaT, RidgePenalty = ridge }).Fit(d)));
        string? filter = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        var screens = seeds.Select(s => HillScreen.Generate(new HillScreenOptions { Seed = s })).ToList();
        foreach (var (name, fit) in candidates.Where(c => filter is null || c.Name.StartsWith(filter, StringComparison.Ordinal)))
        {
            var totals = new Dictionary<string, double>();
            double seconds = 0;
            for (int i = 0; i < seeds.Count; i++)
            {
                HillScreen screen = screens[i];
                var clock = Stopwatch.StartNew();
                using PerturbationModel model = fit(seeds[i])(screen.Train.Data);
                seconds += clock.Elapsed.TotalSeconds / seeds.Count;
                Standardizer standardizer = model.VariableStandardizer;
                double[] controlMean = new double[model.VariableCount];
                foreach (var (split, label) in new[] { (screen.PartialOod, "pood"), (screen.FullOod, "food") })
                {
                    var metrics = SplitEvaluator.Evaluate(new Borrowed(model), split, standardizer, controlMean, sinkhorn: false, seeds[i]);
                    foreach (string metric in new[] { "mean_rmse", "mmd", "target_auroc", "target_f1" })
                        if (metrics.TryGetValue(metric, out double v))
                            totals[$"{label}.{metric}"] = totals.GetValueOrDefault($"{label}.{metric}") + v / seeds.Count;
                }
            }
            Console.WriteLine($"{name,-40} fit {seconds,5:F2} s  " + string.Join("  ", totals.Select(kv => $"{kv.Key}={kv.Value:F4}")));
        }
        return 0;
    }

    /// <summary>Evaluates a model without taking ownership of it.</summary>
    private sealed class Borrowed(PerturbationModel model) : IBenchmarkMethod
    {
        public string Name => "borrowed";
        public double[,]? Graph => null;
        public void Fit(PerturbationDataset train) { }
        public float[,] Sample(float[] features, int count, int seed) => model.Sample(features, count, seed);
        public double[]? TargetScores(float[] features) => model.TargetProbabilities(features)?.Select(p => (double)p).ToArray();
        public void Dispose() { }
    }
}
