using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Peers;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.Statistics;

public class PerturbationStatisticsTests
{
    /// <summary>The direct two-pass covariance of one context's cells, (1/n) Σ (x − m)(x − m)ᵀ, in double.</summary>
    private static double[,] Covariance(float[,] cells)
    {
        int n = cells.GetLength(0), d = cells.GetLength(1);
        ContextMoments m = ContextMoments.Of(cells);
        var c = new double[d, d];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++)
                    c[a, b] += (cells[i, a] - m.Mean[a]) * (cells[i, b] - m.Mean[b]) / n;
        return c;
    }

    [Test]
    public void Builder_FedShuffledChunks_GivesTheMomentsAndBothPoolsOfTheCells()
    {
        PerturbationDataset data = TrainingFixtures.SmallScreen().Train.Data;
        int d = data.VariableCount, k = data.Contexts.Count;
        // Every cell once, in a random order, in chunks of random sizes: a stream does not come sorted by context.
        PerturbationStatistics statistics = ShuffledStream.Statistics(data, seed: 7);

        var equal = new double[d, d];
        var byCells = new double[d, d];
        for (int c = 0; c < k; c++)
        {
            PerturbationContext context = data.Contexts[c];
            ContextStatistics s = statistics.Contexts[c];
            ContextMoments expected = ContextMoments.Of(context.Samples);
            Assert.That((s.Name, s.Group, s.IsControl, s.Moments.Count), Is.EqualTo((context.Name, context.Group, context.IsControl, (long)context.SampleCount)));
            Assert.That(s.Moments.Mean, Is.EqualTo(expected.Mean).Within(1e-12), context.Name);
            Assert.That(s.Moments.Variance, Is.EqualTo(expected.Variance).Within(1e-11), context.Name);
            double[,] cov = Covariance(context.Samples);
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++)
                {
                    equal[a, b] += cov[a, b] / k;
                    byCells[a, b] += cov[a, b] * context.SampleCount / data.SampleCount;
                }
        }
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                Assert.That(statistics.Covariance.EqualWeighted[a * d + b], Is.EqualTo(equal[a, b]).Within(1e-11), $"equal-weighted pool [{a},{b}]");
                Assert.That(statistics.Covariance.CellWeighted[a * d + b], Is.EqualTo(byCells[a, b]).Within(1e-11), $"cell-weighted pool [{a},{b}]");
            }
    }

    [Test]
    public void GimFitFromStatistics_IsTheFitFromTheCells()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        PerturbationDataset cells = screen.Train.Data;
        PerturbationDataset statistics = PerturbationStatistics.Compute(cells).ToDataset();
        Assert.That(statistics.HasCells, Is.False);
        var options = new GimOptions { Seed = 3, MaxSteps = 300, CalibrationFolds = 0 };
        using GimModel fromCells = new GimTrainer(options).Fit(cells, screen.PartialOod.Data);
        using GimModel fromStatistics = new GimTrainer(options).Fit(statistics, PerturbationStatistics.Compute(screen.PartialOod.Data).ToDataset());

        // A fit from cells reads its moments and pool as PerturbationStatistics.Compute makes them: the same numbers, so the
        // same model, bit for bit.
        Assert.That(fromStatistics.VariableStandardizer.Mean, Is.EqualTo(fromCells.VariableStandardizer.Mean));
        Assert.That(fromStatistics.VariableStandardizer.Scale, Is.EqualTo(fromCells.VariableStandardizer.Scale));
        LinearGimParameters a = fromCells.ExportParameters(), b = fromStatistics.ExportParameters();
        Assert.That(Flatten(b.Graph), Is.EqualTo(Flatten(a.Graph)), "B");
        foreach (PerturbationContext c in screen.FullOod.Data.Contexts)
            Assert.That(fromStatistics.PredictMean(c.Features), Is.EqualTo(fromCells.PredictMean(c.Features)), c.Name);
        Assert.That(fromStatistics.History.Count, Is.EqualTo(fromCells.History.Count), "early stopping read the same validation curve");
        // Scoring held-out statistics is scoring their cells.
        Assert.That(fromCells.MeanLogLikelihood(PerturbationStatistics.Compute(screen.FullOod.Data).ToDataset()),
            Is.EqualTo(fromCells.MeanLogLikelihood(screen.FullOod.Data)).Within(1e-4));
    }

    [Test]
    public void WithCalibration_TheFitFromStatisticsIsTheFitFromCells_AndItsRefitsReadTheWholePool()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        var options = new GimOptions { Seed = 1, MaxSteps = 200 };
        var lines = new List<string>();
        using GimModel fromCells = new GimTrainer(options).Fit(screen.Train.Data);
        using GimModel fromStatistics = new GimTrainer(options) { Log = lines.Add }.Fit(PerturbationStatistics.Compute(screen.Train.Data).ToDataset());
        // The refits train stacked with the full fit but apart from it: the full fit is the same; the calibration is not.
        Assert.That(Flatten(fromStatistics.ExportParameters().Graph), Is.EqualTo(Flatten(fromCells.ExportParameters().Graph)));
        Assert.That(fromStatistics.Calibration, Is.Not.Null);
        Assert.That(lines, Has.Some.Contains("calibration refits read the pooled covariance of all training contexts"));
    }

    private static float[] Flatten(float[,] m) => m.Cast<float>().ToArray();

    [Test]
    public void MethodsThatReadCells_RefuseStatistics_SayingWhatToDo()
    {
        PerturbationDataset statistics = PerturbationStatistics.Compute(TrainingFixtures.SmallScreen().Train.Data).ToDataset();
        var control = Assert.Throws<NotSupportedException>(() => new ControlTrainer().Fit(statistics))!;
        Assert.That(control.Message, Does.Contain("hold statistics").And.Contain("Control reads the cells").And.Contain("GimTrainer"));
        var scale = Assert.Throws<NotSupportedException>(() => new GimTrainer(new GimOptions { Interventions = InterventionKind.ShiftScale }).Fit(statistics))!;
        Assert.That(scale.Message, Does.Contain("ShiftScale interventions change each context's noise scale"));
        var batches = Assert.Throws<NotSupportedException>(() => new GimTrainer(new GimOptions { CellBatchSize = 16 }).Fit(statistics))!;
        Assert.That(batches.Message, Does.Contain("CellBatchSize"));
        var samples = Assert.Throws<InvalidOperationException>(() => _ = statistics.Contexts[0].Samples)!;
        Assert.That(samples.Message, Does.Contain($"Context '{statistics.Contexts[0].Name}' holds statistics"));
    }

    [Test]
    public void Builder_RefusesCellsItWasNotPromised_AndContextsShortOfThem()
    {
        var definitions = new[] { new ContextStatistics.Definition("dmso", Array.Empty<float>(), 2, IsControl: true) };
        using var builder = new PerturbationStatisticsBuilder(new[] { "g1", "g2" }, Array.Empty<string>(), definitions);
        builder.Add(0, new float[,] { { 1, 2 } });
        Assert.That(Assert.Throws<InvalidOperationException>(() => builder.Build())!.Message,
            Is.EqualTo("Context 'dmso' was to have 2 cells; the pass added 1."));
        using var more = new PerturbationStatisticsBuilder(new[] { "g1", "g2" }, Array.Empty<string>(), definitions);
        Assert.That(Assert.Throws<InvalidOperationException>(() => more.Add(0, new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }))!.Message,
            Does.StartWith("Context 'dmso' was to have 2 cells"));
        using var bad = new PerturbationStatisticsBuilder(new[] { "g1", "g2" }, Array.Empty<string>(), definitions);
        Assert.That(Assert.Throws<ArgumentException>(() => bad.Add(0, new float[,] { { 1, float.NaN } }))!.Message,
            Does.StartWith("Context 'dmso', chunk row 0: variable 'g2' is NaN"));
    }
}
