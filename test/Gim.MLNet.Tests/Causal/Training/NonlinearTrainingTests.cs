using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;
using TorchSharp;

namespace Gim.MLNet.Tests.Causal.Training;

/// <summary>Training, prediction and parameter round trips of a GIM with the nonlinear causal model.</summary>
public class NonlinearTrainingTests
{
    private GimModel _model = null!;

    [OneTimeSetUp]
    public void Train() => _model = NonlinearTestModels.Train();

    [OneTimeTearDown]
    public void Dispose() => _model.Dispose();

    [Test]
    public void Training_ImprovesTheLikelihood_AndMarksTheTrueTargets()
    {
        var data = TinyLinearScm.Dataset(cellsPerContext: 100, seed: 2);
        using GimModel untrained = NonlinearTestModels.Train(steps: 1);
        double before = untrained.MeanLogLikelihood(data), after = _model.MeanLogLikelihood(data);
        TestContext.Out.WriteLine($"held-out log-likelihood per cell: {before:F3} untrained → {after:F3} after 300 steps");
        Assert.That(after, Is.GreaterThan(before + 0.5));
        for (int r = 1; r <= 4; r++)
        {
            var explanation = _model.Explain(TinyLinearScm.Features($"r{r}", 2));
            TestContext.Out.WriteLine($"r{r}: π = [{string.Join(", ", explanation.TargetProbabilities.Select(p => p.ToString("F2")))}]");
            // After 300 steps the downstream variable of a chain is often also marked (the edge is still weak),
            // so the check is that the true target is among the MAP targets, not that it is the only one.
            Assert.That(explanation.TargetProbabilities[r], Is.GreaterThan(0.5), $"reagent r{r} targets g{r}");
        }
    }

    [Test]
    public void Training_IsReproducibleForAFixedSeed()
    {
        // Same seed, same draws, same steps. Run alone, two fits give identical bits; after other tests have run
        // large predictions in the process, they differed by up to ~2e-4 in single weights: float32 GEMM/LU
        // kernels whose summation order depends on buffer alignment and thread-pool state, amplified by Adam on
        // weights whose gradient hovers around zero (group-L1 near 0). So the check is on that scale.
        using GimModel first = NonlinearTestModels.Train();
        using GimModel again = NonlinearTestModels.Train();
        float[,] a = first.ExportNonlinearParameters().FirstWeight, b = again.ExportNonlinearParameters().FirstWeight;
        double worst = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                worst = Math.Max(worst, Math.Abs(a[i, j] - b[i, j]));
        float[] features = TinyLinearScm.Features("r2", 1);
        float[] meanA = first.PredictMean(features), meanB = again.PredictMean(features);
        double worstMean = meanA.Zip(meanB, (x, y) => Math.Abs(x - y) / Math.Max(Math.Abs(x), 1)).Max();
        TestContext.Out.WriteLine($"two fits: worst |Δ weight| {worst:E2}, worst relative Δ mean {worstMean:E2}");
        Assert.That(worst, Is.LessThan(1e-3));
        Assert.That(worstMean, Is.LessThan(1e-3));
    }

    /// <summary>
    /// The nonlinear model's calibration refits cannot be stacked; on two cores (automatic threads) they fit one after
    /// another on a second thread while the full model trains, instead of after it. Each is the same fit of its own either
    /// way (its seed, its draws), so the calibration is that of the sequential refits. Measured here: identical bits
    /// (tolerance 1e-4, for the kernel-order differences <see cref="Training_IsReproducibleForAFixedSeed"/> describes).
    /// </summary>
    [Test]
    public void CalibrationRefits_OnASecondThread_GiveTheCalibrationOfRefitsAfterTheFit()
    {
        GimOptions Options(int threads)
        {
            GimOptions options = NonlinearTestModels.Options(steps: 60);
            options.CalibrationFolds = 3;
            options.Threads = threads;
            return options;
        }
        var lines = new List<string>();
        using GimModel beside = new GimTrainer(Options(0)) { Log = lines.Add }.Fit(TinyLinearScm.Dataset());
        using GimModel after = new GimTrainer(Options(1)).Fit(TinyLinearScm.Dataset());
        if (Environment.ProcessorCount >= 2)
            Assert.That(lines, Has.Some.Contains("calibration refits of 30 steps on a second thread"), string.Join("\n", lines));
        NoveltyCalibration a = after.Calibration!, b = beside.Calibration!;
        TestContext.Out.WriteLine($"far shrinkage {a.FarShrinkage} vs {b.FarShrinkage}; worst |Δ mean sd far| {a.MeanSdFar.Zip(b.MeanSdFar).Max(x => Math.Abs(x.First - x.Second)):E2}");
        Assert.That(b.FarShrinkage, Is.EqualTo(a.FarShrinkage).Within(1e-4));
        Assert.That(b.MeanSdNear, Is.EqualTo(a.MeanSdNear).Within(1e-4));
        Assert.That(b.MeanSdFar, Is.EqualTo(a.MeanSdFar).Within(1e-4));
        Assert.That(b.ShiftSdFar, Is.EqualTo(a.ShiftSdFar).Within(1e-4));
        Assert.That(a.MeanSdFar.Max(), Is.GreaterThan(1e-3), "the refits measured something");
        Assert.That(beside.PredictMean(TinyLinearScm.Features("r2", 1)), Is.EqualTo(after.PredictMean(TinyLinearScm.Features("r2", 1))).Within(1e-4));
    }

