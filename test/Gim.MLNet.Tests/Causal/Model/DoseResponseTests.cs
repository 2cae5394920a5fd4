using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Peers;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Causal.Model;

/// <summary>
/// The saturating dose path (<see cref="GimOptions.DoseFeature"/>, docs/method.md "Dose"): a Hill curve of the dose
/// that scales a perturbation's shifts and leaves its targets alone, learned jointly with the rest, kept by the
/// parameter format and the ONNX graph, and better than a shift linear in the dose at doses never measured.
/// </summary>
public class DoseResponseTests
{
    private HillScreen _screen = null!;
    private GimModel _dose = null!, _linear = null!, _perDrug = null!;
    private int _doseIndex;

    [OneTimeSetUp]
    public void Fit()
    {
        _screen = NoveltyCalibrationTests.Screen(uninformative: 0, seed: 3);
        _doseIndex = _screen.Train.Data.FeatureNames.ToList().IndexOf("dose");
        GimOptions options = DoseOptions();
        _dose = new GimTrainer(options).Fit(_screen.Train.Data);
        GimOptions perDrug = options.Clone();
        perDrug.DoseCurveFromFeatures = true;
        _perDrug = new GimTrainer(perDrug).Fit(_screen.Train.Data);
        _linear = new GimTrainer(NoveltyCalibrationTests.Options()).Fit(_screen.Train.Data);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _dose?.Dispose();
        _linear?.Dispose();
        _perDrug?.Dispose();
    }

    /// <summary>H(c) against cⁿ/(Kⁿ + cⁿ) in double, with K and n moved by the other features and the dose slot ignored by them.</summary>
    [Test]
    public void TheCurve_IsTheHillFunctionOfTheDose()
    {
        var slot = new DoseSlot(Index: 2, Mean: 1.0, Scale: 0.5);
        using var curve = new DoseResponse(3, slot, initialHalfDose: 1, fromFeatures: true, ScalarType.Float64);
        using (no_grad())
        {
            curve.Curve.weight!.copy_(tensor(new double[] { 0.4, -0.2, 9, 0.1, 0.3, 9 }, ScalarType.Float64).reshape(2, 3));
            curve.Curve.bias!.copy_(tensor(new double[] { Math.Log(0.8), Math.Log(1.7) }, ScalarType.Float64));
        }
        var rows = new[] { (0.3, -1.0, 0.0), (0.3, -1.0, 0.25), (-0.5, 2.0, 0.8), (1.2, 0.4, 2.0), (0.0, 0.0, 40.0) };
        foreach (var (a, b, c) in rows)
        {
            double z = (c - slot.Mean) / slot.Scale;
            using Tensor features = tensor(new[] { a, b, z }, ScalarType.Float64).unsqueeze(0);
            using Tensor masked = tensor(new[] { a, b, 0.0 }, ScalarType.Float64).unsqueeze(0);
            using Tensor h = curve.forward(features, masked);
            double k = Math.Exp(Math.Log(0.8) + 0.4 * a - 0.2 * b), n = Math.Exp(Math.Log(1.7) + 0.1 * a + 0.3 * b);
            double expected = c <= slot.Floor ? 0 : Math.Pow(c, n) / (Math.Pow(k, n) + Math.Pow(c, n)); // the vehicle: exactly 0
            Assert.That(h.item<double>(), Is.EqualTo(expected).Within(1e-12 + 1e-9 * expected), $"c = {c}, K = {k:F3}, n = {n:F3}");
        }
    }

