using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Peers;

/// <summary>The Additive peer (issue 20's combination baseline) on a small screen with one 0/1 feature per perturbed gene.</summary>
public class AdditiveTests
{
    private const int D = 4;
    private static readonly string[] Genes = { "A", "B", "C", "D" };

    /// <summary>
    /// Controls; singles A (+2 on x0) and B (−1.5 on x1); D at amount 2 (+3 on x2, i.e. +1.5 per unit); a training pair
    /// A+B whose effect is not additive (+5 on x3 only); C only ever in the pair B+C. Gaussian cells, unit noise.
    /// </summary>
    private static PerturbationDataset Screen()
    {
        var random = new Random(5);
        PerturbationContext Context(string name, float[] features, double[] shift, int n, bool control = false) => Cells(random, name, features, shift, n, control);
        return new PerturbationDataset(new[]
        {
            Context("ctrl", new float[] { 0, 0, 0, 0 }, new double[D], 400, control: true),
            Context("A", new float[] { 1, 0, 0, 0 }, new double[] { 2, 0, 0, 0 }, 80),
            Context("B", new float[] { 0, 1, 0, 0 }, new double[] { 0, -1.5, 0, 0 }, 80),
            Context("D", new float[] { 0, 0, 0, 2 }, new double[] { 0, 0, 3, 0 }, 80),
            Context("A+B", new float[] { 1, 1, 0, 0 }, new double[] { 0, 0, 0, 5 }, 80),
            Context("B+C", new float[] { 0, 1, 1, 0 }, new double[] { 0, -1.5, 0, 1 }, 80),
        }, new[] { "x0", "x1", "x2", "x3" }, Genes);
    }

    /// <summary>A context of <paramref name="n"/> Gaussian cells around 10 + <paramref name="shift"/>, unit noise (Box–Muller from <paramref name="random"/>).</summary>
    private static PerturbationContext Cells(Random random, string name, float[] features, double[] shift, int n, bool control)
    {
        var cells = new float[n, D];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < D; j++)
                cells[i, j] = (float)(10 + shift[j] + Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return new PerturbationContext(name, features, cells, control);
    }

    /// <summary>A context's mean in the model's units: control standard deviations from the control mean.</summary>
    private static double[] MeanShift(PerturbationModel model, PerturbationContext context) =>
        MeanMetrics.ColumnMeans(model.VariableStandardizer.Transform(context.Samples));

    [Test]
    public void APair_IsTheControlPlusItsSingles_AndTrainingPairsAreNotUsed()
    {
        PerturbationDataset train = Screen();
        var lines = new List<string>();
        AdditiveModel model = new AdditiveTrainer(new AdditiveOptions { Seed = 1 }) { Log = lines.Add }.Fit(train);
        double[] a = MeanShift(model, train.Contexts[1]), b = MeanShift(model, train.Contexts[2]), d = MeanShift(model, train.Contexts[3]);
        double[,] effects = model.Effects;
        for (int j = 0; j < D; j++)
        {
            Assert.That(effects[0, j], Is.EqualTo(a[j]).Within(1e-5), $"δ_A[{j}]: single A's mean shift");
            Assert.That(effects[1, j], Is.EqualTo(b[j]).Within(1e-5), $"δ_B[{j}]");
            Assert.That(effects[3, j], Is.EqualTo(d[j] / 2).Within(1e-5), $"δ_D[{j}]: per unit of D's amount 2");
        }
        Assert.That(model.SeenAlone, Is.EqualTo(new[] { true, true, false, true }));
        float[] pair = model.MeanShift(new float[] { 1, 1, 0, 0 });
        for (int j = 0; j < D; j++) Assert.That(pair[j], Is.EqualTo(a[j] + b[j]).Within(1e-5), $"A+B on x{j}");
        // The training pair A+B moved only x3 (+5): the additive prediction ignores it (x0 ≈ +2, x3 ≈ 0).
        Assert.That(pair[0], Is.EqualTo(2).Within(0.3));
        Assert.That(pair[3], Is.EqualTo(0).Within(0.3));
        // The predicted mean is the control mean moved by the shift, in original units.
        float[] mean = model.PredictMean(new float[] { 1, 1, 0, 0 });
        for (int j = 0; j < D; j++)
            Assert.That(mean[j], Is.EqualTo(model.VariableStandardizer.Mean[j] + pair[j] * model.VariableStandardizer.Scale[j]).Within(1e-4));
        Assert.That(lines.Single(), Does.Contain("3 of 4 features seen alone").And.Contain("2 perturbed context(s) with several or no active features not used"));
    }

