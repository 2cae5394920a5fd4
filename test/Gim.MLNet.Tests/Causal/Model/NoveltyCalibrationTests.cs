using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Runtime;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Causal.Model;

/// <summary>
/// The novelty calibration (docs/method.md, "Novelty"): fitted by leave-groups-out refits, it leaves predictions at the
/// training perturbations alone, shrinks those of unfamiliar features by what held-out drugs supported, gives standard
/// deviations that cover held-out means, and travels unchanged through the parameter format and the ONNX graph.
/// </summary>
public class NoveltyCalibrationTests
{
    private HillScreen _informative = null!, _uninformative = null!;
    private GimModel _model = null!, _shuffled = null!;

    /// <summary>Two small screens, the same except that in the second every drug carries another drug's descriptors.</summary>
    [OneTimeSetUp]
    public void Fit()
    {
        _informative = Screen(uninformative: 0);
        _uninformative = Screen(uninformative: 1);
        _model = new GimTrainer(Options()).Fit(_informative.Train.Data);
        _shuffled = new GimTrainer(Options()).Fit(_uninformative.Train.Data);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _model?.Dispose();
        _shuffled?.Dispose();
    }

    internal static HillScreen Screen(double uninformative, int seed = 0) => HillScreen.Generate(new HillScreenOptions
    {
        Seed = seed, Variables = 8, TrainDrugs = 24, NewDrugs = 10, SamplesPerTrainContext = 40, ControlSamples = 400,
        SamplesPerTestContext = 60, MaxTargets = 2, UninformativeDescriptorFraction = uninformative,
    });

    /// <summary>
    /// A short fit; its refits run all 600 steps (half of them, the default share, leaves this small screen's refits
    /// undertrained). The settings these tests' margins were measured with: 0.12's λ_t = 3 and no free phase. The free
    /// phase does not suit this fast schedule (learning rate 0.02): with it α_far over screens 0–4 fell from 0.31, 0.40,
    /// 0.15, 0.77, 0.05 to 0.00, 0.00, 0.00, 0.77, 0.00. With the defaults (learning rate 0.01, 2,000 steps) the free phase
    /// predicts these screens' new drugs better than 0.12's defaults did (<see cref="TheDefaults_PredictNewDrugsOfSmallScreens_BetterThanNoEffect"/>).
    /// </summary>
    internal static GimOptions Options() => new()
    {
        Seed = 0, MaxSteps = 600, TargetSparsity = 3, FreePhase = 0, LearningRate = 0.02, CalibrationFolds = 3, CalibrationStepFraction = 1,
    };

    /// <summary>
    /// The library's defaults (0.13.0: free phase, λ_t = 1, calibration) on the five small screens of these tests, with the
    /// drugs' own descriptors: the new drugs' predicted means against their observed ones (RMSE over variables and drugs,
    /// original units). Measured: 0.98, 1.44, 0.72, 1.50, 3.21 against no effect's 1.47, 2.25, 1.38, 2.78, 3.27 (mean 1.57
    /// against 2.23; 0.12's defaults 1.62). Uncalibrated, the same fits gave 1.96 on average (4.46 on screen 4): the
    /// calibration is what keeps an encoder fitted to 24 drugs from extrapolating. The bar, a mean below 0.85 of no
    /// effect's (measured 0.70), and no screen more than 5% above no effect's (measured worst 0.98, screen 4, whose drugs
    /// shift most).
    /// </summary>
    [Test]
    public void TheDefaults_PredictNewDrugsOfSmallScreens_BetterThanNoEffect()
    {
        var ratios = new List<double>();
        for (int seed = 0; seed < 5; seed++)
        {
            HillScreen screen = Screen(uninformative: 0, seed);
            using GimModel model = new GimTrainer(new GimOptions { Seed = 0 }).Fit(screen.Train.Data);
            PerturbationContext control = screen.Train.Data.Contexts.First(c => c.IsControl);
            double[] controlMean = control.Moments.Mean;
            double error = 0, noEffect = 0;
            foreach (PerturbationContext drug in screen.FullOod.Data.Contexts.Where(c => !c.IsControl))
            {
                float[] predicted = model.PredictMean(drug.Features);
                double[] observed = drug.Moments.Mean;
                for (int j = 0; j < observed.Length; j++)
                {
                    error += Math.Pow(predicted[j] - observed[j], 2);
                    noEffect += Math.Pow(controlMean[j] - observed[j], 2);
                }
            }
            ratios.Add(Math.Sqrt(error / noEffect));
            TestContext.Out.WriteLine($"screen {seed}: RMSE ratio to no effect {ratios[^1]:F3}, α_far {model.Calibration!.FarShrinkage:F2}");
            Assert.That(ratios[^1], Is.LessThanOrEqualTo(1.05), $"screen {seed}");
        }
        Assert.That(ratios.Average(), Is.LessThan(0.85));
    }

