using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Runtime;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>The synthetic knockdown screen (issue 20): its generative process, its splits, its determinism.</summary>
public class PerturbSeqScreenTests
{
    private static readonly PerturbSeqScreen Linear = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 3 });

    [Test]
    public void Splits_HoldOutTheUnseenGenesSingles_AndSortPairsByHowManySinglesWereSeen()
    {
        PerturbSeqScreen s = Linear;
        var seen = s.TargetedGenes.Except(s.UnseenGenes).ToHashSet();
        Assert.That(s.TargetedGenes, Has.Count.EqualTo(16));
        Assert.That(s.UnseenGenes, Has.Count.EqualTo(4));
        Assert.That(s.Train.FeatureNames, Is.EqualTo(s.TargetedGenes));
        string[] Genes(PerturbationContext c) => c.Name.Split('+').Where(g => g != "ctrl").ToArray();
        // Training: the control, every seen gene alone, and pairs of seen genes; no unseen gene anywhere.
        Assert.That(s.Train.Contexts.Count(c => c.IsControl), Is.EqualTo(1));
        Assert.That(s.Train.Contexts.Where(c => Genes(c).Length == 1).Select(c => Genes(c)[0]), Is.EquivalentTo(seen));
        Assert.That(s.Train.Contexts.Count(c => Genes(c).Length == 2), Is.EqualTo(10));
        Assert.That(s.Train.Contexts.SelectMany(Genes), Has.None.AnyOf(s.UnseenGenes.ToArray()));
        Assert.That(s.UnseenSingle!.Contexts.Select(c => Genes(c)[0]), Is.EquivalentTo(s.UnseenGenes));
        foreach (var (split, seenCount, count) in new[] { (s.PairsSeen2!, 2, 10), (s.PairsSeen1!, 1, 10), (s.PairsSeen0!, 0, 6) })
        {
            Assert.That(split.Contexts, Has.Count.EqualTo(count));
            Assert.That(split.Contexts.Select(c => Genes(c).Count(seen.Contains)), Is.All.EqualTo(seenCount));
        }
        var trainPairs = s.Train.Contexts.Select(c => c.Name).ToHashSet();
        Assert.That(s.PairsSeen2!.Contexts.Select(c => c.Name), Has.None.Matches<string>(trainPairs.Contains), "held-out pairs are not training pairs");
        // Features: one indicator per targeted gene, set for the genes a condition knocks down; targets say the same.
        foreach (PerturbationContext c in s.Tests.Values.SelectMany(t => t.Contexts).Concat(s.Train.Contexts))
        {
            var names = Genes(c);
            Assert.That(c.Features, Is.EqualTo(s.TargetedGenes.Select(g => names.Contains(g) ? 1f : 0f).ToArray()), c.Name);
            Assert.That(Enumerable.Range(0, 20).Where(j => s.Targets[c.Name][j]).Select(j => $"g{j}"), Is.EquivalentTo(names), c.Name);
        }
    }

    /// <summary>
    /// Linear mechanisms: x = M(Bᵀx + b + σε) with M = diag(m) has mean (I − M Bᵀ)⁻¹ M b, so a knockdown lowers its gene by
    /// exactly the closed form; the sample mean of 100 cells agrees within 5 standard errors (σ_j ≤ 1, a gain below 5).
    /// </summary>
    [Test]
    public void ASingleKnockdown_MovesTheMeanToTheClosedForm()
    {
        PerturbSeqScreen s = Linear;
        int d = 20;
        PerturbationContext single = s.Train.Contexts.First(c => !c.IsControl && !c.Name.Contains("+g"));
        int gene = int.Parse(single.Name.Split('+')[0][1..]);
        // Recover b from the control's exact mean: (I − Bᵀ) mean_ctrl = b; then the knockdown's exact mean.
        double[] controlMean = Mean(s.Train.Contexts.First(c => c.IsControl).Samples);
        var a = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) a[i, j] = (i == j ? 1 : 0) - s.TrueGraph[j, i];
        double[] b = DenseMatrix.Multiply(a, controlMean);
        var m = Enumerable.Repeat(1.0, d).ToArray();
        m[gene] = 1 - s.Knockdown[gene];
        var am = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) am[i, j] = (i == j ? 1 : 0) - m[i] * s.TrueGraph[j, i];
        double[] expected = DenseMatrix.Multiply(DenseMatrix.Inverse(am), b.Select((v, i) => m[i] * v).ToArray());
        double[] observed = Mean(single.Samples);
        // Both the knockdown's mean and b (from the control's mean) carry sampling error: 5 standard errors of the
        // difference, the control's counted twice for the map from its mean to the expected one (a gain of about 1 here).
        double se = Math.Sqrt(Variance(single.Samples, gene) / 100 + 4 * Variance(s.Train.Contexts.First(c => c.IsControl).Samples, gene) / 800);
        TestContext.Out.WriteLine($"{single.Name}: observed {observed[gene]:F4}, closed form {expected[gene]:F4}, control {controlMean[gene]:F4}, se {se:F4}");
        Assert.That(observed[gene], Is.EqualTo(expected[gene]).Within(5 * se));
        Assert.That(observed[gene], Is.LessThan(controlMean[gene] - 0.3 * s.Knockdown[gene] * controlMean[gene]), "the knocked-down gene is lower");
    }

    [Test]
    public void TheSameSeed_GivesTheSameScreen_AndTanhMechanismsConverge()
    {
        var again = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 3 });
        Assert.That(again.Train.Contexts[3].Samples, Is.EqualTo(Linear.Train.Contexts[3].Samples));
        Assert.That(again.PairsSeen1!.Contexts.Select(c => c.Name), Is.EqualTo(Linear.PairsSeen1!.Contexts.Select(c => c.Name)));
        var tanh = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 3, Mechanism = MechanismKind.Nonlinear });
        Assert.That(tanh.Train.Contexts.SelectMany(c => c.Samples.Cast<float>()), Is.All.Matches<float>(float.IsFinite));
        Assert.That(tanh.Train.Contexts[3].Samples, Is.Not.EqualTo(Linear.Train.Contexts[3].Samples));
    }

    [TestCase(nameof(PerturbSeqScreenOptions.UnseenGenes), 16)]
    [TestCase(nameof(PerturbSeqScreenOptions.PairsSeen0), 7)]
    [TestCase(nameof(PerturbSeqScreenOptions.TrainPairs), -1)]
    [TestCase(nameof(PerturbSeqScreenOptions.EdgeWeightMin), 0)]
    [TestCase(nameof(PerturbSeqScreenOptions.KnockdownMin), 0)]
    [TestCase(nameof(PerturbSeqScreenOptions.KnockdownMax), 1.5)]
    [TestCase(nameof(PerturbSeqScreenOptions.CountScale), 0)]
    [TestCase(nameof(PerturbSeqScreenOptions.LibrarySizeLogSd), -1)]
    [TestCase(nameof(PerturbSeqScreenOptions.CellLines), 0)]
    [TestCase(nameof(PerturbSeqScreenOptions.CellLines), 11)]
    [TestCase(nameof(PerturbSeqScreenOptions.CellLineShift), -1)]
    [TestCase(nameof(PerturbSeqScreenOptions.CellLineRewiring), double.PositiveInfinity)]
    public void InvalidOptions_AreRefusedNamingTheSetting(string name, double value)
    {
        var options = new PerturbSeqScreenOptions();
        var property = typeof(PerturbSeqScreenOptions).GetProperty(name)!;
        property.SetValue(options, property.PropertyType == typeof(int) ? (object)(int)value : value);
        var ex = Assert.Throws<ArgumentException>(() => PerturbSeqScreen.Generate(options))!;
        Assert.That(ex.Message, Does.StartWith($"PerturbSeqScreenOptions.{name} is "));
    }

    /// <summary>
    /// The count read-out draws from the same levels (the cells' stream is unchanged): non-negative integers whose total over
    /// the 800 control cells × 20 genes is E[ℓ]·CountScale·Σ softplus(level), E[ℓ] = e^(0.3²/2), within 5% (measured
    /// relative standard error about 1.2%, most of it the library factor shared by a cell's genes).
    /// </summary>
    [Test]
    public void TheCountReadOut_CountsTheSameLevels()
    {
        var counted = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 3, ReadOut = PerturbSeqReadOut.Counts });
        float[,] levels = Linear.Train.Contexts[0].Samples, counts = counted.Train.Contexts[0].Samples;
        Assert.That(counted.Train.Contexts[0].Name, Is.EqualTo("ctrl"));
        double expected = 0, total = 0;
        for (int i = 0; i < levels.GetLength(0); i++)
            for (int j = 0; j < levels.GetLength(1); j++)
            {
                Assert.That(counts[i, j], Is.GreaterThanOrEqualTo(0).And.EqualTo(MathF.Round(counts[i, j])));
                expected += Math.Exp(0.3 * 0.3 / 2) * 3 * Math.Log(1 + Math.Exp(levels[i, j]));
                total += counts[i, j];
            }
        TestContext.Out.WriteLine($"total {total}, expected {expected:F0}, ratio {total / expected:F4}");
        Assert.That(total / expected, Is.EqualTo(1).Within(0.05));
    }

    private static double Variance(float[,] cells, int j)
    {
        int n = cells.GetLength(0);
        double mean = 0, squares = 0;
        for (int i = 0; i < n; i++) mean += cells[i, j] / (double)n;
        for (int i = 0; i < n; i++) squares += (cells[i, j] - mean) * (cells[i, j] - mean);
        return squares / (n - 1);
    }

    /// <summary>
    /// Several guides a gene (<see cref="PerturbSeqScreenOptions.GuidesPerGene"/>): each guide its own efficiency in the
    /// range, the cells of a condition taking the guide combinations in turn, a gene knocked down further by its stronger
    /// guide, and the screen's other draws (graph, targets, splits, control cells) those of the screen with one guide.
    /// </summary>
    [Test]
    public void SeveralGuidesAGene_EachKnocksItsGeneDownByItsOwnEfficiency()
    {
        var guided = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 3, GuidesPerGene = 2 });
        Assert.That(Linear.GuideKnockdown, Is.Null);
        Assert.That(Linear.CellGuides, Is.Null);
        Assert.That(guided.TrueGraph, Is.EqualTo(Linear.TrueGraph));
        Assert.That(guided.UnseenGenes, Is.EqualTo(Linear.UnseenGenes));
        Assert.That(guided.Train.Contexts.Select(c => c.Name), Is.EqualTo(Linear.Train.Contexts.Select(c => c.Name)));
        Assert.That(guided.Train.Contexts[0].Samples, Is.EqualTo(Linear.Train.Contexts[0].Samples), "the control cells");
        Assert.That(guided.GuideKnockdown!.Keys, Is.EquivalentTo(guided.TargetedGenes.SelectMany(g => new[] { $"{g}_sg1", $"{g}_sg2" })));
        Assert.That(guided.GuideKnockdown.Values, Is.All.InRange(0.5, 0.9));

        // The single whose gene's two guides differ most.
        PerturbationContext single = guided.Train.Contexts.Where(c => c.Name.EndsWith("+ctrl", StringComparison.Ordinal))
            .MaxBy(c => Math.Abs(guided.GuideKnockdown[c.Name.Split('+')[0] + "_sg1"] - guided.GuideKnockdown[c.Name.Split('+')[0] + "_sg2"]))!;
        string gene = single.Name.Split('+')[0];
        int j = int.Parse(gene[1..], System.Globalization.CultureInfo.InvariantCulture);
        string[] labels = guided.CellGuides![single.Name];
        Assert.That(labels, Has.Length.EqualTo(single.SampleCount));
        Assert.That(labels.Count(l => l == $"{gene}_sg1"), Is.EqualTo(50));
        Assert.That(labels.Count(l => l == $"{gene}_sg2"), Is.EqualTo(50));
        string pair = guided.Train.Contexts.First(c => c.Name.Split('+').Length == 2 && !c.Name.EndsWith("+ctrl", StringComparison.Ordinal)).Name;
        Assert.That(guided.CellGuides[pair].Distinct().Count(), Is.EqualTo(4), "a pair's cells take the four guide combinations");
        // The gene's mean under each guide, against its control mean times 1 − κ of that guide (linear screen: the whole
        // mechanism is scaled; measured 1.686 / 3.789 against 1.672 / 3.725 for κ 0.78 / 0.51; 50 cells a guide, so a
        // standard error near 0.1: within 0.25).
        double control = Mean(guided.Train.Contexts[0].Samples)[j];
        var means = new Dictionary<string, double>();
        foreach (string guide in new[] { $"{gene}_sg1", $"{gene}_sg2" })
        {
            double[] values = Enumerable.Range(0, single.SampleCount).Where(i => labels[i] == guide).Select(i => (double)single.Samples[i, j]).ToArray();
            double expected = (1 - guided.GuideKnockdown[guide]) * control;
            means[guide] = values.Average();
            TestContext.Out.WriteLine($"{guide}: κ {guided.GuideKnockdown[guide]:F3}, mean {values.Average():F3}, (1 − κ)·control {expected:F3}");
            Assert.That(values.Average(), Is.EqualTo(expected).Within(0.25), guide);
        }
        string stronger = guided.GuideKnockdown[$"{gene}_sg1"] > guided.GuideKnockdown[$"{gene}_sg2"] ? $"{gene}_sg1" : $"{gene}_sg2";
        Assert.That(means[stronger], Is.EqualTo(means.Values.Min()), "the stronger guide leaves less of its gene");
        Assert.Throws<ArgumentException>(() => PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { GuidesPerGene = 0 }));
        Assert.That(Assert.Throws<ArgumentException>(() => PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { GuidesPerGene = 3, CellsPerCondition = 8 }))!.Message,
            Does.Contain("CellsPerCondition is 8").And.Contain("a cell for every guide pair"));
    }

    /// <summary>
    /// Two cell lines: every condition in each, named "…|cell_line=L0/L1" with a 0/1 line feature beside the genes'; only
    /// line 0's control is the control, line 1's is a context perturbed by the line alone. Each line's control mean is its
    /// own closed form (I − B_ℓᵀ)⁻¹ b_ℓ within 5 standard errors; the lines' baselines differ, their graphs too only when
    /// rewired (same edges). Written as .h5ad with obs cell_line and read back through a ScreenDesign with the line as
    /// covariate, the cells are the same.
    /// </summary>
    [Test]
    public void TwoCellLines_MeasureEveryConditionInEachLine_AroundItsOwnBaselines()
    {
        var lines = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 3, CellLines = 2 });
        Assert.That(Linear.LineBaselines, Is.Null);
        Assert.That(Linear.LineFeatures, Is.Empty);
        Assert.That(lines.TrueGraph, Is.EqualTo(Linear.TrueGraph));
        Assert.That(lines.LineFeatures, Is.EqualTo(new[] { "cell_line=L1" }));
        Assert.That(lines.Train.FeatureNames, Is.EqualTo(lines.TargetedGenes.Append("cell_line=L1")));
        Assert.That(lines.Train.Contexts.Where(c => c.IsControl).Select(c => c.Name), Is.EqualTo(new[] { "ctrl|cell_line=L0" }));
        PerturbationContext vehicle = lines.Train.Contexts.Single(c => c.Name == "ctrl|cell_line=L1");
        Assert.That(vehicle.Features, Is.EqualTo(new float[16].Append(1f)));
        static string Condition(string name) => name.Split('|')[0];
        foreach (PerturbationDataset split in lines.Tests.Values.Prepend(lines.Train))
        {
            var byLine = split.Contexts.GroupBy(c => c.Name.Split('|')[1]).ToDictionary(g => g.Key, g => g.Select(c => Condition(c.Name)).ToArray());
            Assert.That(byLine.Keys, Is.EquivalentTo(new[] { "cell_line=L0", "cell_line=L1" }));
            Assert.That(byLine["cell_line=L1"], Is.EqualTo(byLine["cell_line=L0"]));
            Assert.That(split.Contexts.Where(c => c.Name.EndsWith("L1", StringComparison.Ordinal)).Select(c => c.Features[^1]), Is.All.EqualTo(1f));
        }
        Assert.That(lines.Train.Contexts.Select(c => Condition(c.Name)).Distinct(), Is.EquivalentTo(Linear.Train.Contexts.Select(c => c.Name)));

        int d = 20;
        double[] shift = lines.LineBaselines![1].Select((v, j) => v - lines.LineBaselines[0][j]).ToArray();
        Assert.That(shift.Select(Math.Abs).Max(), Is.GreaterThan(0.5), "line 1's baselines differ (N(0, 1) each)");
        Assert.That(lines.LineGraphs![1], Is.EqualTo(lines.TrueGraph), "no rewiring by default");
        foreach (var (line, control) in new[] { (0, lines.Train.Contexts.Single(c => c.IsControl)), (1, vehicle) })
        {
            var a = new double[d, d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) a[i, j] = (i == j ? 1 : 0) - lines.LineGraphs[line][j, i];
            double[] expected = DenseMatrix.Multiply(DenseMatrix.Inverse(a), lines.LineBaselines[line]);
            double[] observed = Mean(control.Samples);
            for (int j = 0; j < d; j++)
                Assert.That(observed[j], Is.EqualTo(expected[j]).Within(5 * Math.Sqrt(Variance(control.Samples, j) / control.SampleCount)), $"line {line}, g{j}");
        }

        var rewired = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 3, CellLines = 2, CellLineRewiring = 0.3 });
        Assert.That(rewired.LineBaselines![1], Is.EqualTo(lines.LineBaselines[1]));
        Assert.That(rewired.LineGraphs![1], Is.Not.EqualTo(rewired.TrueGraph));
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) Assert.That(rewired.LineGraphs[1][i, j] != 0, Is.EqualTo(rewired.TrueGraph[i, j] != 0), $"edge {i} → {j}");

        string path = Path.Combine(Path.GetTempPath(), $"gim-lines-{Guid.NewGuid():N}.h5ad");
        try
        {
            lines.WriteH5ad(path, "pairs_seen2");
            PerturbationDataset read = Gim.MLNet.Data.AnnData.AnnDataReader.Read(path).ToPerturbationDataset(new ScreenDesign("condition", "ctrl")
            {
                Combinations = new CombinationLabels { Perturbations = lines.TargetedGenes.ToArray() },
                Covariates = new[] { "cell_line" },
                ReferenceLevels = new Dictionary<string, string> { ["cell_line"] = "L0" },
            });
            foreach (PerturbationContext c in lines.PairsSeen2!.Contexts)
            {
                PerturbationContext back = read.Contexts.Single(r => r.Name == c.Name);
                Assert.That(back.Samples, Is.EqualTo(c.Samples), c.Name);
            }
            Assert.That(read.Contexts.Where(c => Condition(c.Name) == "ctrl").Select(c => c.Samples),
                Is.EqualTo(lines.Train.Contexts.Where(c => Condition(c.Name) == "ctrl").Select(c => c.Samples)), "the lines' control cells come first");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static double[] Mean(float[,] cells)
    {
        int n = cells.GetLength(0), d = cells.GetLength(1);
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += cells[i, j] / (double)n;
        return mean;
    }
}