    [Test]
    public void TheDose_ScalesTheShifts_MonotonicallyAndSaturating_AndLeavesTheTargetsAlone()
    {
        float[] drug = _screen.PartialOod.Data.Contexts.First(c => !c.IsControl).Features;
        float[] At(double dose) => AtDose(drug, (float)dose);
        InterventionExplanation vehicle = _dose.Explain(At(0));
        Assert.That(vehicle.Shift, Is.All.EqualTo(0f), "no dose, no shift");
        Assert.That(vehicle.Dose!.Fraction, Is.EqualTo(0));
        Assert.That(vehicle.TotalEffect.Select(Math.Abs).Max(), Is.LessThan(1e-5));
        double[] doses = { 0.1, 0.25, 0.5, 1, 2, 4, 16, 1000 };
        InterventionExplanation[] explained = doses.Select(c => _dose.Explain(At(c))).ToArray();
        int strongest = Enumerable.Range(0, vehicle.Shift.Length).MaxBy(j => Math.Abs(explained[^1].Shift[j]));
        for (int i = 0; i < doses.Length; i++)
        {
            Assert.That(explained[i].TargetProbabilities, Is.EqualTo(vehicle.TargetProbabilities), $"targets at dose {doses[i]}");
            if (i > 0)
                Assert.That(Math.Abs(explained[i].Shift[strongest]), Is.GreaterThanOrEqualTo(Math.Abs(explained[i - 1].Shift[strongest])), $"dose {doses[i]}");
        }
        // Saturation: 16 and 1000 give nearly the same shift, where a linear dose would give 60 times more.
        Assert.That(Math.Abs(explained[^1].Shift[strongest] - explained[^2].Shift[strongest]), Is.LessThan(0.1 * Math.Abs(explained[^1].Shift[strongest])));
    }

    /// <summary>
    /// The explanation says where a dose sits on the drug's curve: the shift there is H(c) times the saturated shift, and K
    /// and n are the drug's, whatever the dose: one curve for all drugs by default, one per drug from its features with
    /// <see cref="GimOptions.DoseCurveFromFeatures"/>. K is only weakly identified by four doses between 0.5 and 2 (a
    /// larger K with a larger maximal shift fits nearly as well): measured (seed 3), the per-drug log K correlates 0.35
    /// with the true one over the 24 drugs; printed, not asserted.
    /// </summary>
    [Test]
    public void Explain_SaysWhereTheDoseSitsOnTheDrugsCurve()
    {
        foreach (var (name, model) in new[] { ("shared", _dose), ("per drug", _perDrug) })
        {
            var learned = new List<double>();
            var truth = new List<double>();
            var exponents = new List<double>();
            foreach (var (context, contextTruth) in _screen.Train.Data.Contexts.Zip(_screen.Train.Truth).Where(x => !x.First.IsControl).DistinctBy(x => x.Second.Drug))
            {
                InterventionExplanation at = model.Explain(context.Features);
                InterventionExplanation saturated = model.Explain(AtDose(context.Features, 1e6f));
                DoseCurvePoint point = at.Dose!;
                Assert.That(point.Fraction, Is.InRange(0.0, 1.0), name);
                Assert.That(saturated.Dose!.Fraction, Is.GreaterThan(0.9), name);
                Assert.That(point.HalfEffectDose, Is.EqualTo(saturated.Dose.HalfEffectDose).Within(1e-6), $"{name}: K is a property of the drug");
                for (int j = 0; j < at.Shift.Length; j++)
                    Assert.That(at.Shift[j], Is.EqualTo(point.Fraction * saturated.Shift[j] / saturated.Dose.Fraction).Within(1e-4 * (1 + Math.Abs(saturated.Shift[j]))), $"{name}: {context.Name}, mechanism {j}");
                learned.Add(Math.Log(point.HalfEffectDose));
                exponents.Add(point.HillExponent);
                truth.Add(Math.Log(_screen.Drugs[contextTruth.Drug].HillK));
            }
            TestContext.Out.WriteLine($"{name}: learned K {learned.Select(Math.Exp).Min():F2}–{learned.Select(Math.Exp).Max():F2}, n {exponents.Min():F2}–{exponents.Max():F2} over {learned.Count} drugs" +
                (name == "shared" ? "" : $"; log K learned vs true: correlation {Correlation(learned, truth):F3}"));
            if (name == "shared")
            {
                Assert.That(learned.Max() - learned.Min(), Is.LessThan(1e-6), "one K for every drug");
                Assert.That(exponents.Max() - exponents.Min(), Is.LessThan(1e-6), "one n for every drug");
            }
            else Assert.That(learned.Max() - learned.Min(), Is.GreaterThan(0.01), "K follows each drug's features");
        }
        Assert.That(_linear.Explain(_screen.Train.Data.Contexts[1].Features).Dose, Is.Null, "no dose path, no curve");
    }