    [Test]
    public void AtATrainingPerturbation_FamiliarityIsOne_AndThePredictionIsTheUncalibratedOne()
    {
        NoveltyCalibration calibration = _model.Calibration!;
        Assert.That(calibration, Is.Not.Null);
        using GimModel plain = GimModel.FromParameters(Without(_model.ExportParameters()));
        foreach (PerturbationContext context in _informative.Train.Data.Contexts.Where(c => !c.IsControl).Take(8))
        {
            InterventionExplanation explanation = _model.Explain(context.Features);
            Assert.That(explanation.Familiarity, Is.EqualTo(1.0), context.Name);
            Assert.That(explanation.ShiftStandardDeviation, Is.All.EqualTo(0f), $"{context.Name}: no novelty, no shift uncertainty");
            Assert.That(_model.PredictMean(context.Features), Is.EqualTo(plain.PredictMean(context.Features)), context.Name);
            Assert.That(explanation.Shift, Is.EqualTo(plain.Explain(context.Features).Shift), context.Name);
            float[] sd = _model.PredictMeanStandardDeviation(context.Features)!;
            for (int j = 0; j < sd.Length; j++)
                Assert.That(sd[j], Is.EqualTo(calibration.MeanSdNear[j] * _model.VariableStandardizer.Scale[j]).Within(1e-5), $"{context.Name}: near SD of variable {j}");
        }
        Assert.That(plain.PredictMeanStandardDeviation(_informative.Train.Data.Contexts[1].Features), Is.Null, "no calibration, no standard deviation");
    }

    [Test]
    public void DescriptorsThatSayNothing_ShrinkNewDrugsTowardNoEffect_AndWidenTheirIntervals()
    {
        NoveltyCalibration informative = _model.Calibration!, shuffled = _shuffled.Calibration!;
        TestContext.Out.WriteLine($"α_far: informative {informative.FarShrinkage:F3}, shuffled {shuffled.FarShrinkage:F3}; " +
            $"far/near mean SD: informative {Rms(informative.MeanSdFar):F3}/{Rms(informative.MeanSdNear):F3}, shuffled {Rms(shuffled.MeanSdFar):F3}/{Rms(shuffled.MeanSdNear):F3}");
        // α_far of one small screen is a noisy number: over screen seeds 0–4 (24 training drugs, 600 steps) it was 0.22, 0.65,
        // 0.43, 1.00, 0.00 with the drugs' own descriptors (0.6.0; 0.45, 0.49, 0.39, 0.83, 0.00 at 0.5.1, whose training
        // differed only in float rounding) and 0.000 for all five with other drugs'. So the claim is tested on the mean
        // over the five screens (measured 0.46 and 0.43) and on every shuffled screen. Far/near mean SD at seed 0:
        // 1.028/0.288 and 1.162/0.302 control SDs.
        var alphas = new List<double> { informative.FarShrinkage };
        for (int seed = 1; seed < 5; seed++)
            foreach (double fraction in new[] { 0.0, 1.0 })
            {
                using GimModel other = new GimTrainer(Options()).Fit(Screen(fraction, seed).Train.Data);
                if (fraction == 0) alphas.Add(other.Calibration!.FarShrinkage);
                else Assert.That(other.Calibration!.FarShrinkage, Is.LessThan(0.15), $"screen {seed}: descriptors of other drugs keep little");
            }
        TestContext.Out.WriteLine($"α_far with own descriptors, screens 0–4: {string.Join(", ", alphas.Select(a => a.ToString("F2")))}");
        Assert.That(alphas.Average(), Is.GreaterThan(0.25), "descriptors that carry the effect keep a good part of it, on average over screens");
        Assert.That(shuffled.FarShrinkage, Is.LessThan(0.15), "descriptors of other drugs keep little");
        Assert.That(Rms(shuffled.MeanSdFar), Is.GreaterThan(1.5 * Rms(shuffled.MeanSdNear)), "a new drug is less certain than a seen one");
        Assert.That(Rms(shuffled.MeanSdFar), Is.GreaterThan(Rms(informative.MeanSdFar)), "and less certain when descriptors say nothing");
        // Far from every training drug the prediction is α_far of the uncalibrated one's effect (the linear model's mean is linear in ψ).
        float[] far = _uninformative.FullOod.Data.Contexts.First(c => !c.IsControl).Features.Select(v => v * 50).ToArray();
        InterventionExplanation explanation = _shuffled.Explain(far);
        Assert.That(explanation.Familiarity, Is.LessThan(1e-6));
        using GimModel plain = GimModel.FromParameters(Without(_shuffled.ExportParameters()));
        float[] expected = plain.Explain(far).TotalEffect.Select(v => (float)(v * shuffled.FarShrinkage)).ToArray();
        Assert.That(explanation.TotalEffect, Is.EqualTo(expected).Within(1e-4));
    }

