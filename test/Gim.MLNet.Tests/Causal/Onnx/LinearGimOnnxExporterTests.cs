using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Causal.Onnx;

/// <summary>The exported graph against the TorchSharp model it came from.</summary>
[TestFixture(InterventionKind.Shift, 0)]
[TestFixture(InterventionKind.ShiftScale, 1)]
public class LinearGimOnnxExporterTests(InterventionKind kind, int depth)
{
    private GimModel _model = null!;
    private LinearGimParameters _parameters = null!;

    // Seen and unseen feature vectors: training contexts, a new dose, and a combination never trained on.
    private static readonly float[][] Queries =
    {
        TinyLinearScm.Features("none", 0), TinyLinearScm.Features("r1", 2), TinyLinearScm.Features("r3", 1),
        TinyLinearScm.Features("r2", 3.5f), new float[] { 1, 0, 0, 1, 0, 1.5f },
    };

    [OneTimeSetUp]
    public void Train()
    {
        _model = TinyLinearScm.Train(kind, depth);
        _parameters = _model.ExportParameters();
    }

    [OneTimeTearDown]
    public void Dispose() => _model.Dispose();

    [Test]
    public void MapOutputs_EqualTorchSharp()
    {
        using var onnx = new OnnxRunner(LinearGimOnnxExporter.Export(_parameters));
        var outputs = onnx.Run(("Features", Queries));
        var explanations = _model.Explain(Queries);
        ParityAssert.Close(outputs["PredictedMean"], ParityAssert.Rows(Queries.Select(q => _model.PredictMean(q)).ToList()), "PredictedMean (MAP)");
        ParityAssert.Close(outputs["TargetProbabilities"], ParityAssert.Rows(explanations.Select(e => e.TargetProbabilities).ToList()), "TargetProbabilities");
        ParityAssert.Close(outputs["Shift"], ParityAssert.Rows(explanations.Select(e => e.Shift).ToList()), "Shift");
    }

    [Test]
    public void EveryVariant_UsesEveryConstantItHolds() =>
        OnnxInitializers.AssertEveryVariantUsesAll(options => LinearGimOnnxExporter.Export(_parameters, options));

    [Test]
    public void InvalidParameters_AreRejectedBeforeExport_NamingTheProblem()
    {
        var wrongScale = new LinearGimParameters
        {
            VariableNames = _parameters.VariableNames, FeatureNames = _parameters.FeatureNames,
            VariableMean = _parameters.VariableMean, VariableScale = _parameters.VariableScale[..^1],
            FeatureMean = _parameters.FeatureMean, FeatureScale = _parameters.FeatureScale,
            Graph = _parameters.Graph, Bias = _parameters.Bias, LogScale = _parameters.LogScale,
            Interventions = _parameters.Interventions, SkipWeight = _parameters.SkipWeight, SkipBias = _parameters.SkipBias,
            HiddenLayers = _parameters.HiddenLayers, FromHiddenWeight = _parameters.FromHiddenWeight,
        };
        Assert.That(() => LinearGimOnnxExporter.Export(wrongScale),
            Throws.ArgumentException.With.Message.Contains("the variable standardisation must have d entries"));
    }

    [Test]
    public void MarginalMean_EqualsTorchSharpMixtureMean()
    {
        using var onnx = new OnnxRunner(LinearGimOnnxExporter.Export(_parameters, new GimOnnxExportOptions { Mode = PredictionMode.Marginal }));
        var outputs = onnx.Run(("Features", Queries));
        ParityAssert.Close(outputs["PredictedMean"], ParityAssert.Rows(Queries.Select(q => _model.PredictMean(q, PredictionMode.Marginal)).ToList()), "PredictedMean (Marginal)");
    }

    [Test]
    public void Counterfactuals_EqualTorchSharp()
    {
        float[,] controls = TinyLinearScm.Dataset(cellsPerContext: 8, seed: 9).Contexts.Single(c => c.IsControl).Samples;
        var options = new GimOnnxExportOptions { ControlCellsInputName = "Measurements" };
        using var onnx = new OnnxRunner(LinearGimOnnxExporter.Export(_parameters, options));
        foreach (float[] query in Queries)
        {
            float[][] features = Enumerable.Repeat(query, controls.GetLength(0)).ToArray();
            var outputs = onnx.Run(("Features", features), ("Measurements", ParityAssert.Rows(controls)));
            ParityAssert.Close(outputs["Sample"], _model.Counterfactual(query, controls), "Counterfactual");
        }
    }

    [Test]
    public void Counterfactual_OfControlFeatures_ReturnsTheControlCell()
    {
        // No targets under control features (after training, π < 0.5 there), so x = A⁻¹(b + u₀) = x₀.
        float[,] controls = TinyLinearScm.Dataset(cellsPerContext: 4, seed: 5).Contexts.Single(c => c.IsControl).Samples;
        Assume.That(_model.Explain(Queries[0]).MapTargets, Has.None.True);
        using var onnx = new OnnxRunner(LinearGimOnnxExporter.Export(_parameters, new GimOnnxExportOptions { ControlCellsInputName = "Control" }));
        var outputs = onnx.Run(("Features", Enumerable.Repeat(Queries[0], 4).ToArray()), ("Control", ParityAssert.Rows(controls)));
        ParityAssert.Close(outputs["Sample"], controls, "Counterfactual of a control");
    }

