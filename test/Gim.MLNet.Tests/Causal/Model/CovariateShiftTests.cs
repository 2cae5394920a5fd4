using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Causal.Model;

/// <summary>
/// GIM with covariates (<see cref="GimOptions.CovariateFeatures"/>, docs/method.md "Covariates"): a second cell line moves
/// every mechanism's intercept by a learned β, which neither the dose curve nor the novelty calibration scales, so the
/// saturating dose path works on a screen of several lines (another line's vehicle is a context at dose 0), a drug in line
/// B is predicted from line B's baseline, and the fit travels through the parameter format and the ONNX graph. Also the
/// dose read from a log10(1 + c) feature (<see cref="GimOptions.DoseEncoding"/>).
/// </summary>
public class CovariateShiftTests
{
    private const int D = 4;
    private static readonly double[] LineB = { 1.5, 0, -1.0, 0.5 };
    private static readonly double[] Doses = { 0.1, 0.3, 1, 3 };
    private static readonly string[] Descriptors = { "t0", "t1", "t2", "t3", "potency" };
    private PerturbationDataset _all = null!, _train = null!, _topDoses = null!;
    private GimModel _model = null!, _log = null!;

    /// <summary>
    /// A linear SCM of 4 variables (x1 = 0.6·x0 + ..., x3 = −0.5·x2 + ..., unit noise) in two lines: line B's intercepts
    /// are moved by <see cref="LineB"/>. Six drugs, each shifting one variable by (4 + potency)·H(c) with H(c) =
    /// c^1.5/(1 + c^1.5), 0.7 times as much in line B, at four doses in both lines; line A's vehicle is the control, line
    /// B's a perturbed context at dose 0. Features: the drug's descriptors (its target's indicator t0..t3 and its potency
    /// 0.5·cos k), the dose (c, or log10(1 + c) with <paramref name="logDose"/>) and line=B.
    /// </summary>
    internal static PerturbationDataset Screen(bool logDose = false, int seed = 1)
    {
        var contexts = new List<PerturbationContext>
        {
            Context("vehicle|A", new float[7], line: 0, target: -1, shift: 0, cells: 400, seed, isControl: true),
            Context("vehicle|B", new[] { 0f, 0, 0, 0, 0, 0, 1 }, line: 1, target: -1, shift: 0, cells: 400, seed + 1),
        };
        for (int k = 0; k < 6; k++)
        {
            float potency = 0.5f * (float)Math.Cos(k);
            foreach (double c in Doses)
                for (int line = 0; line < 2; line++)
                {
                    double h = Math.Pow(c, 1.5) / (1 + Math.Pow(c, 1.5)), shift = (4 + potency) * h * (line == 1 ? 0.7 : 1);
                    float dose = logDose ? (float)Math.Log10(1 + c) : (float)c;
                    var features = new float[7];
                    features[k % D] = 1;
                    (features[4], features[5], features[6]) = (potency, dose, line);
                    contexts.Add(Context($"drug{k}|dose={c}|{(line == 0 ? "A" : "B")}", features, line, target: k % D, shift, cells: 150,
                        seed + 10 + 8 * k + contexts.Count));
                }
        }
        return new PerturbationDataset(contexts, new[] { "g0", "g1", "g2", "g3" }, Descriptors.Append(logDose ? "log10(1+dose)" : "dose").Append("line=B").ToArray());
    }

    private static PerturbationContext Context(string name, float[] features, int line, int target, double shift, int cells, int seed, bool isControl = false)
    {
        float[,] noise = SampleData.Gaussian(cells, D, seed);
        var x = new float[cells, D];
        for (int i = 0; i < cells; i++)
        {
            var b = new double[D];
            for (int j = 0; j < D; j++) b[j] = (line == 1 ? LineB[j] : 0) + (j == target ? shift : 0) + noise[i, j];
            double x0 = b[0], x1 = 0.6 * x0 + b[1], x2 = b[2], x3 = -0.5 * x2 + b[3];
            x[i, 0] = (float)x0;
            x[i, 1] = (float)x1;
            x[i, 2] = (float)x2;
            x[i, 3] = (float)x3;
        }
        return new PerturbationContext(name, features, x, isControl, group: name.Split('|')[0]);
    }

    private static GimOptions Options(string? dose = "dose", DoseEncoding encoding = DoseEncoding.Concentration) => new()
    {
        Seed = 2, MaxSteps = 800, TargetSparsity = 0.5, DoseFeature = dose, DoseEncoding = encoding, CovariateFeatures = new[] { "line=B" },
    };