    [Test]
    public void NinetyPercentIntervals_CoverTheHeldOutMeans()
    {
        foreach (var (name, model, screen) in new[] { ("informative", _model, _informative), ("shuffled", _shuffled, _uninformative) })
            foreach (HillScreenSplit split in new[] { screen.PartialOod, screen.FullOod })
            {
                int inside = 0, total = 0;
                foreach (PerturbationContext context in split.Data.Contexts.Where(c => !c.IsControl))
                {
                    float[] mean = model.PredictMean(context.Features), sd = model.PredictMeanStandardDeviation(context.Features)!;
                    int n = context.SampleCount;
                    for (int j = 0; j < mean.Length; j++)
                    {
                        double m = 0, v = 0;
                        for (int i = 0; i < n; i++) m += context.Samples[i, j] / (double)n;
                        for (int i = 0; i < n; i++) v += (context.Samples[i, j] - m) * (context.Samples[i, j] - m) / (n - 1);
                        if (Math.Abs(m - mean[j]) <= 1.6449 * Math.Sqrt(sd[j] * sd[j] + v / n)) inside++;
                        total++;
                    }
                }
                double coverage = (double)inside / total;
                TestContext.Out.WriteLine($"{name} {split.Name}: coverage {coverage:F3} of {total}");
                Assert.That(coverage, Is.InRange(0.75, 0.99), $"{name} {split.Name}");
            }
    }

    [Test]
    public void TheCalibration_TravelsThroughTheParameterFormat()
    {
        GimParameters back = GimParameterFormat.Read(GimParameterFormat.Write(_model.ExportParameters()), "test");
        using GimModel reloaded = GimModel.FromParameters((LinearGimParameters)back);
        foreach (PerturbationContext context in _informative.FullOod.Data.Contexts.Take(5))
        {
            Assert.That(reloaded.PredictMean(context.Features), Is.EqualTo(_model.PredictMean(context.Features)), context.Name);
            Assert.That(reloaded.PredictMeanStandardDeviation(context.Features), Is.EqualTo(_model.PredictMeanStandardDeviation(context.Features)), context.Name);
            InterventionExplanation a = reloaded.Explain(context.Features), b = _model.Explain(context.Features);
            Assert.That(a.Familiarity, Is.EqualTo(b.Familiarity));
            Assert.That(a.ShiftStandardDeviation, Is.EqualTo(b.ShiftStandardDeviation));
            Assert.That(a.ShiftIntervals(), Is.EqualTo(b.ShiftIntervals()));
        }
        Assert.That(GimParameterFormat.Write(back), Is.EqualTo(GimParameterFormat.Write(_model.ExportParameters())));
    }

