using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Modeling;
using Gim.MLNet.Tests.Support;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Causal.Training;

/// <summary>
/// The calibration refits trained together with the full fit (<see cref="ReplicaStack"/>): stacked tensors compute what
/// each model computes alone, copy back into their own modules, and the full model comes out as if trained alone.
/// </summary>
public class ReplicaStackTests
{
    private const int D = 5, P = 4, Q = 2, C = 3; // variables, features, the dose slot, the covariate slot

    /// <summary>
    /// Replica <paramref name="r"/>: a float64 linear GIM with a hidden layer, ShiftScale heads, a per-drug dose curve and a
    /// covariate shift (each replica its own standardisation of the slots), randomised.
    /// </summary>
    private static (LinearCausalModel Causal, InterventionEncoder Encoder) Replica(int r)
    {
        manual_seed(100 + r);
        var causal = new LinearCausalModel(D, ScalarType.Float64);
        var encoder = new InterventionEncoder(P, D, depth: 1, width: 3, InterventionKind.ShiftScale, initialLogit: -1, ScalarType.Float64, CPU,
            new DoseSlot(Q, Mean: 1.0 + r, Scale: 0.5 + 0.25 * r), initialHalfDose: 2, doseCurveFromFeatures: true,
            covariates: new CovariateSlots(new[] { C }, new[] { 0.2 + 0.1 * r }, new[] { 0.4 + 0.1 * r }));
        using (no_grad())
            foreach (var p in causal.parameters().Concat(encoder.parameters()))
                p.copy_(randn(p.shape, dtype: ScalarType.Float64) * 0.3);
        return (causal, encoder);
    }

    [Test]
    public void StackedEncoders_GiveEachReplicaItsOwnHeads_AndCopyBackWritesEachReplicasSlices()
    {
        using var scope = NewDisposeScope();
        var replicas = Enumerable.Range(0, 3).Select(Replica).ToList();
        using var replicaStack = new ReplicaStack(replicas);
        // Each replica reads the same contexts in its own standardisation, and its own dose slot.
        Tensor features = randn(3, 6, P, dtype: ScalarType.Float64);
        features[.., .., Q] = features[.., .., Q].abs();
        DoseInput[] doses = replicas.Select((m, r) => m.Encoder.Dose!.Input(features[r])).ToArray();
        var dose = new DoseInput(stack(doses.Select(x => x.LogDose).ToArray()), stack(doses.Select(x => x.Dosed).ToArray()));

        InterventionParameters together = InterventionEncoder.Heads(replicaStack.Encoder, features, dose, D, InterventionKind.ShiftScale);
        for (int r = 0; r < 3; r++)
        {
            InterventionParameters alone = replicas[r].Encoder.forward(features[r]);
            foreach (var (name, a, b) in new[] { ("logits", alone.Logits, together.Logits[r]), ("shift", alone.Shift, together.Shift[r]), ("log scale", alone.LogScale!, together.LogScale![r]),
                ("covariate shift", alone.Baseline!, together.Baseline![r]) })
                Assert.That(b.flatten().data<double>().ToArray(), Is.EqualTo(a.flatten().data<double>().ToArray()).Within(1e-12), $"replica {r}: {name}");
        }

        // Move every stacked number, then copy replica 1 back: its modules take the new values, the others keep theirs.
        double before0 = replicas[0].Causal.Bias[0].item<double>();
        using (no_grad())
            foreach (var p in replicaStack.Parameters)
                p.add_(1.0);
        replicaStack.CopyBack(1);
        Assert.That(replicas[1].Causal.Bias[0].item<double>(), Is.EqualTo(replicaStack.Causal.Bias[1, 0].item<double>()));
        Assert.That(replicas[1].Encoder.Skip.weight![2, 1].item<double>(), Is.EqualTo(replicaStack.Encoder.SkipWeight[1, 2, 1].item<double>()));
        Assert.That(replicas[1].Encoder.Dose!.Curve.weight![0, 3].item<double>(), Is.EqualTo(replicaStack.Encoder.CurveWeight![1, 0, 3].item<double>()));
        Assert.That(replicas[1].Encoder.Covariates!.Map.weight![4, 0].item<double>(), Is.EqualTo(replicaStack.Encoder.CovariateWeight![1, 4, 0].item<double>()));
        Assert.That(replicas[0].Causal.Bias[0].item<double>(), Is.EqualTo(before0), "replica 0 was not copied back");
        foreach (var (c, e) in replicas)
        {
            c.Dispose();
            e.Dispose();
        }
    }

