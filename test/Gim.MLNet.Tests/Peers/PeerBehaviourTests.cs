using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Peers;

/// <summary>Each peer learns what it should on a small Hill screen.</summary>
public class PeerBehaviourTests
{
    private static PeerFixtures.Fitted F => PeerFixtures.Get();

    [Test]
    public void Control_PredictsTheControlCells_AndNoTargets()
    {
        PerturbationContext drug = F.Screen.PartialOod.Data.Contexts.First(c => !c.IsControl);
        float[,] cells = F.Control.Sample(drug.Features, 50, seed: 3);
        float[,] controls = F.Screen.Train.Data.Controls.Single().Samples;
        Assert.That(Enumerable.Range(0, 50).All(i => ContainsRow(controls, cells, i)), Is.True, "every sample is a control cell");
        Assert.That(F.Control.PredictMean(drug.Features), Is.EqualTo(MeanMetrics.ColumnMeans(controls).Select(v => (float)v)).Within(1e-4));
        Assert.That(F.Control.MeanShift(drug.Features), Has.All.EqualTo(0f).Within(1e-4));
    }

    [Test]
    public void PeersWithoutMechanisms_ReportNoTargets()
    {
        float[] features = F.Screen.PartialOod.Data.Contexts[1].Features;
        foreach (PerturbationModel model in new PerturbationModel[] { F.Control, F.Nearest, F.MeanShift, F.Gaussian })
        {
            Assert.That(model.TargetProbabilities(features), Is.Null, model.GetType().Name);
            Assert.That(model.HasTargets, Is.False, model.GetType().Name);
        }
        Assert.That(F.TwoStage.TargetProbabilities(features), Has.Length.EqualTo(F.TwoStage.VariableCount));
    }

    [Test]
    public void NearestContext_OfATrainingContext_ReturnsThatContextsCells()
    {
        foreach (PerturbationContext context in F.Screen.Train.Data.Contexts.Take(12))
        {
            int nearest = F.Nearest.NearestContext(context.Features);
            Assert.That(F.Nearest.ContextNames[nearest], Is.EqualTo(context.Name));
            float[,] cells = F.Nearest.Sample(context.Features, 20, seed: 1);
            Assert.That(Enumerable.Range(0, 20).All(i => ContainsRow(context.Samples, cells, i)), Is.True, context.Name);
        }
    }

    /// <summary>An unseen dose midway between two trained doses of one drug is at the same distance from both: either may answer.</summary>
    [Test]
    public void NearestContext_OfAnUnseenDose_IsANearestInStandardisedFeatures()
    {
        var train = F.Screen.Train.Data;
        foreach (PerturbationContext query in F.Screen.PartialOod.Data.Contexts.Where(c => !c.IsControl).Take(10))
        {
            float[] z = F.Nearest.FeatureStandardizer.Transform(query.Features);
            var distances = train.Contexts.ToDictionary(c => c.Name, c => SquaredDistance(z, F.Nearest.FeatureStandardizer.Transform(c.Features)));
            double best = distances.Values.Min();
            var nearest = distances.Where(kv => kv.Value <= best + 1e-4 * (1 + best)).Select(kv => kv.Key).ToList();
            Assert.That(nearest, Does.Contain(F.Nearest.ContextNames[F.Nearest.NearestContext(query.Features)]), query.Name);
            Assert.That(nearest[0], Does.StartWith(query.Name.Split('@')[0] + "@"), "the nearest context is a dose of the same drug");
        }
    }

    [Test]
    public void BlackBoxes_BeatControl_OnUnseenDoses()
    {
        double control = PeerFixtures.MeanRmse(F.Control, F.Screen.PartialOod);
        double meanShift = PeerFixtures.MeanRmse(F.MeanShift, F.Screen.PartialOod);
        double gaussian = PeerFixtures.MeanRmse(F.Gaussian, F.Screen.PartialOod);
        TestContext.Out.WriteLine($"partial-OOD mean RMSE: control {control:F3}, mean-shift {meanShift:F3}, conditional-gaussian {gaussian:F3}");
        Assert.That(meanShift, Is.LessThan(0.7 * control));
        Assert.That(gaussian, Is.LessThan(0.7 * control));
    }