    [Test]
    public void TheOnnxGraph_GivesTheInProcessMeansShiftsAndStandardDeviations()
    {
        var options = new GimOnnxExportOptions { PredictedMeanSdOutputName = "PredictedMeanSd" };
        using var onnx = new OnnxRunner(_model.ExportOnnx(options));
        float[][] features = _informative.Train.Data.Contexts.Concat(_informative.FullOod.Data.Contexts).Select(c => c.Features).ToArray();
        Dictionary<string, float[,]> outputs = onnx.Run(("Features", features));
        double worstMean = 0, worstSd = 0, worstShift = 0;
        for (int r = 0; r < features.Length; r++)
        {
            float[] mean = _model.PredictMean(features[r]), sd = _model.PredictMeanStandardDeviation(features[r])!, shift = _model.Explain(features[r]).Shift;
            for (int j = 0; j < mean.Length; j++)
            {
                worstMean = Math.Max(worstMean, Math.Abs(outputs["PredictedMean"][r, j] - mean[j]) / (1 + Math.Abs(mean[j])));
                worstSd = Math.Max(worstSd, Math.Abs(outputs["PredictedMeanSd"][r, j] - sd[j]) / (1 + sd[j]));
                worstShift = Math.Max(worstShift, Math.Abs(outputs["Shift"][r, j] - shift[j]) / (1 + Math.Abs(shift[j])));
            }
        }
        TestContext.Out.WriteLine($"worst relative differences: mean {worstMean:E2}, sd {worstSd:E2}, shift {worstShift:E2}");
        Assert.That(worstMean, Is.LessThan(1e-4));
        Assert.That(worstSd, Is.LessThan(1e-4));
        Assert.That(worstShift, Is.LessThan(1e-4));
    }

    /// <summary>
    /// Far from the training drugs the sampled cells carry the shift's uncertainty: their covariance is
    /// A⁻¹(S² + diag(t·sdψ²))A⁻ᵀ (PredictCovariance), in process and in the ONNX graph. Tolerance 5 standard errors,
    /// as in LinearGimOnnxExporterTests.
    /// </summary>
    [Test]
    public void SampledCells_CarryTheShiftUncertainty_InProcessAndInOnnx()
    {
        float[] features = FarDrugWithTargets(_shuffled, _uninformative);
        double[,] covariance = _shuffled.PredictCovariance(features);
        using GimModel certain = GimModel.FromParameters(Without(_shuffled.ExportParameters()));
        double[,] without = certain.PredictCovariance(features);
        bool[] targets = _shuffled.Explain(features).MapTargets;
        int widened = Enumerable.Range(0, targets.Length).Count(j => targets[j] && covariance[j, j] > without[j, j] * 1.05);
        Assert.That(widened, Is.GreaterThan(0), "the targeted variables' variance grows with the shift's uncertainty");
        const int n = 40000;
        using var onnx = new OnnxRunner(_shuffled.ExportOnnx(new GimOnnxExportOptions { Seed = 5 }));
        float[,] fromOnnx = onnx.Run(("Features", Enumerable.Repeat(features, n).ToArray()))["Sample"];
        float[,] inProcess = _shuffled.Sample(features, n, seed: 5);
        foreach (var (name, samples) in new[] { ("ONNX", fromOnnx), ("in process", inProcess) })
            for (int j = 0; j < targets.Length; j++)
            {
                double m = 0, v = 0;
                for (int i = 0; i < n; i++) m += samples[i, j] / (double)n;
                for (int i = 0; i < n; i++) v += (samples[i, j] - m) * (samples[i, j] - m) / (n - 1);
                double se = covariance[j, j] * Math.Sqrt(2.0 / n);
                Assert.That(Math.Abs(v - covariance[j, j]) / se, Is.LessThan(5), $"{name}: variance of variable {j}: {v:G5} vs {covariance[j, j]:G5}");
            }
    }