    /// <summary>
    /// Measured on this screen (seed 3, 24 training drugs, 600 steps, calibrated): RMS error of the predicted mean at the
    /// unseen doses (control SDs) 0.236 with the shared dose curve (0.187 with per-drug curves) vs 0.493 with the dose as a
    /// linear feature.
    /// </summary>
    [Test]
    public void AtUnseenDoses_TheDosePathPredictsTheMeansBetter_ThanALinearDose()
    {
        double withDose = MeanError(_dose, _screen.PartialOod), linear = MeanError(_linear, _screen.PartialOod);
        TestContext.Out.WriteLine($"partially-OOD RMS mean error: dose path {withDose:F3}, linear dose {linear:F3}");
        Assert.That(withDose, Is.LessThan(0.85 * linear));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TheDosePath_TravelsThroughTheParameterFormat_AndTheOnnxGraph(bool curveFromFeatures)
    {
        GimModel fitted = curveFromFeatures ? _perDrug : _dose;
        LinearGimParameters p = fitted.ExportParameters();
        Assert.That(p.DoseResponse, Is.Not.Null);
        Assert.That(p.FeatureNames[p.DoseResponse!.FeatureIndex], Is.EqualTo("dose"));
        GimParameters back = GimParameterFormat.Read(GimParameterFormat.Write(p), "test");
        Assert.That(GimParameterFormat.Write(back), Is.EqualTo(GimParameterFormat.Write(p)));
        using GimModel reloaded = GimModel.FromParameters((LinearGimParameters)back);
        Assert.That(reloaded.Options.DoseFeature, Is.EqualTo("dose"));
        Assert.That(reloaded.Options.DoseCurveFromFeatures, Is.EqualTo(curveFromFeatures));
        float[][] features = _screen.Train.Data.Contexts.Concat(_screen.PartialOod.Data.Contexts).Concat(_screen.FullOod.Data.Contexts)
            .Select(c => c.Features).ToArray();
        foreach (float[] f in features.Take(20))
            Assert.That(reloaded.PredictMean(f), Is.EqualTo(fitted.PredictMean(f)));

        using var onnx = new OnnxRunner(fitted.ExportOnnx(new GimOnnxExportOptions()));
        Dictionary<string, float[,]> outputs = onnx.Run(("Features", features));
        double worstMean = 0, worstShift = 0;
        for (int r = 0; r < features.Length; r++)
        {
            float[] mean = fitted.PredictMean(features[r]), shift = fitted.Explain(features[r]).Shift;
            for (int j = 0; j < mean.Length; j++)
            {
                worstMean = Math.Max(worstMean, Math.Abs(outputs["PredictedMean"][r, j] - mean[j]) / (1 + Math.Abs(mean[j])));
                worstShift = Math.Max(worstShift, Math.Abs(outputs["Shift"][r, j] - shift[j]) / (1 + Math.Abs(shift[j])));
            }
        }
        TestContext.Out.WriteLine($"worst relative differences: mean {worstMean:E2}, shift {worstShift:E2}");
        Assert.That(worstMean, Is.LessThan(1e-4));
        Assert.That(worstShift, Is.LessThan(1e-4));
    }

    /// <summary>
    /// Files of versions 2 to 5 (0.4.0: no dose block after the calibration, ... 0.7.0: no covariate block, 0.10.0: no
    /// target temperature) still read, as the same parameters (untempered targets).
    /// </summary>
    [Test]
    public void Version2To5Files_StillRead()
    {
        LinearGimParameters untempered = (LinearGimParameters)GimParameterFormat.WithCalibration(_linear.ExportParameters(),
            _linear.Calibration!.With(targetTemperature: 1));
        byte[] current = GimParameterFormat.Write(untempered);
        Assert.That(BitConverter.ToInt32(current, 4), Is.EqualTo(6), "the format version follows the 'GIMP' magic");
        Assert.That(BitConverter.ToDouble(current, current.Length - 8), Is.EqualTo(1.0), "a calibration's target temperature (version 6) comes last");
        Assert.That(current[^11..^8], Is.EqualTo(new byte[] { 0, 0, 0 }), "no dose response, no known targets, no covariates: their flags before it");
        foreach (int version in new[] { 2, 3, 4, 5 })
        {
            // Version 5 (0.10.0) ends with the covariate flag, version 4 (0.7.0) with the known-target flag, version 3
            // (0.5.0) with the dose flag, version 2 (0.4.0) before it.
            byte[] older = current[..^(8 + 5 - version)];
            BitConverter.GetBytes(version).CopyTo(older, 4);
            GimParameters read = GimParameterFormat.Read(older, $"version {version} model");
            Assert.That(read.DoseResponse, Is.Null);
            Assert.That(read.KnownTargets, Is.Null);
            Assert.That(read.Calibration!.TargetTemperature, Is.EqualTo(1.0));
            Assert.That(GimParameterFormat.Write(read), Is.EqualTo(current));
        }
        // The dose block (flag, feature index, the 2 × p weights (shape-prefixed), the 2 biases (length-prefixed)) is followed by the
        // known-target and covariate flags and the dose encoding (int32, version 5), then the calibration's target temperature (version 6).
        byte[] withDose = GimParameterFormat.Write(_dose.ExportParameters());
        int p = _dose.FeatureCount, encodingAt = withDose.Length - 8 - 4, indexAt = encodingAt - 1 - 1 - (4 + 2 * 4) - (8 + 2 * p * 4) - 4;
        Assert.That(BitConverter.ToInt32(withDose, encodingAt), Is.EqualTo((int)DoseEncoding.Concentration));
        byte[] unknownEncoding = (byte[])withDose.Clone();
        BitConverter.GetBytes(7).CopyTo(unknownEncoding, encodingAt);
        Assert.That(() => GimParameterFormat.Read(unknownEncoding, "model.zip"), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("unknown dose encoding 7"));
        Assert.That(BitConverter.ToInt32(withDose, indexAt), Is.EqualTo(_doseIndex));
        byte[] damaged = (byte[])withDose.Clone();
        BitConverter.GetBytes(p + 5).CopyTo(damaged, indexAt);
        Assert.That(() => GimParameterFormat.Read(damaged, "model.zip"),
            Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith("model.zip: ").And.Message.Contains("DoseResponse.FeatureIndex"));
        byte[] truncated = withDose[..^5];
        Assert.That(() => GimParameterFormat.Read(truncated, "model.zip"), Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith("model.zip: "));
    }

    /// <summary>
    /// Without a group column every context is its own group; the doses of one drug (identical features but the dose)
    /// are still one perturbation to the calibration, which comes out exactly as with the drug as group.
    /// </summary>
    [Test]
    public void WithoutGroups_ADrugsDosesAreOnePerturbationToTheCalibration()
    {
        PerturbationDataset train = _screen.Train.Data;
        var ungrouped = new PerturbationDataset(train.Contexts.Select(c => new PerturbationContext(c.Name, c.Features, c.Samples, c.IsControl)).ToList(),
            train.VariableNames, train.FeatureNames);
        Assert.That(ungrouped.Contexts.Select(c => c.Group).Distinct().Count(), Is.EqualTo(ungrouped.Contexts.Count), "no groups given");
        using GimModel model = new GimTrainer(DoseOptions()).Fit(ungrouped);
        NoveltyCalibration grouped = _dose.Calibration!, merged = model.Calibration!;
        TestContext.Out.WriteLine($"length scale {merged.LengthScale:F4} (with groups {grouped.LengthScale:F4}), α_far {merged.FarShrinkage:F4} ({grouped.FarShrinkage:F4})");
        Assert.That(merged.LengthScale, Is.EqualTo(grouped.LengthScale));
        Assert.That(merged.FarShrinkage, Is.EqualTo(grouped.FarShrinkage));
        Assert.That(merged.MeanSdFar, Is.EqualTo(grouped.MeanSdFar));
        float[] known = _screen.PartialOod.Data.Contexts[0].Features;
        Assert.That(model.Explain(known).Familiarity, Is.EqualTo(1.0), "a known drug at a new dose is familiar");
    }

    [Test]
    public void ANegativeDose_IsRefusedAtPrediction()
    {
        float[] features = AtDose(_screen.FullOod.Data.Contexts[0].Features, -2f);
        Assert.That(() => _dose.PredictMean(features), Throws.ArgumentException.With.Message.Contains("dose feature 'dose' is -2").And.Message.Contains("not its logarithm"));
    }

    [Test]
    public void ACurveFromFeatures_WithoutADoseFeature_IsRefused()
    {
        var options = new GimOptions { DoseCurveFromFeatures = true };
        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains("DoseCurveFromFeatures").And.Message.Contains("name the dose feature too"));
    }

