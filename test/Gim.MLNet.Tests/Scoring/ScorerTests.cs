using Gim.MLNet.Scoring;

namespace Gim.MLNet.Tests.Scoring;

/// <summary>The one scorer's newer metrics and summaries on hand-made numbers whose answers are known.</summary>
public class ScorerTests
{
    private static readonly ControlStatistics Unit = new(new double[] { 0, 0, 0 }, new double[] { 1, 1, 1 });

    private static float[,] Rows(params float[][] rows)
    {
        var m = new float[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    /// <summary>
    /// Observed mean (3, 1, 2), predicted mean (2, 1.5, 1): from the control (the origin) the shifts agree in part
    /// (Pearson Δ = 0.5), but from the training perturbations' mean (2, 1, 1) the observed residual (1, 0, 1) and the
    /// predicted one (0, 0.5, 0) are exactly anti-correlated (−1): what the prediction adds to "the average
    /// perturbation" is wrong, which only the second metric sees.
    /// </summary>
    [Test]
    public void PearsonDeltaPerturbed_MeasuresShiftsFromTheTrainingPerturbations()
    {
        var context = new ScoredContext("drug", false, Rows(new[] { 3f, 1, 2 }, new[] { 3f, 1, 2 }), Rows(new[] { 2f, 1.5f, 1 }, new[] { 2f, 1.5f, 1 }));
        var options = new ScoringOptions { ControlStatistics = Unit, PerturbedReference = new double[] { 2, 1, 1 } };
        PerturbationEvaluation e = PerturbationScorer.Score(new[] { context }, options);
        Assert.That(e.Metrics[PerturbationMetrics.PearsonDelta], Is.EqualTo(0.5).Within(1e-9));
        Assert.That(e.Metrics[PerturbationMetrics.PearsonDeltaPerturbed], Is.EqualTo(-1).Within(1e-9));
        Assert.That(PerturbationScorer.Score(new[] { context }, new ScoringOptions { ControlStatistics = Unit }).Metrics,
            Does.Not.ContainKey(PerturbationMetrics.PearsonDeltaPerturbed), "not computed without the reference");
        Assert.That(() => PerturbationScorer.Score(new[] { context }, new ScoringOptions { ControlStatistics = Unit, PerturbedReference = new double[2] }),
            Throws.ArgumentException.With.Message.Contains("PerturbedReference has 2 values"));
    }

    /// <summary>
    /// The median-bandwidth MMD both ways: the unbiased value is the U-statistic at the biased one's bandwidth (so, for one
    /// sample against a shifted copy of itself, below the biased value by exactly the within-set diagonal terms); a 1-row
    /// context has no U-statistic (NaN, left out of the average); either option off drops it.
    /// </summary>
    [Test]
    public void MmdMedianUnbiased_IsTheUStatisticAtTheMedianBandwidth()
    {
        float[,] observed = Rows(new[] { 0f, 0, 0 }, new[] { 1f, 0, 1 }, new[] { 0f, 2, 1 }, new[] { 1f, 1, 1 });
        float[,] predicted = Rows(new[] { 0.5f, 0, 0 }, new[] { 1.5f, 0, 1 }, new[] { 0.5f, 2, 1 }, new[] { 1.5f, 1, 1 });
        var context = new ScoredContext("drug", false, observed, predicted);
        PerturbationEvaluation e = PerturbationScorer.Score(new[] { context }, new ScoringOptions { ControlStatistics = Unit });
        Assert.That(e.MmdMedian, Is.EqualTo(DistributionDistances.MmdMedianHeuristic(predicted, observed)).Within(1e-12));
        Assert.That(e.MmdMedianUnbiased, Is.EqualTo(DistributionDistances.MmdMedianHeuristic(predicted, observed, unbiased: true)).Within(1e-12));
        // n = m = 4 and k(x, x) = 1: the V-statistic's diagonal adds (1/n)(1 − mean within-set kernel off the diagonal), per set.
        Assert.That(e.MmdMedianUnbiased, Is.LessThan(e.MmdMedian));

        var single = new ScoredContext("one", false, Rows(new[] { 0f, 0, 0 }), Rows(new[] { 1f, 0, 0 }));
        PerturbationEvaluation both = PerturbationScorer.Score(new[] { context, single }, new ScoringOptions { ControlStatistics = Unit });
        Assert.That(both.PerContext[1].MmdMedianUnbiased, Is.NaN, "one row has no U-statistic");
        Assert.That(both.MmdMedianUnbiased, Is.EqualTo(e.MmdMedianUnbiased).Within(1e-12), "left out of the average");
        Assert.That(PerturbationScorer.Score(new[] { context }, new ScoringOptions { ControlStatistics = Unit, UnbiasedMmd = false }).Metrics,
            Does.ContainKey(PerturbationMetrics.MmdMedian).And.Not.ContainKey(PerturbationMetrics.MmdMedianUnbiased));
        Assert.That(PerturbationScorer.Score(new[] { context }, new ScoringOptions { ControlStatistics = Unit, MedianHeuristicMmd = false }).Metrics,
            Does.ContainKey(PerturbationMetrics.MmdUnbiased).And.Not.ContainKey(PerturbationMetrics.MmdMedianUnbiased));
    }

    /// <summary>
    /// Observed cells (0, 0, 0) and (2, 2, 2): mean 1 on every variable, standard error √(2/2) = 1 (units of the control
    /// scale 2: observed 0.5 ± 0.5). Predicted means 1, 2.5 and 5 with standard deviations 0 (standardised 0.5, 1.25, 2.5;
    /// 90% half-width 1.645·0.5 = 0.82 with the standard error alone): the first is inside, the second is inside
    /// (0.75 &lt; 0.82), the third outside, coverage 2/3. With sd 8 on the third (4 standardised) it is inside too.
    /// </summary>
    [Test]
    public void Coverage90_CountsTheVariablesWhoseObservedMeanIsInsideTheInterval()
    {
        var scaled = new ControlStatistics(new double[] { 0, 0, 0 }, new double[] { 2, 2, 2 });
        var cells = Rows(new[] { 0f, 0, 0 }, new[] { 2f, 2, 2 });
        var context = new ScoredContext("drug", false, cells, cells, PredictedMean: new double[] { 1, 2.5, 5 }, MeanStandardDeviation: new double[3]);
        var options = new ScoringOptions { ControlStatistics = scaled };
        Assert.That(PerturbationScorer.Score(new[] { context }, options).Metrics[PerturbationMetrics.Coverage90], Is.EqualTo(2.0 / 3).Within(1e-12));
        var wider = context with { MeanStandardDeviation = new double[] { 0, 0, 8 } };
        Assert.That(PerturbationScorer.Score(new[] { wider }, options).Metrics[PerturbationMetrics.Coverage90], Is.EqualTo(1.0));
        Assert.That(PerturbationScorer.Score(new[] { context with { MeanStandardDeviation = null } }, options).Metrics,
            Does.Not.ContainKey(PerturbationMetrics.Coverage90), "only for methods with a standard deviation");
        Assert.That(() => PerturbationScorer.Score(new[] { context with { MeanStandardDeviation = new double[2] } }, options),
            Throws.ArgumentException.With.Message.Contains("3 predicted means and 2 standard deviations"));
        Assert.That(PerturbationMetrics.Nominal(PerturbationMetrics.Coverage90), Is.EqualTo(0.90));
    }

    /// <summary>nlpd is −mean log p of the observed cells in the evaluation space: a density in original units gains Σ log scale.</summary>
    /// <summary>
    /// With as many components as variables the PCA is a rotation (plus centring), which keeps every distance: the
    /// E-distance in PCA space then equals the squared-Euclidean E-distance of the cells themselves, computed here pair
    /// by pair; with fewer components it sees the leading ones only, and it is absent unless asked for.
    /// </summary>
    [Test]
    public void EDistanceInPcaSpace_UnderAFullRotation_IsThePairwiseSquaredEDistance()
    {
        var random = new Random(5);
        float[,] Cells(double shift) => Rows(Enumerable.Range(0, 40).Select(_ => new[]
        {
            (float)(shift + 3 * random.NextDouble()), (float)(2 * random.NextDouble()), (float)(random.NextDouble() - shift),
        }).ToArray());
        var contexts = new[]
        {
            new ScoredContext("drugA", false, Cells(0.5), Cells(0.8)),
            new ScoredContext("drugB", false, Cells(-1), Cells(-0.2)),
        };
        PerturbationEvaluation full = PerturbationScorer.Score(contexts, new ScoringOptions { ControlStatistics = Unit, PcaComponents = 3 });
        static double MeanSquared(float[,] a, float[,] b)
        {
            double sum = 0;
            for (int i = 0; i < a.GetLength(0); i++)
                for (int k = 0; k < b.GetLength(0); k++)
                    for (int j = 0; j < a.GetLength(1); j++) sum += (a[i, j] - b[k, j]) * (double)(a[i, j] - b[k, j]);
            return sum / (a.GetLength(0) * b.GetLength(0));
        }
        foreach (var (c, scored) in full.PerContext.Zip(contexts))
        {
            double pairwise = 2 * MeanSquared(scored.Predicted, scored.Observed) - MeanSquared(scored.Predicted, scored.Predicted) - MeanSquared(scored.Observed, scored.Observed);
            Assert.That(c.EnergyPca, Is.EqualTo(pairwise).Within(1e-5 * pairwise), c.Context);
        }
        PerturbationEvaluation one = PerturbationScorer.Score(contexts, new ScoringOptions { ControlStatistics = Unit, PcaComponents = 1 });
        Assert.That(one.PerContext.Select(c => c.EnergyPca), Is.All.GreaterThan(0).And.All.Not.NaN);
        Assert.That(one.Metrics[PerturbationMetrics.EnergyPca], Is.Not.EqualTo(full.Metrics[PerturbationMetrics.EnergyPca]));
        Assert.That(PerturbationScorer.Score(contexts, new ScoringOptions { ControlStatistics = Unit }).Metrics, Does.Not.ContainKey(PerturbationMetrics.EnergyPca));
        Assert.That(() => PerturbationScorer.Score(contexts, new ScoringOptions { ControlStatistics = Unit, PcaComponents = 0 }),
            Throws.ArgumentException.With.Message.Contains("PcaComponents"));
    }

    [Test]
    public void Nlpd_IsTheMeanNegativeLogDensity_InTheControlStandardisedSpace()
    {
        var scaled = new ControlStatistics(new double[] { 0, 0, 0 }, new double[] { 2, 2, 2 });
        var cells = Rows(new[] { 0f, 0, 0 }, new[] { 1f, 1, 1 });
        var context = new ScoredContext("drug", false, cells, cells, LogDensities: new[] { -3.0, -5.0 });
        PerturbationEvaluation e = PerturbationScorer.Score(new[] { context }, new ScoringOptions { ControlStatistics = scaled });
        Assert.That(e.Metrics[PerturbationMetrics.Nlpd], Is.EqualTo(4 - 3 * Math.Log(2)).Within(1e-12));
        var without = new ScoredContext("drug", false, cells, cells);
        Assert.That(PerturbationScorer.Score(new[] { without }, new ScoringOptions { ControlStatistics = scaled }).Metrics, Does.Not.ContainKey(PerturbationMetrics.Nlpd));
        Assert.That(() => PerturbationScorer.Score(new[] { context with { LogDensities = new[] { 1.0 } } }, new ScoringOptions { ControlStatistics = scaled }),
            Throws.ArgumentException.With.Message.Contains("1 log densities for 2 observed cells"));
    }

    /// <summary>
    /// Differences 0.1, 0.2, 0.3, 0.4, 0.5 (method − baseline) of a lower-is-better metric: mean 0.3, sd 0.158, interval
    /// 0.3 ± 2.776·0.158/√5 = [0.104, 0.496]; the method loses on every seed and is significantly worse.
    /// </summary>
    [Test]
    public void PairedComparison_GivesTheMeanDifference_ItsTInterval_AndWinsTiesLosses()
    {
        var baseline = Enumerable.Range(0, 5).ToDictionary(s => s, s => 1.0);
        var method = Enumerable.Range(0, 5).ToDictionary(s => s, s => 1.0 + 0.1 * (s + 1));
        PairedComparison p = PairedComparison.Of("gim", "control", "food", PerturbationMetrics.Mmd, method, baseline);
        Assert.That(p.Seeds, Is.EqualTo(5));
        Assert.That(p.MeanDifference, Is.EqualTo(0.3).Within(1e-12));
        double half = 2.776 * Math.Sqrt(0.025) / Math.Sqrt(5);
        Assert.That(p.Lower, Is.EqualTo(0.3 - half).Within(1e-9));
        Assert.That(p.Upper, Is.EqualTo(0.3 + half).Within(1e-9));
        Assert.That((p.Wins, p.Ties, p.Losses), Is.EqualTo((0, 0, 5)));
        Assert.That(p.SignificantlyWorse(lowerIsBetter: true), Is.True);
        Assert.That(p.SignificantlyBetter(lowerIsBetter: true), Is.False);

        // Higher is better for AUROC: the same numbers are wins; a tie is counted as one.
        method[0] = 1.0;
        PairedComparison auroc = PairedComparison.Of("gim", "two-stage", "food", PerturbationMetrics.TargetAuroc, method, baseline);
        Assert.That((auroc.Wins, auroc.Ties, auroc.Losses), Is.EqualTo((4, 1, 0)));
        // A label names its metric: r2_top5 is r2_topk, higher is better.
        Assert.That(PairedComparison.Of("a", "b", "pood", "r2_top5", method, baseline).Wins, Is.EqualTo(4));
    }

    [Test]
    public void PairedComparison_AllTies_IsNeverSignificant_EvenWithAConstantRoundingDifference()
    {
        // Differences of 1e-12 on every seed: a zero-width interval, but every pair is a tie.
        var method = Enumerable.Range(0, 5).ToDictionary(s => s, s => 0.5 + s * 0.01 + 1e-12);
        var baseline = Enumerable.Range(0, 5).ToDictionary(s => s, s => 0.5 + s * 0.01);
        PairedComparison p = PairedComparison.Of("a", "b", "food", PerturbationMetrics.Mmd, method, baseline);
        Assert.That((p.Wins, p.Ties, p.Losses), Is.EqualTo((0, 5, 0)));
        Assert.That(p.SignificantlyBetter(lowerIsBetter: true) || p.SignificantlyWorse(lowerIsBetter: true), Is.False);
    }

    [Test]
    public void Pool_AveragesEveryContextOfEveryFold_AndPoolsTargetsOverAllPairs()
    {
        ScoredContext Context(string name, float shift, double[] pi, bool[] truth) =>
            new(name, false, Rows(new[] { shift, 0f, 0 }, new[] { shift, 0f, 0 }), Rows(new[] { 0f, 0, 0 }, new[] { 0f, 0, 0 }), pi, truth);
        var foldA = new[] { Context("a", 1, new[] { 0.9, 0.1, 0.1 }, new[] { true, false, false }) };
        var foldB = new[] { Context("b", 2, new[] { 0.2, 0.8, 0.1 }, new[] { false, true, false }), Context("c", 3, new[] { 0.1, 0.1, 0.7 }, new[] { false, false, true }) };
        var options = new ScoringOptions { ControlStatistics = Unit };
        PerturbationEvaluation a = PerturbationScorer.Score(foldA, options), b = PerturbationScorer.Score(foldB, options);
        PerturbationEvaluation pooled = PerturbationScorer.Pool(new[] { a, b }, foldA.Concat(foldB).ToList(), options);
        PerturbationEvaluation together = PerturbationScorer.Score(foldA.Concat(foldB).ToList(), options);
        Assert.That(pooled.PerContext.Select(c => c.Context), Is.EqualTo(new[] { "a", "b", "c" }));
        foreach (string metric in together.Metrics.Keys)
            Assert.That(pooled.Metrics[metric], Is.EqualTo(together.Metrics[metric]).Within(1e-12), metric);
        Assert.That(pooled.TargetPairs, Is.EqualTo(9));
        Assert.That(pooled.MeanRmse, Is.Not.EqualTo((a.MeanRmse + b.MeanRmse) / 2).Within(1e-6), "contexts count equally, not folds");
    }
}