    [Test]
    public void AFeatureNeverSeenAlone_ContributesNothing_OrTheMeanSingleEffect()
    {
        PerturbationDataset train = Screen();
        AdditiveModel plain = new AdditiveTrainer().Fit(train);
        AdditiveModel withMean = new AdditiveTrainer(new AdditiveOptions { Unseen = AdditiveUnseen.SingleMean }).Fit(train);
        var c = new float[] { 0, 0, 1, 0 };
        Assert.That(plain.MeanShift(c), Is.All.EqualTo(0f));
        double[,] effects = plain.Effects;
        float[] mean = withMean.MeanShift(c);
        for (int j = 0; j < D; j++)
            Assert.That(mean[j], Is.EqualTo((effects[0, j] + effects[1, j] + effects[3, j]) / 3).Within(1e-5), $"x{j}");
        // B+C, one single unseen: B's effect plus the mean single effect.
        float[] pair = withMean.MeanShift(new float[] { 0, 1, 1, 0 });
        for (int j = 0; j < D; j++) Assert.That(pair[j], Is.EqualTo(effects[1, j] + mean[j]).Within(1e-5));
    }

    /// <summary>
    /// Two lines, features [A, B, C, line=L1]: line 0 has the control and singles A (+2 on x0) and B (−1.5 on x1); line 1 its
    /// vehicle (+3 on x2), single A at half the effect (+1) and no single B. With the line as covariate each line is additive
    /// on its own: A+B in line 1 is line 1's vehicle plus A's effect there plus B's effect from line 0 (the only line that
    /// measured it alone), exactly, in process and in the exported graph; without it, line 1's contexts have two active
    /// features and are not singles.
    /// </summary>
    [Test]
    public void WithCellLines_EachLineIsAdditiveFromItsOwnVehicle()
    {
        var random = new Random(7);
        PerturbationContext Context(string name, float[] features, double[] shift, int n, bool control = false) => Cells(random, name, features, shift, n, control);
        var train = new PerturbationDataset(new[]
        {
            Context("ctrl|L0", new float[] { 0, 0, 0, 0 }, new double[D], 400, control: true),
            Context("A|L0", new float[] { 1, 0, 0, 0 }, new double[] { 2, 0, 0, 0 }, 80),
            Context("B|L0", new float[] { 0, 1, 0, 0 }, new double[] { 0, -1.5, 0, 0 }, 80),
            Context("ctrl|L1", new float[] { 0, 0, 0, 1 }, new double[] { 0, 0, 3, 0 }, 400),
            Context("A|L1", new float[] { 1, 0, 0, 1 }, new double[] { 1, 0, 3, 0 }, 80),
            Context("B+C|L1", new float[] { 0, 1, 1, 1 }, new double[] { 0, -1.5, 3, 1 }, 80),
        }, new[] { "x0", "x1", "x2", "x3" }, new[] { "A", "B", "C", "line=L1" });
        var lines = new List<string>();
        AdditiveModel model = new AdditiveTrainer(new AdditiveOptions { CovariateFeatures = new[] { "line=L1" } }) { Log = lines.Add }.Fit(train);
        double[] Mean(int c) => MeanShift(model, train.Contexts[c]);
        double[] control = Mean(0), a0 = Mean(1), b0 = Mean(2), vehicle = Mean(3), a1 = Mean(4);
        var pairInLine1 = new float[] { 1, 1, 0, 1 };
        float[] shift = model.MeanShift(pairInLine1);
        for (int j = 0; j < D; j++)
            Assert.That(shift[j], Is.EqualTo(vehicle[j] + (a1[j] - vehicle[j]) + (b0[j] - control[j])).Within(1e-5), $"A+B in line 1, x{j}");
        Assert.That(shift[0], Is.EqualTo(1).Within(0.3), "A's effect in line 1 is its own (+1), not line 0's (+2)");
        Assert.That(shift[2], Is.EqualTo(3).Within(0.3), "line 1's baseline");
        float[] pairInLine0 = model.MeanShift(new float[] { 1, 1, 0, 0 });
        for (int j = 0; j < D; j++) Assert.That(pairInLine0[j], Is.EqualTo(a0[j] + b0[j] - 2 * control[j]).Within(1e-5), $"A+B in line 0, x{j}");
        Assert.That(model.LevelEffects, Has.Count.EqualTo(2));
        Assert.That(lines.Single(), Does.Contain("2 of 3 features seen alone (3 single-perturbation contexts) over 2 covariate levels (1 level × feature effect(s) taken from other levels)"));
        // The cells of a line-1 prediction are line 1's vehicle cells moved by the rest of the shift.
        float[,] cells = model.Sample(pairInLine1, 4000, seed: 3);
        float[] predicted = model.PredictMean(pairInLine1);
        for (int j = 0; j < D; j++)
            Assert.That(Enumerable.Range(0, 4000).Average(i => cells[i, j]), Is.EqualTo(predicted[j]).Within(0.1), $"sampled mean x{j}");

        float[][] queries = { pairInLine1, new float[] { 1, 1, 0, 0 }, new float[] { 0, 0, 0, 1 }, new float[] { 0, 1, 1, 1 } };
        using (var onnx = new OnnxRunner(model.ExportOnnx()))
        {
            var outputs = onnx.Run(("Features", queries));
            for (int r = 0; r < queries.Length; r++)
            {
                float[] s = model.MeanShift(queries[r]), mean = model.PredictMean(queries[r]);
                for (int j = 0; j < D; j++)
                {
                    Assert.That(outputs["Shift"][r, j], Is.EqualTo(s[j]).Within(1e-4), $"query {r}, Shift x{j}");
                    Assert.That(outputs["PredictedMean"][r, j], Is.EqualTo(mean[j]).Within(1e-3), $"query {r}, PredictedMean x{j}");
                }
            }
        }
        lines.Clear();
        new AdditiveTrainer { Log = lines.Add }.Fit(train);
        Assert.That(lines.Single(), Does.Contain("3 of 4 features seen alone (3 single-perturbation contexts)"), "without covariates line 1's vehicle is a single of the line feature and its A a pair");
    }

    [Test]
    public void TheExportedGraph_PredictsWhatTheModelPredicts()
    {
        AdditiveModel model = new AdditiveTrainer().Fit(Screen());
        float[][] queries = { new float[] { 0, 0, 0, 0 }, new float[] { 1, 1, 0, 0 }, new float[] { 0, 1, 1, 0 }, new float[] { 0, 0, 0, 3 } };
        using var onnx = new OnnxRunner(model.ExportOnnx());
        var outputs = onnx.Run(("Features", queries));
        for (int r = 0; r < queries.Length; r++)
        {
            float[] shift = model.MeanShift(queries[r]), mean = model.PredictMean(queries[r]);
            for (int j = 0; j < D; j++)
            {
                Assert.That(outputs["Shift"][r, j], Is.EqualTo(shift[j]).Within(1e-4), $"query {r}, Shift x{j}");
                Assert.That(outputs["PredictedMean"][r, j], Is.EqualTo(mean[j]).Within(1e-3), $"query {r}, PredictedMean x{j}");
            }
        }
    }
}