    [Test]
    public void APerDrugWarmStart_IsRefusedByASharedCurve()
    {
        GimOptions options = ShortDoseFitFrom(_perDrug);
        var e = Assert.Throws<ArgumentException>(() => new GimTrainer(options).Fit(_screen.Train.Data))!;
        Assert.That(e.Message, Does.Contain("set DoseCurveFromFeatures = true"));
        Assert.That(e.ParamName, Is.EqualTo("GimOptions.WarmStart"));
        options.DoseCurveFromFeatures = true;
        using GimModel model = new GimTrainer(options).Fit(_screen.Train.Data);
        Assert.That(model.Options.DoseCurveFromFeatures, Is.True);
    }

    /// <summary>
    /// In an ML.NET pipeline the dose is named by its slot in the features column: Concatenate names a scalar input's
    /// slot after its column, and a mean-variance normaliser (zeros fixed) keeps the dose ≥ 0. The saved .zip predicts
    /// as the fitted pipeline does.
    /// </summary>
    [Test]
    public void InAnMLNetPipeline_TheDoseIsTheConcatenatedColumnsName()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView cells = mlContext.Data.LoadFromEnumerable(TinyLinearScm.Cells(cellsPerContext: 60));
        GimOptions options = GimTestData.Options(steps: 200);
        options.DoseFeature = "Dose";
        var pipeline = mlContext.Transforms.Categorical.OneHotEncoding("ReagentOneHot", "Reagent")
            .Append(mlContext.Transforms.Concatenate("Features", "ReagentOneHot", "Dose"))
            .Append(mlContext.Transforms.NormalizeMeanVariance("Features"))
            .Append(mlContext.Perturbation().Trainers.Gim(options));
        var model = pipeline.Fit(cells);
        GimModel gim = model.LastTransformer.Model;
        Assert.That(gim.FeatureNames, Does.Contain("Dose"));
        Assert.That(gim.ExportParameters().DoseResponse!.FeatureIndex, Is.EqualTo(gim.FeatureNames.ToList().IndexOf("Dose")));
        string path = Path.Combine(Path.GetTempPath(), $"gim-dose-{Guid.NewGuid():N}.zip");
        try
        {
            mlContext.Model.SaveAtomically(model, cells.Schema, path);
            ITransformer loaded = PlainMlNet.Load(new MLContext(), path, out _);
            float[][] inProcess = model.Transform(cells).GetColumn<float[]>("PredictedMean").ToArray();
            float[][] reloaded = loaded.Transform(cells).GetColumn<float[]>("PredictedMean").ToArray();
            ParityAssert.Close(ParityAssert.Rows(reloaded), ParityAssert.Rows(inProcess), "PredictedMean after a reload");
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
            model.LastTransformer.Dispose();
        }
    }

    [Test]
    public void AnUnknownDoseFeature_IsRefused_NamingTheOption()
    {
        var options = TinyLinearScm.Options(steps: 5);
        options.DoseFeature = "concentration";
        var e = Assert.Throws<ArgumentException>(() => new GimTrainer(options).Fit(TinyLinearScm.Dataset(cellsPerContext: 10)))!;
        Assert.That(e.Message, Does.Contain("GimOptions.DoseFeature is 'concentration'").And.Contain("not one of the"));
    }

    [Test]
    public void ANegativeDose_IsRefused_NamingTheContext()
    {
        PerturbationContext bad = _screen.Train.Data.Contexts.First(c => !c.IsControl);
        PerturbationDataset data = WithDose(c => c == bad, -1.5f);
        var e = Assert.Throws<ArgumentException>(() => new GimTrainer(DoseOptions()).Fit(data))!;
        Assert.That(e.Message, Does.Contain($"training context '{bad.Name}' has dose feature 'dose' = -1.5").And.Contain("not its logarithm"));
    }

    [Test]
    public void APerturbationAtDoseZero_IsRefused()
    {
        PerturbationDataset data = WithDose(_ => true, 0f);
        var e = Assert.Throws<ArgumentException>(() => new GimTrainer(DoseOptions()).Fit(data))!;
        Assert.That(e.Message, Does.Contain("perturbed training context(s) have dose feature 'dose' = 0 (first: '").And.Contain("Mark vehicle contexts as controls"));
    }

    [Test]
    public void TheTwoStageWarmStart_WithADose_IsRefusedBeforeAnyWork()
    {
        var options = new GimOptions { DoseFeature = "dose", WarmStart = new TwoStageWarmStart() };
        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains("needs DoseFeature unset"));
    }

    [Test]
    public void AWarmStartWithoutADosePath_IsRefusedByADoseFit()
    {
        GimOptions options = ShortDoseFitFrom(_linear);
        var e = Assert.Throws<ArgumentException>(() => new GimTrainer(options).Fit(_screen.Train.Data))!;
        Assert.That(e.Message, Does.Contain("no dose response"));
    }

    /// <summary>The small screen's short fit (NoveltyCalibrationTests.Options) with the dose path on the screen's "dose".</summary>
    private static GimOptions DoseOptions()
    {
        GimOptions options = NoveltyCalibrationTests.Options();
        options.DoseFeature = "dose";
        return options;
    }

    /// <summary>A 5-step uncalibrated dose fit warm-started from <paramref name="start"/>'s parameters.</summary>
    private static GimOptions ShortDoseFitFrom(GimModel start)
    {
        GimOptions options = DoseOptions();
        options.MaxSteps = 5;
        options.CalibrationFolds = 0;
        options.WarmStart = GimWarmStart.From(start.ExportParameters());
        return options;
    }

    /// <summary>The features with the dose set to <paramref name="dose"/>.</summary>
    private float[] AtDose(float[] features, float dose) => features.Select((v, i) => i == _doseIndex ? dose : v).ToArray();

    /// <summary>The training data with the dose of the contexts <paramref name="which"/> selects set to <paramref name="dose"/>.</summary>
    private PerturbationDataset WithDose(Func<PerturbationContext, bool> which, float dose)
    {
        PerturbationDataset train = _screen.Train.Data;
        return new PerturbationDataset(train.Contexts.Select(c => which(c)
            ? new PerturbationContext(c.Name, AtDose(c.Features, dose), c.Samples, c.IsControl, c.Group) : c).ToList(), train.VariableNames, train.FeatureNames);
    }

    private static double Correlation(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double ma = a.Average(), mb = b.Average();
        double ab = a.Zip(b).Sum(x => (x.First - ma) * (x.Second - mb));
        return ab / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(x => (x - mb) * (x - mb)));
    }

    /// <summary>RMS over perturbed contexts and variables of (predicted − observed mean) / control SD.</summary>
    private static double MeanError(GimModel model, HillScreenSplit split)
    {
        double sum = 0;
        int count = 0;
        foreach (PerturbationContext context in split.Data.Contexts.Where(c => !c.IsControl))
        {
            float[] mean = model.PredictMean(context.Features);
            for (int j = 0; j < mean.Length; j++)
            {
                double observed = 0;
                for (int i = 0; i < context.SampleCount; i++) observed += context.Samples[i, j] / (double)context.SampleCount;
                double e = (mean[j] - observed) / model.VariableStandardizer.Scale[j];
                sum += e * e;
                count++;
            }
        }
        return Math.Sqrt(sum / count);
    }
}