    [Test]
    public void SamplingWithoutShiftUncertainty_GivesTheConditionalCovariance_AndSurvivesAReload()
    {
        float[] features = FarDrugWithTargets(_shuffled, _uninformative);
        LinearGimParameters p = _shuffled.ExportParameters();
        var noSampling = (LinearGimParameters)GimParameterFormat.WithCalibration(p, p.Calibration!.With(sampleShiftUncertainty: false));
        var reloaded = (LinearGimParameters)GimParameterFormat.Read(GimParameterFormat.Write(noSampling), "test");
        Assert.That(reloaded.Calibration!.SampleShiftUncertainty, Is.False, "the setting travels with the model");
        using GimModel model = GimModel.FromParameters(reloaded);
        using GimModel certain = GimModel.FromParameters(Without(p));
        double[,] covariance = model.PredictCovariance(features);
        Assert.That(covariance, Is.EqualTo(certain.PredictCovariance(features)).Within(1e-9));
        Assert.That(model.PredictMean(features), Is.Not.EqualTo(certain.PredictMean(features)), "the mean is still shrunk");
        const int n = 40000;
        using var onnx = new OnnxRunner(model.ExportOnnx(new GimOnnxExportOptions { Seed = 6 }));
        float[,] samples = onnx.Run(("Features", Enumerable.Repeat(features, n).ToArray()))["Sample"];
        for (int j = 0; j < covariance.GetLength(0); j++)
        {
            double m = 0, v = 0;
            for (int i = 0; i < n; i++) m += samples[i, j] / (double)n;
            for (int i = 0; i < n; i++) v += (samples[i, j] - m) * (samples[i, j] - m) / (n - 1);
            Assert.That(Math.Abs(v - covariance[j, j]) / (covariance[j, j] * Math.Sqrt(2.0 / n)), Is.LessThan(5), $"ONNX variance of variable {j}");
        }
    }

    /// <summary>
    /// LogDensity is the density of what Sample draws: for the linear model, the Gaussian with PredictMean and
    /// PredictCovariance (shift uncertainty included), computed here in double.
    /// </summary>
    [Test]
    public void LogDensity_IsTheDensityOfTheSampledDistribution()
    {
        float[] features = FarDrugWithTargets(_shuffled, _uninformative);
        float[] mean = _shuffled.PredictMean(features);
        double[,] covariance = _shuffled.PredictCovariance(features);
        double[,] inverse = ReferenceMatrix.Inverse(covariance, out double logDet);
        float[,] cells = _shuffled.Sample(features, 20, seed: 9);
        double[] density = _shuffled.LogDensity(features, cells);
        int d = mean.Length;
        for (int i = 0; i < 20; i++)
        {
            var x = Enumerable.Range(0, d).Select(j => cells[i, j] - (double)mean[j]).ToArray();
            double quadratic = x.Select((xi, a) => xi * Enumerable.Range(0, d).Sum(b => inverse[a, b] * x[b])).Sum();
            double expected = -0.5 * (quadratic + logDet + d * Math.Log(2 * Math.PI));
            Assert.That(density[i], Is.EqualTo(expected).Within(1e-3 * (1 + Math.Abs(expected))), $"cell {i}");
        }
    }

    /// <summary>
    /// MeanLogLikelihood of a calibrated model (the default) is the mean over contexts of each context's mean LogDensity,
    /// in standardised units: new drugs' noise widens by their own sdψ², so it reads each context's covariance, or its
    /// cells where they are fewer numbers (the pooled covariance cannot hold that; it threw a NullReferenceException until
    /// 0.12.1). The shift uncertainty counts: the same model without it scores differently. Statistics, which hold only
    /// the pooled covariance, get an error that names the option to turn off.
    /// </summary>
    [Test]
    public void MeanLogLikelihood_IsTheMeanOfTheContextsLogDensities_WithTheShiftUncertainty()
    {
        PerturbationDataset data = _uninformative.FullOod.Data;
        // Five cells a context: fewer numbers than the per-context covariances, so these are scored from the cells.
        var fewCells = new PerturbationDataset(data.Contexts.Select(c => new PerturbationContext(c.Name, c.Features,
            SampleData.Rows(Enumerable.Range(0, 5).Select(i => TensorArrays.Row(c.Samples, i)).ToArray()), c.IsControl, c.Group)).ToList(),
            data.VariableNames, data.FeatureNames);
        LinearGimParameters p = _shuffled.ExportParameters();
        double logScaleSum = p.VariableScale.Sum(Math.Log);
        using GimModel withoutUncertainty = GimModel.FromParameters((LinearGimParameters)GimParameterFormat.WithCalibration(p,
            p.Calibration!.With(sampleShiftUncertainty: false)));
        foreach (PerturbationDataset scored in new[] { data, fewCells })
        {
            Assert.That(scored.SampleCount < scored.Contexts.Count * scored.VariableCount, Is.EqualTo(scored == fewCells));
            double expected = scored.Contexts.Average(x => _shuffled.LogDensity(x.Features, x.Samples).Average() + logScaleSum);
            double actual = _shuffled.MeanLogLikelihood(scored);
            double without = withoutUncertainty.MeanLogLikelihood(scored);
            TestContext.Out.WriteLine($"{scored.SampleCount} cells: MeanLogLikelihood {actual:F6}, mean of the log densities {expected:F6}, without the shift uncertainty {without:F6}");
            Assert.That(actual, Is.EqualTo(expected).Within(1e-4 * Math.Abs(expected)));
            Assert.That(Math.Abs(actual - without), Is.GreaterThan(1e-3 * Math.Abs(expected)), "the shift uncertainty must count");
        }

        PerturbationDataset statistics = PerturbationStatistics.Compute(data).ToDataset();
        Assert.That(() => _shuffled.MeanLogLikelihood(statistics), Throws.TypeOf<NotSupportedException>()
            .With.Message.Contains("statistics").And.Message.Contains("SampleShiftUncertainty = false"));
        Assert.That(withoutUncertainty.MeanLogLikelihood(statistics), Is.EqualTo(withoutUncertainty.MeanLogLikelihood(data)).Within(1e-4),
            "without the shift uncertainty, statistics score as the cells do");
    }