    [OneTimeSetUp]
    public void Fit()
    {
        _all = Screen();
        bool Top(PerturbationContext c) => c.Name.Contains("|dose=3|", StringComparison.Ordinal);
        _train = new PerturbationDataset(_all.Contexts.Where(c => !Top(c)).ToList(), _all.VariableNames, _all.FeatureNames);
        _topDoses = new PerturbationDataset(_all.Contexts.Where(Top).ToList(), _all.VariableNames, _all.FeatureNames);
        _model = new GimTrainer(Options()).Fit(_train);
        PerturbationDataset logged = Screen(logDose: true);
        _log = new GimTrainer(Options("log10(1+dose)", DoseEncoding.Log10OnePlus)).Fit(
            new PerturbationDataset(logged.Contexts.Where(c => !Top(c)).ToList(), logged.VariableNames, logged.FeatureNames));
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _model?.Dispose();
        _log?.Dispose();
    }

    private static double[] Mean(PerturbationContext c) => MeanMetrics.ColumnMeans(c.Samples);

    private PerturbationContext Named(string name) => _all.Contexts.Single(c => c.Name == name);

    /// <summary>
    /// Line B's vehicle (dose 0): no dose, no shift, yet its mean is line B's, all of it the covariates' effect. Measured
    /// (seed 2): worst error 0.08 against line B's own differences of up to 1.4.
    /// </summary>
    [Test]
    public void AnotherLinesVehicle_AtDoseZero_KeepsItsLinesDifference()
    {
        PerturbationContext vehicle = Named("vehicle|B");
        InterventionExplanation explained = _model.Explain(vehicle.Features);
        Assert.That(explained.Dose!.Fraction, Is.EqualTo(0), "dose 0");
        Assert.That(explained.Shift, Is.All.EqualTo(0f), "no dose, no shift of the perturbation's own");
        Assert.That(explained.CovariateEffect, Is.EqualTo(explained.TotalEffect).Within(1e-5), "all of line B's difference is the covariates'");
        double[] observed = Mean(vehicle), reference = Mean(Named("vehicle|A"));
        float[] predicted = _model.PredictMean(vehicle.Features);
        double worst = Enumerable.Range(0, D).Max(j => Math.Abs(predicted[j] - observed[j]));
        TestContext.Out.WriteLine($"line B vehicle: worst error {worst:F3}; its differences from line A {string.Join(", ", observed.Select((m, j) => (m - reference[j]).ToString("F2")))}");
        Assert.That(worst, Is.LessThan(0.2));
        Assert.That(_model.Options.CovariateFeatures, Is.EqualTo(new[] { "line=B" }));
    }

    /// <summary>
    /// The unseen top dose of every drug in both lines, against a GIM whose shifts move linearly with the dose feature and
    /// whose heads carry the line (no covariates, no dose curve: what a screen of several lines got before 0.10.0).
    /// Measured (seed 2): RMS error of the means 0.456 with covariates and the dose curve vs 1.174 without.
    /// </summary>
    [Test]
    public void AtAnUnseenDose_BothLinesArePredictedBetter_ThanWithoutCovariatesAndTheCurve()
    {
        GimOptions before = Options();
        before.DoseFeature = null;
        before.CovariateFeatures = null;
        using GimModel linear = new GimTrainer(before).Fit(_train);
        double with = MeanError(_model, _topDoses), without = MeanError(linear, _topDoses);
        TestContext.Out.WriteLine($"unseen top dose, RMS mean error: covariates and curve {with:F3}, linear dose {without:F3}");
        Assert.That(with, Is.LessThan(0.6 * without));
    }

    /// <summary>
    /// A drug far from every training drug, in line B: the calibration shrinks the perturbation's own shift (familiarity
    /// well below 1), but line B's difference is the covariates', the same as for line B's vehicle.
    /// </summary>
    [Test]
    public void ANewDrugInLineB_KeepsLineBsBaseline_UnshrunkByTheCalibration()
    {
        Assert.That(_model.Calibration, Is.Not.Null);
        InterventionExplanation far = _model.Explain(new[] { 4f, -4f, 4f, -4f, 3f, 1f, 1f }), vehicle = _model.Explain(Named("vehicle|B").Features);
        Assert.That(far.Familiarity, Is.LessThan(0.5));
        Assert.That(far.CovariateEffect, Is.EqualTo(vehicle.CovariateEffect).Within(1e-5));
        InterventionExplanation lineA = _model.Explain(new[] { 4f, -4f, 4f, -4f, 3f, 1f, 0f });
        Assert.That(lineA.CovariateEffect, Is.All.EqualTo(0f), "the reference line has no covariate effect");
    }

