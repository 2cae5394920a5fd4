using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>
/// `peer-sweep [--seeds 0 1]`: the measurement behind the peers' default options. Compares each candidate
/// setting on the Hill screen of each seed (<see cref="ModelComparison"/>) and prints mean RMSE, MMD (and target
/// AUROC/F1 for TwoStage) on both OOD splits, averaged over seeds.
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
        string[] shown = { PerturbationMetrics.MeanRmse, PerturbationMetrics.Mmd, PerturbationMetrics.TargetAuroc, PerturbationMetrics.TargetF1 };
        foreach (var (name, fit) in candidates.Where(c => filter is null || c.Name.StartsWith(filter, StringComparison.Ordinal)))
        {
            var runs = new List<(int Seed, Leaderboard Board)>();
            for (int i = 0; i < seeds.Count; i++)
            {
                HillScreen screen = screens[i];
                var scoring = new ScoringOptions
                {
                    MedianHeuristicMmd = false,
                    TrueTargets = screen.PartialOod.Truth.Concat(screen.FullOod.Truth).ToDictionary(t => t.Name, t => t.Targets),
                };
                runs.Add((seeds[i], ModelComparison.Run(new Dictionary<string, Func<PerturbationDataset, PerturbationModel>> { [name] = fit(seeds[i]) },
                    screen.Train.Data,
                    new Dictionary<string, PerturbationDataset> { [CompareCommand.PartialOod] = screen.PartialOod.Data, [CompareCommand.FullOod] = screen.FullOod.Data },
                    new ModelComparisonOptions { Seed = seeds[i], Scoring = scoring })));
            }
            SeedSummary summary = SeedSummary.FromLeaderboards(runs);
            double seconds = summary.Rows.First(r => r.Metric == PerturbationMetrics.FitSeconds).Mean;
            var cells = summary.Rows.Where(r => shown.Contains(r.Metric)).Select(r => $"{r.Split}.{r.Metric}={r.Mean:F4}");
            Console.WriteLine($"{name,-40} fit {seconds,5:F2} s  " + string.Join("  ", cells));
        }
        return 0;
    }
}