    [Test]
    public void ConditionalGaussian_SamplesMatchItsMeanAndSpread()
    {
        float[] features = F.Screen.PartialOod.Data.Contexts[3].Features;
        float[,] cells = F.Gaussian.Sample(features, 4000, seed: 2);
        double[] mean = MeanMetrics.ColumnMeans(cells);
        float[] expected = F.Gaussian.PredictMean(features);
        float[] sd = F.Gaussian.PredictStandardDeviation(features);
        for (int j = 0; j < mean.Length; j++)
        {
            double se = sd[j] * F.Gaussian.VariableStandardizer.Scale[j] / Math.Sqrt(4000);
            Assert.That(mean[j], Is.EqualTo(expected[j]).Within(5 * se), $"variable {j}");
        }
    }

    [Test]
    public void TwoStage_Stage1_RecoversTheTrainingTargets()
    {
        var scores = new List<double>();
        var labels = new List<bool>();
        for (int c = 0; c < F.Screen.Train.Truth.Count; c++)
        {
            if (F.Screen.Train.Truth[c].IsControl) continue;
            ContextIntervention fitted = F.TwoStage.TrainingInterventions[c];
            Assert.That(fitted.Context, Is.EqualTo(F.Screen.Train.Truth[c].Name));
            scores.AddRange(fitted.TargetProbabilities.Select(p => (double)p));
            labels.AddRange(F.Screen.Train.Truth[c].Targets);
        }
        double auroc = ClassificationMetrics.Auroc(scores, labels);
        TestContext.Out.WriteLine($"stage-1 target AUROC on training contexts: {auroc:F3}");
        // Measured 0.91 with 800 steps on this screen (chance is 0.5).
        Assert.That(auroc, Is.GreaterThan(0.85));
    }

    [Test]
    public void TwoStage_BeatsControl_OnUnseenDoses_AndRanksTheirTargets()
    {
        double control = PeerFixtures.MeanRmse(F.Control, F.Screen.PartialOod);
        double twoStage = PeerFixtures.MeanRmse(F.TwoStage, F.Screen.PartialOod);
        var scores = new List<double>();
        var labels = new List<bool>();
        for (int c = 0; c < F.Screen.PartialOod.Truth.Count; c++)
        {
            if (F.Screen.PartialOod.Truth[c].IsControl) continue;
            scores.AddRange(F.TwoStage.TargetProbabilities(F.Screen.PartialOod.Data.Contexts[c].Features)!.Select(p => (double)p));
            labels.AddRange(F.Screen.PartialOod.Truth[c].Targets);
        }
        double auroc = ClassificationMetrics.Auroc(scores, labels);
        TestContext.Out.WriteLine($"partial-OOD: mean RMSE control {control:F3}, two-stage {twoStage:F3}; target AUROC {auroc:F3}");
        Assert.That(twoStage, Is.LessThan(0.8 * control));
        Assert.That(auroc, Is.GreaterThan(0.85));
    }

    [Test]
    public void Options_OutOfRange_AreRejectedByName()
    {
        Assert.That(() => new MeanShiftTrainer(new MeanShiftOptions { Width = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MeanShiftOptions.Width is 0"));
        Assert.That(() => new TwoStageCausalTrainer(new TwoStageCausalOptions { RidgePenalty = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("TwoStageCausalOptions.RidgePenalty is 0"));
        Assert.That(() => new TwoStageCausalTrainer(new TwoStageCausalOptions { ControlTargetWeight = -1 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("TwoStageCausalOptions.ControlTargetWeight is -1"));
    }

    private static bool ContainsRow(float[,] table, float[,] rows, int row)
    {
        int d = table.GetLength(1);
        for (int i = 0; i < table.GetLength(0); i++)
        {
            int j = 0;
            while (j < d && table[i, j] == rows[row, j]) j++;
            if (j == d) return true;
        }
        return false;
    }

    private static double SquaredDistance(float[] a, float[] b) => a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum();
}