    [Test]
    public void TheCovariateShift_TravelsThroughTheParameterFormat_AndTheOnnxGraph([Values] bool logDose)
    {
        GimModel fitted = logDose ? _log : _model;
        LinearGimParameters p = fitted.ExportParameters();
        Assert.That(p.CovariateShift!.FeatureIndices, Is.EqualTo(new[] { 6 }));
        Assert.That(p.DoseResponse!.Encoding, Is.EqualTo(logDose ? DoseEncoding.Log10OnePlus : DoseEncoding.Concentration));
        GimParameters back = GimParameterFormat.Read(GimParameterFormat.Write(p), "test");
        Assert.That(GimParameterFormat.Write(back), Is.EqualTo(GimParameterFormat.Write(p)));
        using GimModel reloaded = GimModel.FromParameters((LinearGimParameters)back);
        Assert.That(reloaded.Options.CovariateFeatures, Is.EqualTo(new[] { "line=B" }));
        Assert.That(reloaded.Options.DoseEncoding, Is.EqualTo(fitted.Options.DoseEncoding));
        float[][] features = Screen(logDose).Contexts.Select(c => c.Features).ToArray();
        foreach (float[] f in features)
            Assert.That(reloaded.PredictMean(f), Is.EqualTo(fitted.PredictMean(f)));

        using var onnx = new OnnxRunner(fitted.ExportOnnx(new GimOnnxExportOptions()));
        Dictionary<string, float[,]> outputs = onnx.Run(("Features", features));
        for (int r = 0; r < features.Length; r++)
        {
            float[] mean = fitted.PredictMean(features[r]), shift = fitted.Explain(features[r]).Shift;
            for (int j = 0; j < D; j++)
            {
                Assert.That(outputs["PredictedMean"][r, j], Is.EqualTo(mean[j]).Within(1e-4 * (1 + Math.Abs(mean[j]))), $"row {r}, variable {j}: mean");
                Assert.That(outputs["Shift"][r, j], Is.EqualTo(shift[j]).Within(1e-4 * (1 + Math.Abs(shift[j]))), $"row {r}, variable {j}: shift");
            }
        }
        // The counterfactual graph moves reference-line control cells by what the in-process model adds to them.
        float[,] controls = Screen(logDose).Contexts.Single(c => c.IsControl).Samples;
        float[] lineBDrug = features.First(f => f[6] == 1 && f[5] > 0);
        using var counterfactual = new OnnxRunner(fitted.ExportOnnx(new GimOnnxExportOptions { ControlCellsInputName = "Control" }));
        float[,] first = new float[5, D];
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < D; j++) first[i, j] = controls[i, j];
        float[,] graph = counterfactual.Run(("Features", Enumerable.Repeat(lineBDrug, 5).ToArray()), ("Control", ParityAssert.Rows(first)))["Sample"];
        ParityAssert.Close(graph, fitted.Counterfactual(lineBDrug, first), "counterfactual of line-A control cells as line-B cells under a drug");
    }

    /// <summary>
    /// The same screen with the dose feature as log10(1 + c): the curve reads the same concentrations, so the fit learns
    /// the same curve and predicts the same means as from c itself (up to float rounding through training). Measured
    /// (seed 2): the same K to 4 digits, means at most 5e-7 apart.
    /// </summary>
    [Test]
    public void ALog10Dose_GivesTheCurveOfTheConcentration()
    {
        PerturbationDataset logged = Screen(logDose: true);
        double worst = 0;
        for (int i = 0; i < _all.Contexts.Count; i++)
        {
            float[] a = _model.PredictMean(_all.Contexts[i].Features), b = _log.PredictMean(logged.Contexts[i].Features);
            worst = Math.Max(worst, Enumerable.Range(0, D).Max(j => Math.Abs(a[j] - b[j])));
        }
        double k = _model.Explain(_all.Contexts[5].Features).Dose!.HalfEffectDose, kLog = _log.Explain(logged.Contexts[5].Features).Dose!.HalfEffectDose;
        TestContext.Out.WriteLine($"K {k:F4} from c, {kLog:F4} from log10(1 + c); means at most {worst:E2} apart");
        Assert.That(kLog, Is.EqualTo(k).Within(1e-3 * k));
        Assert.That(worst, Is.LessThan(1e-3));
        Assert.That(() => _log.PredictMean(new[] { 1f, 0, 0, 0, 0, -0.5f, 0 }), Throws.ArgumentException.With.Message.Contains("log10(1 + concentration) ≥ 0"));
    }

    [Test]
    public void AnotherLinesVehicle_WithoutCovariates_IsRefusedByTheDosePath_NamingTheOption()
    {
        GimOptions options = Options();
        options.CovariateFeatures = null;
        options.MaxSteps = 5;
        var e = Assert.Throws<ArgumentException>(() => new GimTrainer(options).Fit(_train))!;
        Assert.That(e.Message, Does.Contain("dose feature 'dose' = 0 (first: 'vehicle|B')").And.Contain("GimOptions.CovariateFeatures"));
    }

    [Test]
    public void BadCovariateSettings_AreRefused_NamingWhatIsWrong()
    {
        GimOptions unknown = Options();
        unknown.CovariateFeatures = new[] { "line=C" };
        unknown.MaxSteps = 5;
        Assert.That(Assert.Throws<ArgumentException>(() => new GimTrainer(unknown).Fit(_train))!.Message,
            Does.Contain("GimOptions.CovariateFeatures names 'line=C', which is not one of the 7 features (t0, t1, t2, t3, potency, dose, line=B)"));
        Assert.That(new GimOptions { CovariateFeatures = new[] { "line=B", "line=B" } }.Validate, Throws.ArgumentException.With.Message.Contains("names 'line=B' twice"));
        Assert.That(new GimOptions { CovariateFeatures = Array.Empty<string>() }.Validate, Throws.ArgumentException.With.Message.Contains("at least one feature"));
        Assert.That(new GimOptions { DoseFeature = "dose", CovariateFeatures = new[] { "dose" } }.Validate, Throws.ArgumentException.With.Message.Contains("names the dose feature 'dose'"));
        // Since 0.15.0 covariates go with known targets (KnownTargetTrainingTests.WithCellLinesAsCovariates_…).
        Assert.That(new GimOptions { KnownTargets = KnownTargetKind.Shift, CovariateFeatures = new[] { "line=B" } }.Validate, Throws.Nothing);
    }

    /// <summary>
    /// A warm start without covariates (here without a dose path, which a second line's vehicle would need them for)
    /// leaves U at zero, where a cold fit starts it; one whose covariates are other features is refused, naming the option.
    /// </summary>
    [Test]
    public void AWarmStartWithoutCovariates_StartsTheCovariateShiftAtZero()
    {
        static GimOptions Short(IReadOnlyList<string>? covariates, GimWarmStart? start = null)
        {
            GimOptions o = Options(dose: null);
            (o.CovariateFeatures, o.MaxSteps, o.CalibrationFolds, o.WarmStart) = (covariates, 5, 0, start);
            return o;
        }
        using GimModel plain = new GimTrainer(Short(null)).Fit(_train);
        using GimModel warm = new GimTrainer(Short(new[] { "line=B" }, GimWarmStart.From(plain.ExportParameters()))).Fit(_train);
        Assert.That(warm.ExportParameters().CovariateShift!.Weight.Cast<float>().Any(w => w != 0), Is.True, "U trained from zero");

        using GimModel other = new GimTrainer(Short(new[] { "potency" })).Fit(_train);
        var e = Assert.Throws<ArgumentException>(() => new GimTrainer(Short(new[] { "line=B" }, GimWarmStart.From(other.ExportParameters()))).Fit(_train))!;
        Assert.That(e.Message, Does.Contain("covariate features differ from GimOptions.CovariateFeatures"));
        Assert.That(e.ParamName, Is.EqualTo("GimOptions.WarmStart"));
    }

    /// <summary>RMS over contexts and variables of (predicted − observed mean) / control SD.</summary>
    private static double MeanError(GimModel model, PerturbationDataset data)
    {
        double sum = 0;
        int count = 0;
        foreach (PerturbationContext context in data.Contexts)
        {
            float[] predicted = model.PredictMean(context.Features);
            double[] observed = Mean(context);
            for (int j = 0; j < D; j++)
            {
                double e = (predicted[j] - observed[j]) / model.VariableStandardizer.Scale[j];
                sum += e * e;
                count++;
            }
        }
        return Math.Sqrt(sum / count);
    }
}