    [Test]
    public void Graph_IsTheEdgeBoundReadout_WithZeroDiagonal_AndFindsTheChain()
    {
        double[,] graph = _model.Graph();
        for (int i = 0; i < TinyLinearScm.Variables; i++) Assert.That(graph[i, i], Is.EqualTo(0));
        // True edges 0→1, 1→2, 3→4 (or their reverses: direction is not identifiable from few perturbations).
        double Edge(int a, int b) => Math.Max(graph[a, b], graph[b, a]);
        double weakestTrue = new[] { Edge(0, 1), Edge(1, 2), Edge(3, 4) }.Min();
        double strongestFalse = new[] { Edge(0, 3), Edge(0, 4), Edge(1, 3), Edge(1, 4), Edge(2, 3), Edge(2, 4) }.Max();
        TestContext.Out.WriteLine($"weakest true edge {weakestTrue:F3}, strongest absent edge {strongestFalse:F3}");
        Assert.That(weakestTrue, Is.GreaterThan(strongestFalse));
    }

    [Test]
    public void PredictMean_IsDeterministic_AndSampleMeansAgreeWithIt()
    {
        float[] features = TinyLinearScm.Features("r1", 2);
        float[] mean = _model.PredictMean(features);
        Assert.That(_model.PredictMean(features), Is.EqualTo(mean));
        float[,] samples = _model.Sample(features, 8000, seed: 4);
        for (int j = 0; j < mean.Length; j++)
        {
            double m = 0, s = 0;
            for (int i = 0; i < 8000; i++) m += samples[i, j] / 8000.0;
            for (int i = 0; i < 8000; i++) s += (samples[i, j] - m) * (samples[i, j] - m) / 7999.0;
            double se = Math.Sqrt(s / 8000 + s / _model.Options.Nonlinear.MeanSamples);
            Assert.That(Math.Abs(m - mean[j]) / se, Is.LessThan(5), $"variable {j}");
        }
    }

    [Test]
    public void Parameters_RoundTrip_ToAnIdenticalModel()
    {
        NonlinearGimParameters p = _model.ExportNonlinearParameters();
        using GimModel copy = GimModel.FromParameters(p);
        Assert.That(copy.Options.CausalModel, Is.EqualTo(CausalModelKind.Nonlinear));
        float[] features = TinyLinearScm.Features("r3", 1.5f);
        Assert.That(copy.PredictMean(features), Is.EqualTo(_model.PredictMean(features)));
        Assert.That(copy.Sample(features, 20, seed: 2), Is.EqualTo(_model.Sample(features, 20, seed: 2)));
        Assert.That(copy.Graph(), Is.EqualTo(_model.Graph()));
        Assert.That(() => _model.ExportParameters(), Throws.TypeOf<NotSupportedException>());
    }

    [Test]
    public void CellBatchSize_DefaultsToTheNonlinearOption_AndOptionsAreValidated()
    {
        Assert.That(new GimOptions().Nonlinear.CellBatchSize, Is.GreaterThan(0));
        var options = NonlinearTestModels.Options();
        options.Nonlinear.ContractionFactor = 1.0;
        Assert.That(() => new GimTrainer(options), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("ContractionFactor"));
        var original = NonlinearTestModels.Options();
        var copy = original.Clone();
        copy.Nonlinear.HiddenWidth = 99;
        Assert.That(original.Nonlinear.HiddenWidth, Is.EqualTo(4), "Clone copies the nonlinear settings");
    }

    [Test]
    public void TheLinearTerm_IsLearned_AndTravelsWithTheParameters()
    {
        NonlinearGimParameters p = _model.ExportNonlinearParameters();
        Assert.That(p.LinearWeight, Is.Not.Null);
        float strongest = p.LinearWeight!.Cast<float>().Max(Math.Abs);
        TestContext.Out.WriteLine($"largest |L_ji| after 300 steps: {strongest:F3}");
        // TinyLinearScm is linear (x1 = 0.8 x0 + …): the linear term must carry real weight.
        Assert.That(strongest, Is.GreaterThan(0.1));
        using GimModel again = GimModel.FromParameters(p);
        float[] features = TinyLinearScm.Features("r2", 2);
        Assert.That(again.PredictMean(features), Is.EqualTo(_model.PredictMean(features)).Within(1e-5));
    }

    [Test]
    public void WithoutTheLinearTerm_ItStaysZero_AndTheParametersHaveNone()
    {
        GimOptions options = NonlinearTestModels.Options(steps: 30);
        options.Nonlinear.LinearTerm = false;
        using GimModel model = new GimTrainer(options).Fit(TinyLinearScm.Dataset());
        NonlinearGimParameters p = model.ExportNonlinearParameters();
        Assert.That(p.LinearWeight, Is.Null);
        Assert.That(((NonlinearCausalModel)model.CausalModel).Mechanisms.RawLinear.abs().max().ToDouble(), Is.EqualTo(0));
        using GimModel again = GimModel.FromParameters(p);
        Assert.That(((NonlinearCausalModel)again.CausalModel).Mechanisms.HasLinearTerm, Is.False);
    }
}
