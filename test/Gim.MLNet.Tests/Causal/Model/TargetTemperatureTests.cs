using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Causal.Model;

/// <summary>
/// The calibration's target temperature (<see cref="GimOptions.CalibrateTargets"/>, <see cref="NoveltyCalibration.TargetTemperature"/>):
/// an unfamiliar perturbation's target logits are tempered toward 0 by τ(γ) = τ_far + (1 − τ_far)·w(γ), leaving the MAP
/// targets and so every MAP prediction as they were; the same in process, in the parameter format and in the ONNX graph;
/// and the refits choose τ_far so that new drugs' probabilities fit their true targets better where descriptors say little.
/// </summary>
public class TargetTemperatureTests
{
    private HillScreen _screen = null!;
    private GimModel _fitted = null!, _tempered = null!, _untempered = null!;

    /// <summary>A calibrated fit on a small Hill screen (descriptors its own drugs'), and its parameters with τ_far = 0.3 and with τ_far = 1 set by hand.</summary>
    [OneTimeSetUp]
    public void Fit()
    {
        _screen = NoveltyCalibrationTests.Screen(uninformative: 0, seed: 3);
        _fitted = new GimTrainer(NoveltyCalibrationTests.Options()).Fit(_screen.Train.Data);
        LinearGimParameters p = _fitted.ExportParameters();
        _tempered = GimModel.FromParameters((LinearGimParameters)GimParameterFormat.WithCalibration(p, p.Calibration!.With(targetTemperature: 0.3)));
        _untempered = GimModel.FromParameters((LinearGimParameters)GimParameterFormat.WithCalibration(p, p.Calibration!.With(targetTemperature: 1)));
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _fitted?.Dispose();
        _tempered?.Dispose();
        _untempered?.Dispose();
    }

    /// <summary>Training, unseen-dose, new-drug and far-away feature rows.</summary>
    private float[][] Rows() => _screen.Train.Data.Contexts.Where(c => !c.IsControl).Take(6)
        .Concat(_screen.PartialOod.Data.Contexts.Where(c => !c.IsControl).Take(6))
        .Concat(_screen.FullOod.Data.Contexts.Where(c => !c.IsControl).Take(10))
        .Select(c => c.Features)
        .Concat(_screen.FullOod.Data.Contexts.Where(c => !c.IsControl).Take(3).Select(c => c.Features.Select(v => v * 20).ToArray()))
        .ToArray();

    private static double Logit(float p) => Math.Log(p / (1.0 - p));

    /// <summary>
    /// logit π = τ(w)·(the untempered logit), τ(w) = 0.3 + 0.7·w, in float32 to a relative 1e-4; the MAP targets, the
    /// predicted means and the shifts are the untempered model's; at a training perturbation nothing changes at all.
    /// </summary>
    [Test]
    public void TheLogits_AreScaledByTau_AndMapPredictionsDoNotChange()
    {
        NoveltyCalibration c = _tempered.Calibration!;
        double nearest = 1;
        int compared = 0;
        foreach (float[] x in Rows())
        {
            InterventionExplanation tempered = _tempered.Explain(x), plain = _untempered.Explain(x);
            double w = tempered.Familiarity!.Value, tau = c.TargetScale(w);
            nearest = Math.Min(nearest, w);
            for (int j = 0; j < tempered.TargetProbabilities.Length; j++)
            {
                double untempered = Logit(plain.TargetProbabilities[j]), expected = tau * untempered;
                if (Math.Abs(untempered) > 10) continue; // π near float32 rounding of 0 or 1: its logit is not resolved
                Assert.That(Logit(tempered.TargetProbabilities[j]), Is.EqualTo(expected).Within(1e-3 + 1e-3 * Math.Abs(expected)), $"w = {w:F3}, variable {j}");
                compared++;
            }
            Assert.That(tempered.MapTargets, Is.EqualTo(plain.MapTargets), "the MAP targets stay");
            Assert.That(tempered.Shift, Is.EqualTo(plain.Shift));
            Assert.That(_tempered.PredictMean(x), Is.EqualTo(_untempered.PredictMean(x)), "so does the MAP mean");
            if (w == 1) Assert.That(tempered.TargetProbabilities, Is.EqualTo(plain.TargetProbabilities), "at a training perturbation nothing changes");
        }
        Assert.That(nearest, Is.LessThan(1e-3), "the rows reach far from the training data");
        Assert.That(compared, Is.GreaterThan(100));
    }

