using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.Causal.Onnx;

/// <summary>
/// Known-target models (issue 20) leave the process: their parameters round-trip exactly, the exported ONNX graph (with
/// ONNX Runtime's contrib Inverse for each row's own system matrix) predicts what the model predicts, and the ML.NET
/// estimator fits, transforms, saves and loads them.
/// </summary>
public class KnownTargetExportTests
{
    private static readonly PerturbSeqScreen Screen = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 9 });

    private static GimModel Fit(KnownTargetKind kind) =>
        new GimTrainer(new GimOptions { Seed = 9, KnownTargets = kind, CalibrationFolds = 0, MaxSteps = 400 }).Fit(Screen.Train);

    /// <summary>Rows to predict: an unseen gene, a pair with one, a seen gene, two seen, the control.</summary>
    private static float[][] Rows() => new[]
    {
        Screen.UnseenSingle!.Contexts[0].Features, Screen.PairsSeen1!.Contexts[0].Features, Screen.Train.Contexts[1].Features,
        Screen.PairsSeen2!.Contexts[0].Features, Screen.Train.Contexts[0].Features,
    };

    [TestCase(KnownTargetKind.Knockdown)]
    [TestCase(KnownTargetKind.Hard)]
    [TestCase(KnownTargetKind.Shift)]
    public void Parameters_RoundTripThroughTheFileFormat_AndPredictTheSame(KnownTargetKind kind)
    {
        using GimModel model = Fit(kind);
        LinearGimParameters exported = model.ExportParameters();
        Assert.That(exported.KnownTargets!.Kind, Is.EqualTo(kind));
        var read = (LinearGimParameters)GimParameterFormat.Read(GimParameterFormat.Write(exported), "test");
        using GimModel reloaded = GimModel.FromParameters(read);
        Assert.That(reloaded.Options.KnownTargets, Is.EqualTo(kind));
        foreach (float[] row in Rows())
        {
            Assert.That(reloaded.PredictMean(row), Is.EqualTo(model.PredictMean(row)));
            Assert.That(reloaded.Explain(row).TargetProbabilities, Is.EqualTo(model.Explain(row).TargetProbabilities));
        }
    }

    /// <summary>The known-target block (format version 4 on) refuses damage with a message naming the source and what is wrong.</summary>
    [Test]
    public void ADamagedKnownTargetBlock_IsRefusedClearly()
    {
        using GimModel model = new GimTrainer(new GimOptions { Seed = 9, KnownTargets = KnownTargetKind.Hard, CalibrationFolds = 0, MaxSteps = 5 }).Fit(Screen.Train);
        byte[] bytes = GimParameterFormat.Write(model.ExportParameters());
        int d = model.VariableCount, p = model.FeatureCount;
        // The block comes last but for the covariate flag (version 5): kind, d feature indices (length-prefixed), d seen flags
        // (length-prefixed), r̄, W (shape-prefixed), u (length-prefixed).
        int kindAt = bytes.Length - 1 - (4 + 4 * d) - (8 + 4 * d * p) - 4 - (4 + d) - (4 + 4 * d) - 4;
        Assert.That(BitConverter.ToInt32(bytes, kindAt), Is.EqualTo((int)KnownTargetKind.Hard));
        byte[] unknownKind = (byte[])bytes.Clone();
        BitConverter.GetBytes(0).CopyTo(unknownKind, kindAt);
        Assert.That(() => GimParameterFormat.Read(unknownKind, "model.zip"),
            Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo("model.zip: unknown known-target kind 0."));
        byte[] badIndex = (byte[])bytes.Clone();
        BitConverter.GetBytes(p + 3).CopyTo(badIndex, kindAt + 8);
        Assert.That(() => GimParameterFormat.Read(badIndex, "model.zip"),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("KnownTargets.FeatureOfVariable"));
        Assert.That(() => GimParameterFormat.Read(bytes[..^3], "model.zip"), Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith("model.zip: "));
    }

    /// <summary>
    /// ONNX against the model: means and probabilities to float32 rounding (the graph solves each row's system by Woodbury
    /// in float32 — rows with one, two and no targets in one batch —, the model with LU; measured differences ≤ 2e-5 here), counterfactuals likewise, and the mean of 4,000 sampled
    /// rows within 5 standard errors of the predicted mean.
    /// </summary>
    [TestCase(KnownTargetKind.Knockdown)]
    [TestCase(KnownTargetKind.Hard)]
    [TestCase(KnownTargetKind.Shift)]
    public void TheOnnxGraph_PredictsWhatTheModelPredicts(KnownTargetKind kind)
    {
        using GimModel model = Fit(kind);
        float[][] rows = Rows();
        using (var runner = new OnnxRunner(model.ExportOnnx()))
        {
            Dictionary<string, float[,]> out1 = runner.Run(("Features", rows));
            for (int r = 0; r < rows.Length; r++)
            {
                float[] mean = model.PredictMean(rows[r]);
                float[] pi = model.Explain(rows[r]).TargetProbabilities;
                for (int j = 0; j < mean.Length; j++)
                {
                    Assert.That(out1["PredictedMean"][r, j], Is.EqualTo(mean[j]).Within(1e-4 * (1 + Math.Abs(mean[j]))), $"row {r}, variable {j}");
                    Assert.That(out1["TargetProbabilities"][r, j], Is.EqualTo(pi[j]).Within(1e-6), $"row {r}, variable {j}");
                }
            }
            // Sampling: one draw per row; 4,000 copies of the unseen gene's row.
            float[][] copies = Enumerable.Repeat(rows[0], 4000).ToArray();
            float[,] samples = runner.Run(("Features", copies))["Sample"];
            float[] expected = model.PredictMean(rows[0]);
            double[,] covariance = model.PredictCovariance(rows[0]);
            for (int j = 0; j < expected.Length; j++)
            {
                double sum = 0;
                for (int i = 0; i < 4000; i++) sum += samples[i, j];
                Assert.That(sum / 4000, Is.EqualTo(expected[j]).Within(5 * Math.Sqrt(covariance[j, j] / 4000)), $"variable {j}");
            }
        }
        float[,] controls = Screen.Train.Contexts[0].Samples;
        var controlRows = Enumerable.Range(0, 50).Select(i => Enumerable.Range(0, controls.GetLength(1)).Select(j => controls[i, j]).ToArray()).ToArray();
        byte[] counterfactualGraph = model.ExportOnnx(new GimOnnxExportOptions { ControlCellsInputName = "Control" });
        using var counterfactualRunner = new OnnxRunner(counterfactualGraph);
        float[,] onnx = counterfactualRunner.Run(("Features", Enumerable.Repeat(rows[1], 50).ToArray()), ("Control", controlRows))["Sample"];
        var first50 = new float[50, controls.GetLength(1)];
        for (int i = 0; i < 50; i++)
            for (int j = 0; j < controls.GetLength(1); j++) first50[i, j] = controls[i, j];
        float[,] inProcess = model.Counterfactual(rows[1], first50);
        for (int i = 0; i < 50; i++)
            for (int j = 0; j < controls.GetLength(1); j++)
                Assert.That(onnx[i, j], Is.EqualTo(inProcess[i, j]).Within(1e-4 * (1 + Math.Abs(inProcess[i, j]))), $"cell {i}, variable {j}");
    }

    /// <summary>
    /// Known targets with the cell line as a covariate (a declared target acts on its line's mechanism, intercept b + β): the
    /// parameters round-trip, and the ONNX graph's means and counterfactuals are the model's, in both lines, to float32
    /// rounding as above.
    /// </summary>
    [TestCase(KnownTargetKind.Knockdown)]
    [TestCase(KnownTargetKind.Hard)]
    public void WithCellLines_TheOnnxGraphPredictsWhatTheModelPredicts(KnownTargetKind kind)
    {
        PerturbSeqScreen screen = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 9, CellLines = 2 });
        using GimModel model = new GimTrainer(new GimOptions { Seed = 9, KnownTargets = kind, CalibrationFolds = 0, MaxSteps = 400, CovariateFeatures = screen.LineFeatures })
            .Fit(screen.Train);
        LinearGimParameters exported = model.ExportParameters();
        Assert.That(exported.CovariateShift, Is.Not.Null);
        using GimModel reloaded = GimModel.FromParameters((LinearGimParameters)GimParameterFormat.Read(GimParameterFormat.Write(exported), "test"));
        // Per line: an unseen gene, a pair with one, a seen gene and the line's control (line 0's is the control, line 1's its vehicle).
        float[][] rows = new[] { screen.UnseenSingle!, screen.PairsSeen1!, screen.Train }
            .SelectMany(split => split.Contexts.Where(c => !c.Name.StartsWith("ctrl", StringComparison.Ordinal)).GroupBy(c => c.Name.Split('|')[1]).Select(g => g.First().Features))
            .Concat(screen.Train.Contexts.Where(c => c.Name.StartsWith("ctrl", StringComparison.Ordinal)).Select(c => c.Features)).ToArray();
        Assert.That(rows, Has.Length.EqualTo(8));
        // Explain reports a declared target's own intercept change: for a knockdown in line L1, δ_j = (1 − h)(o_j − b_j − β_j)
        // with β_j = U_j·x_cov, without the β that every variable gets (that is CovariateEffect).
        float[] inL1 = rows[1];
        InterventionExplanation explained = model.Explain(inL1);
        int target = Enumerable.Range(0, screen.Train.VariableCount).First(j => screen.Train.FeatureNames.ToList().IndexOf(screen.Train.VariableNames[j]) is int q && q >= 0 && inL1[q] == 1);
        double beta = exported.CovariateShift!.FeatureIndices.Select((q, c) => exported.CovariateShift.Weight[target, c] * inL1[q]).Sum();
        Assert.That(Math.Abs(beta), Is.GreaterThan(0.05), "line L1's β on the target");
        double o = -exported.VariableMean[target] / exported.VariableScale[target];
        double h = explained.RemainingFraction![target];
        double expected = kind == KnownTargetKind.Knockdown ? (1 - h) * (o - exported.Bias[target] - beta) : (1 - h) * o - exported.Bias[target] - beta;
        Assert.That(explained.Shift[target], Is.EqualTo(expected).Within(1e-4), "the target's own δ");
        Assert.That(explained.CovariateEffect, Is.Not.Null);
        using var runner = new OnnxRunner(model.ExportOnnx());
        Dictionary<string, float[,]> outputs = runner.Run(("Features", rows));
        for (int r = 0; r < rows.Length; r++)
        {
            float[] mean = model.PredictMean(rows[r]);
            Assert.That(reloaded.PredictMean(rows[r]), Is.EqualTo(mean), $"row {r}: the reloaded parameters");
            for (int j = 0; j < mean.Length; j++)
                Assert.That(outputs["PredictedMean"][r, j], Is.EqualTo(mean[j]).Within(1e-4 * (1 + Math.Abs(mean[j]))), $"row {r}, variable {j}");
        }
        float[,] controls = screen.Train.Contexts[0].Samples;
        int d = controls.GetLength(1);
        var first = new float[20, d];
        for (int i = 0; i < 20; i++)
            for (int j = 0; j < d; j++) first[i, j] = controls[i, j];
        var controlRows = Enumerable.Range(0, 20).Select(i => Enumerable.Range(0, d).Select(j => controls[i, j]).ToArray()).ToArray();
        using var counterfactualRunner = new OnnxRunner(model.ExportOnnx(new GimOnnxExportOptions { ControlCellsInputName = "Control" }));
        foreach (float[] row in new[] { rows[0], rows[1] })
        {
            float[,] onnx = counterfactualRunner.Run(("Features", Enumerable.Repeat(row, 20).ToArray()), ("Control", controlRows))["Sample"];
            float[,] inProcess = model.Counterfactual(row, first);
            for (int i = 0; i < 20; i++)
                for (int j = 0; j < d; j++)
                    Assert.That(onnx[i, j], Is.EqualTo(inProcess[i, j]).Within(1e-4 * (1 + Math.Abs(inProcess[i, j]))), $"cell {i}, variable {j}");
        }
    }

    /// <summary>The contexts as an IDataView whose vector slots are named like the screen's genes and guides (as AnnData or CSV gives them).</summary>
    private static IDataView View(MLContext ml, PerturbationDataset data, int take = int.MaxValue) =>
        data.Contexts.Select(c => new ContextSpec(c.Name, c.IsControl, c.Features,
                Enumerable.Range(0, Math.Min(take, c.SampleCount)).Select(i => Enumerable.Range(0, data.VariableCount).Select(j => c.Samples[i, j]).ToArray()).ToArray()))
            .ToList().ToDataView(ml, variableNames: data.VariableNames.ToArray(), featureNames: data.FeatureNames.ToArray());

    /// <summary>The ML.NET estimator: fit, transform, save as .zip and load; the loaded pipeline predicts the in-process means.</summary>
    [Test]
    public void TheMlNetEstimator_FitsSavesAndLoadsAKnownTargetModel()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = View(ml, Screen.Train);
        var transformer = ml.Perturbation().Trainers.Gim(new GimOptions { Seed = 9, KnownTargets = KnownTargetKind.Knockdown, MaxSteps = 400 }).Fit(train);
        IDataView unseen = View(ml, new PerturbationDataset(new[] { Screen.UnseenSingle!.Contexts[0] }, Screen.Train.VariableNames, Screen.Train.FeatureNames), take: 3);
        string path = Path.Combine(Path.GetTempPath(), $"gim-known-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(transformer, train.Schema, path);
            ITransformer loaded = ml.Model.Load(path, out _);
            float[][] before = GimTestData.Column(transformer.Transform(unseen), "PredictedMean");
            float[][] after = GimTestData.Column(loaded.Transform(unseen), "PredictedMean");
            float[] inProcess = transformer.Model.PredictMean(Screen.UnseenSingle!.Contexts[0].Features);
            Assert.That(after, Is.EqualTo(before));
            for (int j = 0; j < inProcess.Length; j++)
                Assert.That(after[0][j], Is.EqualTo(inProcess[j]).Within(1e-4 * (1 + Math.Abs(inProcess[j]))), $"variable {j}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
