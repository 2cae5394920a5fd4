using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Causal.Onnx;

/// <summary>The exported nonlinear graph against the TorchSharp model it came from.</summary>
[TestFixture(InterventionKind.Shift, 0)]
[TestFixture(InterventionKind.ShiftScale, 1)]
public class NonlinearOnnxExporterTests(InterventionKind kind, int depth)
{
    private GimModel _model = null!;
    private NonlinearGimParameters _parameters = null!;

    private static readonly float[][] Queries =
    {
        TinyLinearScm.Features("none", 0), TinyLinearScm.Features("r1", 2), TinyLinearScm.Features("r3", 1),
        TinyLinearScm.Features("r2", 3.5f), new float[] { 1, 0, 0, 1, 0, 1.5f },
    };

    [OneTimeSetUp]
    public void Train()
    {
        _model = NonlinearTestModels.Train(kind, depth);
        _parameters = _model.ExportNonlinearParameters();
    }

    [OneTimeTearDown]
    public void Dispose() => _model.Dispose();

    [Test]
    public void MapOutputs_EqualTorchSharp()
    {
        using var onnx = new OnnxRunner(NonlinearGimOnnxExporter.Export(_parameters));
        var outputs = onnx.Run(("Features", Queries));
        var explanations = _model.Explain(Queries);
        ParityAssert.Close(outputs["PredictedMean"], ParityAssert.Rows(Queries.Select(q => _model.PredictMean(q)).ToList()), "PredictedMean (MAP, Monte Carlo)");
        ParityAssert.Close(outputs["TargetProbabilities"], ParityAssert.Rows(explanations.Select(e => e.TargetProbabilities).ToList()), "TargetProbabilities");
        ParityAssert.Close(outputs["Shift"], ParityAssert.Rows(explanations.Select(e => e.Shift).ToList()), "Shift");
    }

    [Test]
    public void EveryVariant_UsesEveryConstantItHolds() =>
        OnnxInitializers.AssertEveryVariantUsesAll(options => NonlinearGimOnnxExporter.Export(_parameters, options));

    [Test]
    public void MarginalMean_EqualsTorchSharp()
    {
        using var onnx = new OnnxRunner(NonlinearGimOnnxExporter.Export(_parameters, new GimOnnxExportOptions { Mode = PredictionMode.Marginal }));
        var outputs = onnx.Run(("Features", Queries));
        ParityAssert.Close(outputs["PredictedMean"], ParityAssert.Rows(Queries.Select(q => _model.PredictMean(q, PredictionMode.Marginal)).ToList()), "PredictedMean (Marginal)");
    }

    [Test]
    public void Counterfactuals_EqualTorchSharp()
    {
        float[,] controls = TinyLinearScm.Dataset(cellsPerContext: 8, seed: 9).Contexts.Single(c => c.IsControl).Samples;
        using var onnx = new OnnxRunner(NonlinearGimOnnxExporter.Export(_parameters, new GimOnnxExportOptions { ControlCellsInputName = "Measurements" }));
        foreach (float[] query in Queries)
        {
            float[][] features = Enumerable.Repeat(query, controls.GetLength(0)).ToArray();
            var outputs = onnx.Run(("Features", features), ("Measurements", ParityAssert.Rows(controls)));
            ParityAssert.Close(outputs["Sample"], _model.Counterfactual(query, controls), "Counterfactual");
        }
    }

    /// <summary>
    /// Independent draws on both sides, so the bound is 5 standard errors of a difference of two means:
    /// √(s²/n_onnx + s²/n_torch) per variable.
    /// </summary>
    [Test]
    public void SampleMeans_AgreeWithTorchSharpSamples_WithinFiveStandardErrors()
    {
        const int n = 4000;
        using var onnx = new OnnxRunner(NonlinearGimOnnxExporter.Export(_parameters, new GimOnnxExportOptions { Seed = 11 }));
        foreach (float[] query in new[] { Queries[1], Queries[3] })
        {
            float[,] exported = onnx.Run(("Features", Enumerable.Repeat(query, n).ToArray()))["Sample"];
            float[,] torch = _model.Sample(query, n, PredictionMode.Map, seed: 12);
            double worst = 0;
            for (int j = 0; j < exported.GetLength(1); j++)
            {
                double m1 = 0, m2 = 0, v = 0;
                for (int i = 0; i < n; i++) { m1 += exported[i, j] / (double)n; m2 += torch[i, j] / (double)n; }
                for (int i = 0; i < n; i++) v += (torch[i, j] - m2) * (torch[i, j] - m2) / (n - 1);
                double z = Math.Abs(m1 - m2) / Math.Sqrt(2 * v / n);
                worst = Math.Max(worst, z);
                Assert.That(z, Is.LessThan(5), $"variable {j}: ONNX mean {m1:G6} vs TorchSharp mean {m2:G6}");
            }
            TestContext.Out.WriteLine($"sample means for [{string.Join(", ", query)}]: worst |z| = {worst:F2}");
        }
    }

    [Test]
    public void Samples_DifferAcrossRows_AndReplayInAFreshSession()
    {
        byte[] graph = NonlinearGimOnnxExporter.Export(_parameters, new GimOnnxExportOptions { Seed = 7 });
        float[][] rows = Enumerable.Repeat(Queries[1], 3).ToArray();
        float[,] first, again;
        using (var onnx = new OnnxRunner(graph)) first = onnx.Run(("Features", rows))["Sample"];
        using (var onnx = new OnnxRunner(graph)) again = onnx.Run(("Features", rows))["Sample"];
        Assert.That(again, Is.EqualTo(first));
        Assert.That(first[0, 0], Is.Not.EqualTo(first[1, 0]));
    }
}
