using Gim.MLNet.Data;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Peers;

/// <summary>The field's simple baselines: TrainingMean (the "perturbed mean") and LinearFeatures (ridge on the features).</summary>
public class ShiftBaselineTests
{
    private static PeerFixtures.Fitted F => PeerFixtures.Get();

    [Test]
    public void TrainingMean_IsTheMeanShiftOfTheTrainingPerturbations_ForAnyFeatures()
    {
        PerturbationDataset train = F.Screen.Train.Data;
        var perturbed = train.Perturbed.ToList();
        int d = train.VariableCount;
        var expected = new double[d];
        foreach (PerturbationContext c in perturbed)
        {
            double[] mean = MeanMetrics.ColumnMeans(F.TrainingMean.VariableStandardizer.Transform(c.Samples));
            for (int j = 0; j < d; j++) expected[j] += mean[j] / perturbed.Count;
        }
        foreach (PerturbationContext query in F.Screen.FullOod.Data.Contexts.Take(5).Append(train.Contexts[0]))
            Assert.That(F.TrainingMean.MeanShift(query.Features), Is.EqualTo(expected.Select(v => (float)v)).Within(1e-5), query.Name);
        // The training perturbations of the Hill screen move cells: the baseline is not the control.
        Assert.That(expected.Select(Math.Abs).Max(), Is.GreaterThan(0.1));
    }