    /// <summary>
    /// The refits share the stacked step but not its numbers: the full model must not depend on them. Few steps, so that
    /// the float rounding of batched against single products cannot grow through training. The default setup (shift, no
    /// hidden layer, pooled likelihood) with a dose curve; and noise-scale changes with a hidden layer and per-drug dose
    /// curves (the per-context likelihood and every stacked tensor kind). One thread (<see cref="GimOptions.Threads"/> = 1)
    /// stacks the refits with the full fit, as a one-core machine does; automatic threads on two cores train them on a
    /// second thread instead (<see cref="RefitsOnASecondThread_GiveTheCalibrationOfStackedRefits"/>). With a free phase
    /// (<see cref="GimOptions.FreePhase"/>) each replica has free interventions of its own ([R, K, d]) and its own phase
    /// (the full fit's 20 steps, the refits' 10).
    /// </summary>
    [TestCase(InterventionKind.Shift, 0, false, 0.0)]
    [TestCase(InterventionKind.ShiftScale, 1, true, 0.0)]
    [TestCase(InterventionKind.Shift, 0, false, 0.5)]
    public void FullModel_TrainedWithItsCalibrationRefits_EqualsTheOneTrainedAlone(InterventionKind kind, int depth, bool curveFromFeatures, double freePhase)
    {
        const int threads = 1;
        HillScreen screen = TrainingFixtures.SmallScreen();
        GimOptions Options(int folds) => new()
        {
            Seed = 3, MaxSteps = 40, EvaluateEvery = 10, CalibrationFolds = folds, DoseFeature = "dose",
            Interventions = kind, EncoderDepth = depth, EncoderWidth = 8, DoseCurveFromFeatures = curveFromFeatures, Threads = threads,
            FreePhase = freePhase,
        };
        var lines = new List<string>();
        using GimModel withRefits = new GimTrainer(Options(3)) { Log = lines.Add }.Fit(screen.Train.Data);
        using GimModel alone = new GimTrainer(Options(0)).Fit(screen.Train.Data);

        Assert.That(withRefits.Calibration, Is.Not.Null);
        Assert.That(lines.Count(l => l.Contains("trained with the full model (20 steps)")), Is.EqualTo(3), string.Join("\n", lines));
        // The fitted parameters themselves (predictions of the calibrated model also apply its shrinkage).
        LinearGimParameters a = alone.ExportParameters(), b = withRefits.ExportParameters();
        Assert.That(b.Graph, Is.EqualTo(a.Graph).Within(1e-5));
        Assert.That(b.Bias, Is.EqualTo(a.Bias).Within(1e-5));
        Assert.That(b.LogScale, Is.EqualTo(a.LogScale).Within(1e-5));
        Assert.That(b.SkipWeight, Is.EqualTo(a.SkipWeight).Within(1e-5));
        Assert.That(b.SkipBias, Is.EqualTo(a.SkipBias).Within(1e-5));
        Assert.That(b.HiddenLayers.Count, Is.EqualTo(depth));
        for (int l = 0; l < depth; l++)
        {
            Assert.That(b.HiddenLayers[l].Weight, Is.EqualTo(a.HiddenLayers[l].Weight).Within(1e-5));
            Assert.That(b.HiddenLayers[l].Bias, Is.EqualTo(a.HiddenLayers[l].Bias).Within(1e-5));
        }
        if (depth > 0) Assert.That(b.FromHiddenWeight, Is.EqualTo(a.FromHiddenWeight).Within(1e-5));
        Assert.That(b.DoseResponse!.Weight, Is.EqualTo(a.DoseResponse!.Weight).Within(1e-5));
        Assert.That(b.DoseResponse!.Bias, Is.EqualTo(a.DoseResponse!.Bias).Within(1e-5));
        // Progress reports the full model's own loss, not the sum over the models trained alongside (steps 10 and 20 with them).
        Assert.That(withRefits.History.Select(h => h.Loss), Is.EqualTo(alone.History.Select(h => h.Loss)).Within(1e-4));
    }

