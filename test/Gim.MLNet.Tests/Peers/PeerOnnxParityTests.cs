using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Peers;

/// <summary>Each peer's exported graph against the in-process model it came from.</summary>
[TestFixture("control")]
[TestFixture("nearest-context")]
[TestFixture("mean-shift")]
[TestFixture("conditional-gaussian")]
[TestFixture("two-stage")]
[TestFixture("training-mean")]
[TestFixture("linear-features")]
public class PeerOnnxParityTests(string method)
{
    private const int Draws = 3000;

    private PerturbationModel Model => method switch
    {
        "control" => PeerFixtures.Get().Control,
        "nearest-context" => PeerFixtures.Get().Nearest,
        "mean-shift" => PeerFixtures.Get().MeanShift,
        "conditional-gaussian" => PeerFixtures.Get().Gaussian,
        "training-mean" => PeerFixtures.Get().TrainingMean,
        "linear-features" => PeerFixtures.Get().Linear,
        _ => PeerFixtures.Get().TwoStage,
    };

    /// <summary>The control, a training context, two unseen doses and a new drug.</summary>
    private static float[][] Queries()
    {
        var screen = PeerFixtures.Get().Screen;
        return new[]
        {
            screen.Train.Data.Contexts[0].Features, screen.Train.Data.Contexts[5].Features,
            screen.PartialOod.Data.Contexts[2].Features, screen.PartialOod.Data.Contexts[7].Features,
            screen.FullOod.Data.Contexts[3].Features,
        };
    }

    [Test]
    public void Outputs_AreTheDocumentedOnes()
    {
        using var onnx = new OnnxRunner(Model.ExportOnnx());
        var outputs = onnx.Run(("Features", Queries()));
        string[] expected = Model.HasTargets
            ? new[] { "Sample", "PredictedMean", "TargetProbabilities", "Shift" }
            : new[] { "Sample", "PredictedMean", "Shift" };
        Assert.That(outputs.Keys, Is.EquivalentTo(expected));
        Assert.That(Model.OnnxOutputNames(), Is.EqualTo(expected));
    }

    [Test]
    public void DeterministicOutputs_EqualTheModel()
    {
        float[][] queries = Queries();
        using var onnx = new OnnxRunner(Model.ExportOnnx());
        var outputs = onnx.Run(("Features", queries));
        ParityAssert.Close(outputs["PredictedMean"], ParityAssert.Rows(queries.Select(Model.PredictMean).ToList()), "PredictedMean");
        if (Model is TwoStageCausalModel twoStage)
        {
            ParityAssert.Close(outputs["TargetProbabilities"], ParityAssert.Rows(queries.Select(q => Model.TargetProbabilities(q)!).ToList()), "TargetProbabilities");
            ParityAssert.Close(outputs["Shift"], ParityAssert.Rows(queries.Select(q => twoStage.Gim.Explain(q).Shift).ToList()), "Shift (ψ)");
        }
        else
            ParityAssert.Close(outputs["Shift"], ParityAssert.Rows(queries.Select(Model.MeanShift).ToList()), "Shift (effect on the mean)");
    }

    /// <summary>
    /// The mean of many exported draws for one feature vector against the model's mean: within 5 standard errors
    /// per variable, the standard error estimated from the draws themselves (zero-variance variables must match exactly).
    /// </summary>
    [Test]
    public void SampleMeans_MatchTheModelWithinSamplingError()
    {
        using var onnx = new OnnxRunner(Model.ExportOnnx(new OnnxExportOptions { Seed = 11 }));
        foreach (float[] query in Queries().Skip(1).Take(3))
        {
            float[,] samples = onnx.Run(("Features", Enumerable.Repeat(query, Draws).ToArray()))["Sample"];
            double[] mean = MeanMetrics.ColumnMeans(samples);
            float[] expected = Model.PredictMean(query);
            for (int j = 0; j < mean.Length; j++)
            {
                double variance = 0;
                for (int i = 0; i < Draws; i++) variance += (samples[i, j] - mean[j]) * (samples[i, j] - mean[j]) / (Draws - 1);
                double se = Math.Sqrt(variance / Draws);
                Assert.That(mean[j], Is.EqualTo(expected[j]).Within(5 * se + 1e-4 * Math.Max(1, Math.Abs(expected[j]))), $"variable {j}");
            }
        }
    }

    [Test]
    public void Rows_GetDifferentDraws_AndTheSeedReplays()
    {
        float[][] queries = Enumerable.Repeat(Queries()[2], 8).ToArray();
        byte[] graph = Model.ExportOnnx(new OnnxExportOptions { Seed = 5 });
        float[,] first, again;
        using (var onnx = new OnnxRunner(graph)) first = onnx.Run(("Features", queries))["Sample"];
        using (var onnx = new OnnxRunner(graph)) again = onnx.Run(("Features", queries))["Sample"];
        Assert.That(again, Is.EqualTo(first), "a fresh session replays the draws");
        var distinct = Enumerable.Range(0, 8).Select(i => string.Join(",", Enumerable.Range(0, first.GetLength(1)).Select(j => first[i, j]))).Distinct().Count();
        Assert.That(distinct, Is.GreaterThan(1), "rows are different draws");
    }
}
