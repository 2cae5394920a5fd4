using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Scoring;

/// <summary>The in-process comparison the benchmarks run: one leaderboard from one scorer, reproducible for a seed.</summary>
public class ModelComparisonTests
{
    private static readonly Lazy<HillScreen> Screen = new(() => TrainingFixtures.SmallScreen(seed: 1));

    private static Leaderboard Run(int seed, IReadOnlyDictionary<string, Func<PerturbationDataset, PerturbationModel>> methods)
    {
        HillScreen screen = Screen.Value;
        return ModelComparison.Run(methods, screen.Train.Data,
            new Dictionary<string, PerturbationDataset> { ["pood"] = screen.PartialOod.Data, ["food"] = screen.FullOod.Data },
            new ModelComparisonOptions
            {
                Seed = seed,
                TrueGraph = screen.TrueGraph,
                Scoring = new ScoringOptions { TrueTargets = screen.PartialOod.Truth.Concat(screen.FullOod.Truth).ToDictionary(t => t.Name, t => t.Targets) },
            });
    }

    private static readonly Dictionary<string, Func<PerturbationDataset, PerturbationModel>> Methods = new()
    {
        ["control"] = d => new ControlTrainer().Fit(d),
        ["training-mean"] = d => new TrainingMeanTrainer().Fit(d),
        ["two-stage"] = d => new TwoStageCausalTrainer(new TwoStageCausalOptions { Seed = 1, MaxSteps = 300 }).Fit(d),
        ["broken"] = _ => throw new InvalidOperationException("no fit today"),
    };

    [Test]
    public void EveryMethod_IsScoredOnEverySplit_WithTheMetricsItCanHave()
    {
        Leaderboard board = Run(3, Methods);
        Assert.That(board.Splits, Is.EqualTo(new[] { "pood", "food", PerturbationMetrics.GraphSplit }));
        Assert.That(board["two-stage"].Value("food", PerturbationMetrics.TargetAuroc), Is.GreaterThan(0.8), "targets are scored for a method that has them");
        Assert.That(board["control"].Value("food", PerturbationMetrics.TargetAuroc), Is.NaN);
        Assert.That(board["two-stage"].Value("food", PerturbationMetrics.Nlpd), Is.GreaterThan(0), "a method with a density gets nlpd");
        Assert.That(board["training-mean"].Value("food", PerturbationMetrics.Nlpd), Is.NaN);
        // Better than chance (0.5) after 300 steps on this small screen (measured 0.669).
        Assert.That(board["two-stage"].Value(PerturbationMetrics.GraphSplit, PerturbationMetrics.EdgeAuroc), Is.GreaterThan(0.55));
        Assert.That(board["control"].Value(PerturbationMetrics.GraphSplit, PerturbationMetrics.EdgeAuroc), Is.NaN);
        // TrainingMean predicts the average perturbation: measured from it, its predicted shift is resampling noise, so
        // its Pearson Δ against the training perturbations is about 0 even though the one against the control is not
        // (measured −0.005 and 0.282 on this screen; two-stage 0.622 against the training perturbations).
        double mean = board["training-mean"].Value("food", PerturbationMetrics.PearsonDelta);
        double meanPerturbed = board["training-mean"].Value("food", PerturbationMetrics.PearsonDeltaPerturbed);
        double twoStagePerturbed = board["two-stage"].Value("food", PerturbationMetrics.PearsonDeltaPerturbed);
        TestContext.Out.WriteLine($"training-mean: pearson_delta {mean:F3}, pearson_delta_pert {meanPerturbed:F3}; two-stage pearson_delta_pert {twoStagePerturbed:F3}");
        Assert.That(Math.Abs(meanPerturbed), Is.LessThan(0.15));
        Assert.That(mean, Is.GreaterThan(meanPerturbed + 0.2));
        Assert.That(board["broken"].FitError, Does.Contain("no fit today"));
        Assert.That(board["two-stage"].Succeeded, Is.True);
    }

    [Test]
    public void TheSameSeed_ReplaysTheSameNumbers_AndAnotherSeedDrawsOthers()
    {
        var cheap = Methods.Where(m => m.Key is "control" or "training-mean").ToDictionary(m => m.Key, m => m.Value);
        Leaderboard first = Run(3, cheap), again = Run(3, cheap), other = Run(4, cheap);
        Assert.That(again["training-mean"].Value("food", PerturbationMetrics.Mmd), Is.EqualTo(first["training-mean"].Value("food", PerturbationMetrics.Mmd)));
        Assert.That(other["training-mean"].Value("food", PerturbationMetrics.Mmd), Is.Not.EqualTo(first["training-mean"].Value("food", PerturbationMetrics.Mmd)));
    }

    [Test]
    public void SeedSummary_WritesTheBenchmarkTable_WithItsColumnsAndLabels()
    {
        var cheap = Methods.Where(m => m.Key is "control" or "training-mean").ToDictionary(m => m.Key, m => m.Value);
        SeedSummary summary = SeedSummary.FromLeaderboards(new[] { (3, Run(3, cheap)), (4, Run(4, cheap)) });
        string[] lines = summary.ToCsv().TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Is.EqualTo("method,split,metric,mean,sd,n_seeds"));
        Assert.That(lines.Skip(1), Has.All.Matches<string>(l => l.Split(',').Length == 6 && l.EndsWith(",2", StringComparison.Ordinal)));
        Assert.That(summary.Rows.Select(r => r.Metric), Does.Contain("r2_top5").And.Contain(PerturbationMetrics.FitSeconds).And.Not.Contain(PerturbationMetrics.RSquaredTopK));
        SeedSummaryRow mmd = summary.Rows.Single(r => r.Method == "training-mean" && r.Split == "food" && r.Metric == PerturbationMetrics.Mmd);
        IReadOnlyDictionary<int, double> values = summary.Values("training-mean", "food", PerturbationMetrics.Mmd);
        Assert.That(mmd.Mean, Is.EqualTo((values[3] + values[4]) / 2).Within(1e-15));
        Assert.That(mmd.Sd, Is.EqualTo(Math.Abs(values[3] - values[4]) / Math.Sqrt(2)).Within(1e-12));
        PairedComparison paired = summary.Paired("training-mean", "control").Single(p => p.Split == "food" && p.Metric == PerturbationMetrics.Mmd);
        Assert.That(paired.Seeds, Is.EqualTo(2));
        Assert.That(paired.Wins + paired.Ties + paired.Losses, Is.EqualTo(2));
        Assert.That(summary.Paired("training-mean", "control"), Has.None.Matches<PairedComparison>(p => p.Metric == PerturbationMetrics.FitSeconds));
    }
}