    [Test]
    public void AFixedWarmStart_IsNotReusedByTheRefits()
    {
        GimOptions options = Options();
        options.MaxSteps = 50;
        options.WarmStart = GimWarmStart.From(_model.ExportParameters());
        using GimModel model = new GimTrainer(options).Fit(_informative.Train.Data);
        Assert.That(model.Calibration, Is.Not.Null, "the refits run from zero (the start saw every group, on this data's standardisation)");
    }

    [Test]
    public void WithFewerGroupsThanFolds_CalibrationIsSkipped_AndTheLogSaysSo()
    {
        GimOptions options = TinyLinearScm.Options(steps: 30);
        options.CalibrationFolds = 20;
        var lines = new List<string>();
        using GimModel model = new GimTrainer(options) { Log = lines.Add }.Fit(TinyLinearScm.Dataset(cellsPerContext: 30));
        Assert.That(model.Calibration, Is.Null);
        Assert.That(lines, Has.Some.Contains("calibration skipped: 10 perturbation group(s), fewer than GimOptions.CalibrationFolds = 20"));
        Assert.That(model.PredictMeanStandardDeviation(TinyLinearScm.Features("r1", 1)), Is.Null);
    }

    [TestCase(1)]
    [TestCase(-1)]
    public void AFoldCountOfOneOrLess_IsRefused(int folds)
    {
        var options = new GimOptions { CalibrationFolds = folds };
        Assert.That(options.Validate, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("GimOptions.CalibrationFolds"));
    }

    [Test]
    public void DamagedCalibrationNumbers_AreRefusedOnRead()
    {
        LinearGimParameters p = _model.ExportParameters();
        var bad = (LinearGimParameters)GimParameterFormat.WithCalibration(p, new NoveltyCalibration
        {
            TrainingFeatures = p.Calibration!.TrainingFeatures, LengthScale = -1, FarShrinkage = 0.5,
            MeanSdNear = p.Calibration.MeanSdNear, MeanSdFar = p.Calibration.MeanSdFar, ShiftSdFar = p.Calibration.ShiftSdFar,
        });
        var e = Assert.Throws<InvalidDataException>(() => GimParameterFormat.Read(GimParameterFormat.Write(bad), "model.zip"))!;
        Assert.That(e.Message, Does.StartWith("model.zip: ").And.Contains("length scale"));
    }

    /// <summary>A new drug's features pushed far from the training drugs, chosen so that the model targets something there.</summary>
    private static float[] FarDrugWithTargets(GimModel model, HillScreen screen)
    {
        foreach (PerturbationContext context in screen.FullOod.Data.Contexts.Where(c => !c.IsControl))
            foreach (float factor in new[] { 3f, 5f, 10f })
            {
                float[] features = context.Features.Select(v => v * factor).ToArray();
                InterventionExplanation e = model.Explain(features);
                if (e.MapTargets.Any(t => t) && e.Familiarity < 0.5) return features;
            }
        throw new InvalidOperationException("no new drug with a MAP target far from the training data");
    }

    private static LinearGimParameters Without(LinearGimParameters p) => (LinearGimParameters)GimParameterFormat.WithCalibration(p, null);

    private static double Rms(float[] values) => Math.Sqrt(values.Average(v => (double)v * v));
}