    /// <summary>
    /// Tolerance: 5 standard errors per entry. The sample mean of N draws has SE √(Σⱼⱼ/N); a sample
    /// covariance entry has SE √((ΣᵢᵢΣⱼⱼ + Σᵢⱼ²)/N) for Gaussian data. With 20 entries checked, a correct
    /// graph fails with probability about 20 · 6e-7; the seed is fixed anyway, so the test is deterministic.
    /// </summary>
    [Test]
    public void SampleMoments_MatchClosedForm_WithinFiveStandardErrors()
    {
        const int n = 40000;
        using var onnx = new OnnxRunner(LinearGimOnnxExporter.Export(_parameters, new GimOnnxExportOptions { Seed = 11 }));
        foreach (float[] query in new[] { Queries[1], Queries[3] })
        {
            float[,] samples = onnx.Run(("Features", Enumerable.Repeat(query, n).ToArray()))["Sample"];
            float[] mean = _model.PredictMean(query);
            double[,] covariance = _model.PredictCovariance(query);
            int d = mean.Length;
            var sampleMean = new double[d];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < d; j++) sampleMean[j] += samples[i, j] / (double)n;
            double worstZ = 0;
            for (int j = 0; j < d; j++)
            {
                double z = Math.Abs(sampleMean[j] - mean[j]) / Math.Sqrt(covariance[j, j] / n);
                worstZ = Math.Max(worstZ, z);
                Assert.That(z, Is.LessThan(5), $"mean of variable {j}: sample {sampleMean[j]:G6} vs closed form {mean[j]:G6}");
            }
            for (int a = 0; a < d; a++)
                for (int b = a; b < d; b++)
                {
                    double c = 0;
                    for (int i = 0; i < n; i++) c += (samples[i, a] - sampleMean[a]) * (samples[i, b] - sampleMean[b]);
                    c /= n - 1;
                    double se = Math.Sqrt((covariance[a, a] * covariance[b, b] + covariance[a, b] * covariance[a, b]) / n);
                    double z = Math.Abs(c - covariance[a, b]) / se;
                    worstZ = Math.Max(worstZ, z);
                    Assert.That(z, Is.LessThan(5), $"covariance [{a}, {b}]: sample {c:G6} vs closed form {covariance[a, b]:G6}");
                }
            TestContext.Out.WriteLine($"moments for [{string.Join(", ", query)}]: worst |z| = {worstZ:F2} (bound 5)");
        }
    }

    [Test]
    public void MarginalSampleMean_MatchesMixtureMean_WithinFiveStandardErrors()
    {
        const int n = 40000;
        using var onnx = new OnnxRunner(LinearGimOnnxExporter.Export(_parameters, new GimOnnxExportOptions { Mode = PredictionMode.Marginal, Seed = 5 }));
        float[] query = Queries[3];
        float[,] samples = onnx.Run(("Features", Enumerable.Repeat(query, n).ToArray()))["Sample"];
        float[] mean = _model.PredictMean(query, PredictionMode.Marginal);
        for (int j = 0; j < mean.Length; j++)
        {
            // The mixture's variance has no closed form here; the sample variance estimates it.
            double m = 0, s = 0;
            for (int i = 0; i < n; i++) m += samples[i, j] / (double)n;
            for (int i = 0; i < n; i++) s += (samples[i, j] - m) * (samples[i, j] - m) / (n - 1);
            Assert.That(Math.Abs(m - mean[j]) / Math.Sqrt(s / n), Is.LessThan(5), $"variable {j}: sample mean {m:G6} vs mixture mean {mean[j]:G6}");
        }
    }

    [Test]
    public void Samples_DifferAcrossRows_AndReplayInAFreshSession()
    {
        byte[] graph = LinearGimOnnxExporter.Export(_parameters, new GimOnnxExportOptions { Seed = 7 });
        float[][] rows = Enumerable.Repeat(Queries[1], 3).ToArray();
        float[,] first, again;
        using (var onnx = new OnnxRunner(graph)) first = onnx.Run(("Features", rows))["Sample"];
        using (var onnx = new OnnxRunner(graph)) again = onnx.Run(("Features", rows))["Sample"];
        Assert.That(again, Is.EqualTo(first), "a fresh session with the same seed replays the same draws");
        Assert.That(first[0, 0], Is.Not.EqualTo(first[1, 0]), "rows with the same features get different draws");
        using var other = new OnnxRunner(LinearGimOnnxExporter.Export(_parameters, new GimOnnxExportOptions { Seed = 8 }));
        Assert.That(other.Run(("Features", rows))["Sample"], Is.Not.EqualTo(first), "another seed gives other draws");
    }

    [Test]
    public void Save_WritesAtomically_AndTheFileLoads()
    {
        string directory = Path.Combine(Path.GetTempPath(), "gim-onnx-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(directory, "model.onnx");
            LinearGimOnnxExporter.Save(_parameters, path);
            LinearGimOnnxExporter.Save(_parameters, path); // overwrite
            Assert.That(Directory.GetFiles(directory), Is.EqualTo(new[] { path }), "no temporary file is left behind");
            using var onnx = new OnnxRunner(File.ReadAllBytes(path));
            Assert.That(onnx.Run(("Features", Queries))["PredictedMean"].GetLength(0), Is.EqualTo(Queries.Length));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void InputAndOutputNames_AreConfigurable_AndMustBeDistinct()
    {
        var options = new GimOnnxExportOptions { FeaturesInputName = "Gamma", SampleOutputName = "Draw" };
        using var onnx = new OnnxRunner(LinearGimOnnxExporter.Export(_parameters, options));
        Assert.That(onnx.Run(("Gamma", Queries)).Keys, Is.EquivalentTo(new[] { "Draw", "PredictedMean", "TargetProbabilities", "Shift" }));
        var clash = new GimOnnxExportOptions { ShiftOutputName = "Sample" };
        Assert.That(() => LinearGimOnnxExporter.Export(_parameters, clash), Throws.ArgumentException.With.Message.Contains("'Sample'"));
    }
}