    /// <summary>The temperature travels through the parameter format (byte for byte) and the ONNX graph (to float32 rounding).</summary>
    [Test]
    public void TheTemperature_TravelsThroughTheParameterFormat_AndTheOnnxGraph()
    {
        byte[] bytes = GimParameterFormat.Write(_tempered.ExportParameters());
        Assert.That(BitConverter.ToDouble(bytes, bytes.Length - 8), Is.EqualTo(0.3), "τ_far comes last");
        GimParameters back = GimParameterFormat.Read(bytes, "test");
        Assert.That(back.Calibration!.TargetTemperature, Is.EqualTo(0.3));
        Assert.That(GimParameterFormat.Write(back), Is.EqualTo(bytes));
        using GimModel reloaded = GimModel.FromParameters((LinearGimParameters)back);
        float[][] rows = Rows();
        foreach (float[] x in rows) Assert.That(reloaded.Explain(x).TargetProbabilities, Is.EqualTo(_tempered.Explain(x).TargetProbabilities));

        using var onnx = new OnnxRunner(_tempered.ExportOnnx(new GimOnnxExportOptions()));
        Dictionary<string, float[,]> outputs = onnx.Run(("Features", rows));
        using var plain = new OnnxRunner(_untempered.ExportOnnx(new GimOnnxExportOptions()));
        Dictionary<string, float[,]> before = plain.Run(("Features", rows));
        double worstProbability = 0, worstMean = 0, moved = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            InterventionExplanation e = _tempered.Explain(rows[r]);
            float[] mean = _tempered.PredictMean(rows[r]);
            for (int j = 0; j < mean.Length; j++)
            {
                worstProbability = Math.Max(worstProbability, Math.Abs(outputs["TargetProbabilities"][r, j] - e.TargetProbabilities[j]));
                worstMean = Math.Max(worstMean, Math.Abs(outputs["PredictedMean"][r, j] - mean[j]) / (1 + Math.Abs(mean[j])));
                moved = Math.Max(moved, Math.Abs(outputs["TargetProbabilities"][r, j] - before["TargetProbabilities"][r, j]));
                Assert.That(outputs["PredictedMean"][r, j], Is.EqualTo(before["PredictedMean"][r, j]).Within(1e-5 * (1 + Math.Abs(mean[j]))), "the MAP graph's means stay");
            }
        }
        TestContext.Out.WriteLine($"worst differences: probability {worstProbability:E2}, relative mean {worstMean:E2}; largest move of a probability {moved:F3}");
        Assert.That(worstProbability, Is.LessThan(1e-5));
        Assert.That(worstMean, Is.LessThan(1e-4));
        Assert.That(moved, Is.GreaterThan(0.05), "the graph tempers the far rows' probabilities");