    [Test]
    public void TrainingMean_SamplesAreControlCellsMovedByTheShift()
    {
        float[] features = F.Screen.FullOod.Data.Contexts[2].Features;
        float[,] moved = F.TrainingMean.Sample(features, 40, seed: 4);
        float[,] controls = F.Control.Sample(features, 40, seed: 4); // the same resampling rule and seed
        float[] shift = F.TrainingMean.MeanShift(features);
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < shift.Length; j++)
                Assert.That(moved[i, j], Is.EqualTo(controls[i, j] + shift[j] * F.TrainingMean.VariableStandardizer.Scale[j]).Within(1e-4));
    }

    /// <summary>
    /// When the features determine the shift linearly, ridge recovers it and a small penalty wins the cross-validation.
    /// Each training context's mean carries noise of 0.5/√60 ≈ 0.065 (0.13 control SDs), which the map inherits:
    /// on the 16 new contexts the RMSE of the shift of variable 0 was 0.056 control SDs, against 4.4 for
    /// TrainingMean; the bound 0.25 leaves room for that noise while a wrong map (or λ = 10⁴) is far above it.
    /// </summary>
    [Test]
    public void LinearFeatures_RecoversALinearEffect_WithASmallPenalty()
    {
        var (train, test) = LinearScreen(informative: true);
        LinearFeaturesModel model = new LinearFeaturesTrainer(new LinearFeaturesOptions { Seed = 1 }).Fit(train);
        TrainingMeanModel mean = new TrainingMeanTrainer().Fit(train);
        TestContext.Out.WriteLine($"λ = {model.Penalty}; held-out errors: {string.Join(", ", model.HeldOutErrors.Select(e => $"{e.Key}: {e.Value:G3}"))}");
        Assert.That(model.Penalty, Is.LessThanOrEqualTo(1));
        double linear = 0, baseline = 0;
        foreach (PerturbationContext c in test.Contexts)
        {
            // The true shift in the model's units: from the training control's mean, in its standard deviations.
            double truth = (2 * c.Features[0] - c.Features[1] - model.VariableStandardizer.Mean[0]) / model.VariableStandardizer.Scale[0];
            linear += Math.Pow(model.MeanShift(c.Features)[0] - truth, 2) / test.Contexts.Count;
            baseline += Math.Pow(mean.MeanShift(c.Features)[0] - truth, 2) / test.Contexts.Count;
        }
        TestContext.Out.WriteLine($"RMSE of the shift on new contexts: LinearFeatures {Math.Sqrt(linear):F3}, TrainingMean {Math.Sqrt(baseline):F3}");
        Assert.That(Math.Sqrt(linear), Is.LessThan(0.25));
        Assert.That(Math.Sqrt(baseline), Is.GreaterThan(2));
    }

    /// <summary>
    /// When the features say nothing (pure noise), cross-validation picks the largest penalty and the prediction is
    /// close to the training mean: every new context within 0.15 control SDs of TrainingMean's answer (measured 0.05).
    /// </summary>
    [Test]
    public void LinearFeatures_WithUninformativeFeatures_FallsBackToTheTrainingMean()
    {
        var (train, test) = LinearScreen(informative: false);
        LinearFeaturesModel linear = new LinearFeaturesTrainer(new LinearFeaturesOptions { Seed = 1 }).Fit(train);
        TrainingMeanModel mean = new TrainingMeanTrainer().Fit(train);
        TestContext.Out.WriteLine($"λ = {linear.Penalty}; held-out errors: {string.Join(", ", linear.HeldOutErrors.Select(e => $"{e.Key}: {e.Value:G3}"))}");
        Assert.That(linear.Penalty, Is.GreaterThanOrEqualTo(1000));
        foreach (PerturbationContext c in test.Contexts)
            Assert.That(linear.MeanShift(c.Features), Is.EqualTo(mean.MeanShift(c.Features)).Within(0.15), c.Name);
    }

    [Test]
    public void LinearFeatures_HoldsOutWholeGroups_WhenChoosingItsPenalty()
    {
        // Two doses per group with identical features but for the dose: leave-context-out would see the sibling dose.
        var (train, _) = LinearScreen(informative: true);
        LinearFeaturesModel model = new LinearFeaturesTrainer(new LinearFeaturesOptions { Seed = 1, Folds = 3 }).Fit(train);
        Assert.That(model.HeldOutErrors.Keys, Is.EquivalentTo(new LinearFeaturesOptions().Penalties));
        Assert.That(() => new LinearFeaturesTrainer(new LinearFeaturesOptions { Penalties = new[] { 1.0, -2 } }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("LinearFeaturesOptions.Penalties"));
        Assert.That(() => new LinearFeaturesTrainer(new LinearFeaturesOptions { Folds = 1 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("LinearFeaturesOptions.Folds"));

        // The trainer keeps a copy of the penalty list: changing the caller's list after validation changes nothing.
        var penalties = new List<double> { 1, 10 };
        var options = new LinearFeaturesOptions { Penalties = penalties, Seed = 1, Folds = 3 };
        var trainer = new LinearFeaturesTrainer(options);
        penalties[0] = -5;
        Assert.That(trainer.Fit(train).HeldOutErrors.Keys, Is.EquivalentTo(new[] { 1.0, 10.0 }));
        Assert.That(options.Clone().Penalties, Is.Not.SameAs(options.Penalties));
    }

    /// <summary>
    /// Each drug's features are its identity (one-hot) and the dose, and its effect is unrelated to anything else: a
    /// held-out drug is unpredictable, but a held-out dose is predicted almost exactly from its sibling dose's identity
    /// weights. Choosing λ by held-out drugs must see the first (error near the variance of the effects); by held-out
    /// contexts it would see the second. Measured with one fold per drug or per context: best held-out error 13.5
    /// (control-SD² units) by drug, 0.039 by context (each context its own group). The bound, 2, sits far from both.
    /// </summary>
    [Test]
    public void LinearFeatures_ChoosesItsPenaltyOnHeldOutDrugs_NotOnSiblingDoses()
    {
        var rng = new Random(11);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        const int drugs = 20;
        float[,] Cells(double shift)
        {
            var cells = new float[60, 1];
            for (int i = 0; i < 60; i++) cells[i, 0] = (float)(shift + 0.5 * Normal());
            return cells;
        }
        var byDrug = new List<PerturbationContext> { new("control", new float[drugs + 1], Cells(0), isControl: true) };
        for (int g = 0; g < drugs; g++)
        {
            double effect = 2 * Normal();
            foreach (float dose in new[] { 1f, 2f })
            {
                var features = new float[drugs + 1];
                features[g] = 1;
                features[drugs] = dose;
                byDrug.Add(new PerturbationContext($"d{g}@{dose}", features, Cells(effect), group: $"d{g}"));
            }
        }
        string[] featureNames = Enumerable.Range(0, drugs).Select(g => $"is_d{g}").Append("dose").ToArray();
        var grouped = new PerturbationDataset(byDrug, new[] { "x" }, featureNames);
        var ungrouped = new PerturbationDataset(byDrug.Select(c => new PerturbationContext(c.Name, c.Features, c.Samples, c.IsControl)).ToList(), new[] { "x" }, featureNames);
        var options = new LinearFeaturesOptions { Seed = 2, Folds = 40 }; // one context (or, capped at 20, one drug) per fold
        double drugError = new LinearFeaturesTrainer(options).Fit(grouped).HeldOutErrors.Values.Min();
        double contextError = new LinearFeaturesTrainer(options).Fit(ungrouped).HeldOutErrors.Values.Min();
        TestContext.Out.WriteLine($"best held-out error: by drug {drugError:F3}, by context {contextError:F3}");
        Assert.That(contextError, Is.LessThan(2), "the contrast: with sibling doses in training the error is small");
        Assert.That(drugError, Is.GreaterThan(2), "held-out drugs must not see their sibling doses");
    }

    /// <summary>
    /// Two variables; perturbation g has features (f₁, f₂, dose) and shifts variable 0 by 2·f₁ − f₂ (informative) or by a
    /// random amount unrelated to its features (uninformative); 24 training groups at 2 doses each, 8 new ones.
    /// </summary>
    private static (PerturbationDataset Train, PerturbationDataset Test) LinearScreen(bool informative)
    {
        var rng = new Random(5);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        float[,] Cells(double shift)
        {
            var cells = new float[60, 2];
            for (int i = 0; i < 60; i++)
            {
                cells[i, 0] = (float)(shift + 0.5 * Normal());
                cells[i, 1] = (float)(0.5 * Normal());
            }
            return cells;
        }
        var train = new List<PerturbationContext> { new("control", new float[3], Cells(0), isControl: true) };
        var test = new List<PerturbationContext>();
        for (int g = 0; g < 32; g++)
        {
            float f1 = (float)Normal(), f2 = (float)Normal();
            double unrelated = 2 * Normal();
            foreach (float dose in new[] { 1f, 2f })
            {
                double shift = informative ? 2 * f1 - f2 : unrelated;
                var context = new PerturbationContext($"g{g}@{dose}", new[] { f1, f2, dose }, Cells(shift), group: $"g{g}");
                (g < 24 ? train : test).Add(context);
            }
        }
        string[] variables = { "x0", "x1" }, features = { "f1", "f2", "dose" };
        return (new PerturbationDataset(train, variables, features), new PerturbationDataset(test, variables, features));
    }
}