    /// <summary>
    /// The refits trained on a second thread (automatic threads, two cores or more) draw the same relaxation noise as when
    /// stacked with the full fit (same seed, same draws), so the calibration is the same up to the float rounding of
    /// batched against single products; a one-core machine stacks both ways and the test then checks nothing new.
    /// Measured here: the largest difference of any calibration number 9e-8, float32 rounding (tolerance 1e-5). With a free
    /// phase the refits sit at positions 0–2 of their own stack on the second thread and 1–3 beside the full fit: each reads
    /// its own free interventions and phase either way.
    /// </summary>
    [TestCase(0.0)]
    [TestCase(0.5)]
    public void RefitsOnASecondThread_GiveTheCalibrationOfStackedRefits(double freePhase)
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        GimOptions Options(int threads) => new() { Seed = 5, MaxSteps = 60, EvaluateEvery = 20, DoseFeature = "dose", Threads = threads, FreePhase = freePhase };
        var lines = new List<string>();
        using GimModel beside = new GimTrainer(Options(0)) { Log = lines.Add }.Fit(screen.Train.Data);
        using GimModel stacked = new GimTrainer(Options(1)).Fit(screen.Train.Data);
        if (Environment.ProcessorCount >= 2)
            Assert.That(lines, Has.Some.Contains("calibration refits of 30 steps on a second thread"), string.Join("\n", lines));
        NoveltyCalibration a = stacked.Calibration!, b = beside.Calibration!;
        Assert.That(b.FarShrinkage, Is.EqualTo(a.FarShrinkage).Within(1e-5));
        Assert.That(b.LengthScale, Is.EqualTo(a.LengthScale).Within(1e-5 * a.LengthScale));
        Assert.That(b.MeanSdNear, Is.EqualTo(a.MeanSdNear).Within(1e-5));
        Assert.That(b.MeanSdFar, Is.EqualTo(a.MeanSdFar).Within(1e-5));
        Assert.That(b.ShiftSdFar, Is.EqualTo(a.ShiftSdFar).Within(1e-5));
        // The calibration is not trivially equal: the refits moved their numbers away from zero.
        Assert.That(a.MeanSdFar.Max(), Is.GreaterThan(1e-3));
        LinearGimParameters pa = stacked.ExportParameters(), pb = beside.ExportParameters();
        Assert.That(pb.Graph, Is.EqualTo(pa.Graph).Within(1e-5));
        Assert.That(pb.SkipWeight, Is.EqualTo(pa.SkipWeight).Within(1e-5));
    }

    [Test]
    public void EachRefit_ReadsEveryContext_InItsOwnStandardisation_WithZeroWeightWhereItHoldsOut()
    {
        using var scope = NewDisposeScope();
        HillScreen screen = TrainingFixtures.SmallScreen();
        PerturbationDataset train = screen.Train.Data;
        // A refit without the first six perturbed contexts (controls always in).
        var held = train.Contexts.Where(c => !c.IsControl).Take(6).ToHashSet();
        var fold = new PerturbationDataset(train.Contexts.Where(c => !held.Contains(c)).ToList(), train.VariableNames, train.FeatureNames);
        Standardizer variables = Standardizer.FitRows(train.Controls.Select(c => c.Samples), train.VariableCount);
        Standardizer mainFeatures = Standardizer.FitVectors(train.Contexts.Select(c => c.Features), train.FeatureCount);
        Standardizer foldFeatures = Standardizer.FitVectors(fold.Contexts.Select(c => c.Features), train.FeatureCount);
        int q = train.FeatureNames.ToList().IndexOf("dose");
        InterventionEncoder Encoder(Standardizer f) => new(train.FeatureCount, train.VariableCount, 0, 8, InterventionKind.Shift, -2, ScalarType.Float32, CPU,
            new DoseSlot(q, f.Mean[q], f.Scale[q]), initialHalfDose: 1, doseCurveFromFeatures: false);
        using var tensors = ContextTensors.Create(train, variables, mainFeatures, ContextWeighting.Equal, keepCells: false, ScalarType.Float32, CPU);
        using InterventionEncoder main = Encoder(mainFeatures), refit = Encoder(foldFeatures);
        using var data = StepData.Create(tensors, new[] { (train, mainFeatures), (fold, foldFeatures) }, new[] { main, refit }, train,
            ContextWeighting.Equal, ScalarType.Float32, CPU);

        float[] weights = data.Weights[1].data<float>().ToArray();
        float[] mainWeights = data.Weights[0].data<float>().ToArray();
        for (int k = 0; k < train.Contexts.Count; k++)
        {
            PerturbationContext c = train.Contexts[k];
            Assert.That(weights[k], Is.EqualTo(held.Contains(c) ? 0f : 1f / fold.Contexts.Count).Within(1e-7), c.Name);
            Assert.That(mainWeights[k], Is.EqualTo(1f / train.Contexts.Count).Within(1e-7), c.Name);
            Assert.That(data.Features[1, k].data<float>().ToArray(), Is.EqualTo(foldFeatures.Transform(c.Features)).Within(1e-6), $"{c.Name}: the refit's standardisation");
            Assert.That(data.Features[0, k].data<float>().ToArray(), Is.EqualTo(mainFeatures.Transform(c.Features)).Within(1e-6), $"{c.Name}: the main fit's");
            // Both read the same dose, each from its own standardised slot: log c for a dosed context, [c > floor] = 1.
            if (!c.IsControl)
                for (int r = 0; r < 2; r++)
                {
                    Assert.That(data.Dose!.LogDose[r, k, 0].item<float>(), Is.EqualTo(MathF.Log(c.Features[q])).Within(1e-4), $"{c.Name}, replica {r}");
                    Assert.That(data.Dose.Dosed[r, k, 0].item<float>(), Is.EqualTo(1f), $"{c.Name}, replica {r}");
                }
        }
        // Both pooled covariances are their own weighted sums of the same context covariances.
        using Tensor expected = LinearCausalModel.PooledCovariance(data.Weights[1], tensors.Covariances!);
        Assert.That(data.PooledCovariance![1].flatten().data<float>().ToArray(), Is.EqualTo(expected.flatten().data<float>().ToArray()).Within(1e-6));
    }
}