        // Marginal predictions are what the tempering changes: the mixture mean at t = π, in process and in the graph.
        using var marginal = new OnnxRunner(_tempered.ExportOnnx(new GimOnnxExportOptions { Mode = PredictionMode.Marginal }));
        float[,] marginalMeans = marginal.Run(("Features", rows))["PredictedMean"];
        double worstMarginal = 0, marginalMoved = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            float[] mean = _tempered.PredictMean(rows[r], PredictionMode.Marginal), plainMean = _untempered.PredictMean(rows[r], PredictionMode.Marginal);
            for (int j = 0; j < mean.Length; j++)
            {
                worstMarginal = Math.Max(worstMarginal, Math.Abs(marginalMeans[r, j] - mean[j]) / (1 + Math.Abs(mean[j])));
                marginalMoved = Math.Max(marginalMoved, Math.Abs(mean[j] - plainMean[j]));
            }
        }
        TestContext.Out.WriteLine($"Marginal means: worst relative difference {worstMarginal:E2}; largest move {marginalMoved:F3}");
        Assert.That(worstMarginal, Is.LessThan(1e-4));
        Assert.That(marginalMoved, Is.GreaterThan(1e-3), "the Marginal mean moves with the probabilities");
    }

    /// <summary>A temperature outside [0.05, 1] is refused with a message naming it (below, float32 could round a barely positive tempered logit's σ to ½ and drop a MAP target).</summary>
    [TestCase(0.0)]
    [TestCase(0.01)]
    [TestCase(1.5)]
    [TestCase(double.NaN)]
    public void ADamagedTemperature_IsRefusedClearly(double temperature)
    {
        byte[] bytes = GimParameterFormat.Write(_tempered.ExportParameters());
        BitConverter.GetBytes(temperature).CopyTo(bytes, bytes.Length - 8);
        Assert.That(() => GimParameterFormat.Read(bytes, "model.zip"), Throws.InstanceOf<InvalidDataException>()
            .With.Message.EqualTo($"model.zip: calibration target temperature {temperature} must lie in [0.05, 1]."));
        Assert.That(() => GimModel.FromParameters((LinearGimParameters)GimParameterFormat.WithCalibration(_fitted.ExportParameters(),
            _fitted.Calibration!.With(targetTemperature: temperature))), Throws.ArgumentException.With.Message.Contains("target temperature"));
    }

    /// <summary>
    /// Where every drug carries another drug's descriptors, a new drug's target logits say little: the refits temper them
    /// (τ_far &lt; 1), and the new drugs' true targets are likelier under the tempered probabilities than under the heads'
    /// own (Bernoulli log-likelihood over every new drug × variable; the fixture, whose drugs carry their own descriptors,
    /// likewise); without the option τ_far is 1.
    /// </summary>
    [Test]
    public void WhereDescriptorsSayNothing_TheRefitsTemperNewDrugsTargets_AndTheTrueTargetsGetLikelier()
    {
        HillScreen screen = NoveltyCalibrationTests.Screen(uninformative: 1, seed: 0);
        GimOptions options = NoveltyCalibrationTests.Options();
        options.CalibrateTargets = true;
        var log = new List<string>();
        using GimModel model = new GimTrainer(options) { Log = log.Add }.Fit(screen.Train.Data);
        TestContext.Out.WriteLine(log.Last(l => l.StartsWith("calibration:", StringComparison.Ordinal)));
        NoveltyCalibration c = model.Calibration!;
        Assert.That(c.TargetTemperature, Is.LessThan(1));
        using GimModel untempered = GimModel.FromParameters((LinearGimParameters)GimParameterFormat.WithCalibration(model.ExportParameters(), c.With(targetTemperature: 1)));
        double tempered = 0, plain = 0;
        for (int i = 0; i < screen.FullOod.Data.Contexts.Count; i++)
        {
            PerturbationContext context = screen.FullOod.Data.Contexts[i];
            if (context.IsControl) continue;
            bool[] truth = screen.FullOod.Truth[i].Targets;
            tempered += LogLikelihood(model.Explain(context.Features).TargetProbabilities, truth);
            plain += LogLikelihood(untempered.Explain(context.Features).TargetProbabilities, truth);
        }
        TestContext.Out.WriteLine($"new drugs' true targets, log-likelihood: tempered {tempered:F1}, untempered {plain:F1}");
        Assert.That(tempered, Is.GreaterThan(plain));
        (double ownTempered, double ownPlain) = (0, 0);
        for (int i = 0; i < _screen.FullOod.Data.Contexts.Count; i++)
        {
            PerturbationContext context = _screen.FullOod.Data.Contexts[i];
            if (context.IsControl) continue;
            ownTempered += LogLikelihood(_fitted.Explain(context.Features).TargetProbabilities, _screen.FullOod.Truth[i].Targets);
            ownPlain += LogLikelihood(_untempered.Explain(context.Features).TargetProbabilities, _screen.FullOod.Truth[i].Targets);
        }
        TestContext.Out.WriteLine($"own descriptors (τ_far {_fitted.Calibration!.TargetTemperature:F2}): tempered {ownTempered:F1}, untempered {ownPlain:F1}");
        Assert.That(ownTempered, Is.GreaterThan(ownPlain));

        GimOptions off = NoveltyCalibrationTests.Options();
        off.CalibrateTargets = false;
        using GimModel without = new GimTrainer(off).Fit(screen.Train.Data);
        Assert.That(without.Calibration!.TargetTemperature, Is.EqualTo(1.0));
    }

    /// <summary>
    /// The choice of τ_far itself, on held-out logits whose calibration is known: targets drawn from σ(a/k) for logits a
    /// that are k times too confident far from the training data (w = 0.05) and right at it (w = 1). Calibrated far logits
    /// (k = 1) keep τ_far near 1, logits 4× too confident get about ¼, 10× too confident the grid's floor.
    /// </summary>
    [TestCase(1.0, 0.8, 1.0)]
    [TestCase(4.0, 0.15, 0.35)]
    [TestCase(10.0, 0.05, 0.1)]
    public void TheRefitsTemperature_UndoesOverconfidenceFarFromTheTrainingData(double overconfidence, double lowest, double highest)
    {
        var random = new Random(11);
        var heldOut = new List<(double, float[], bool[])>();
        for (int i = 0; i < 400; i++)
        {
            double w = i % 2 == 0 ? 0.05 : 1;
            float[] logits = Enumerable.Range(0, 20).Select(_ => (float)(4 * (2 * random.NextDouble() - 1) * (w == 1 ? 1 : overconfidence))).ToArray();
            bool[] targets = logits.Select(a => random.NextDouble() < 1 / (1 + Math.Exp(-a / (w == 1 ? 1 : overconfidence)))).ToArray();
            heldOut.Add((w, logits, targets));
        }
        double chosen = NoveltyCalibrator.TargetTemperature(heldOut);
        TestContext.Out.WriteLine($"{overconfidence}× too confident far away: τ_far {chosen:F2}");
        Assert.That(chosen, Is.InRange(lowest, highest));
    }

    private static double LogLikelihood(float[] probabilities, bool[] truth)
    {
        double sum = 0;
        for (int j = 0; j < truth.Length; j++)
        {
            double p = Math.Clamp(probabilities[j], 1e-6, 1 - 1e-6);
            sum += truth[j] ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum;
    }
}
