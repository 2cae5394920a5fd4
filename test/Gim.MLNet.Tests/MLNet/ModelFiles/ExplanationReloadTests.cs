using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.MLNet.ModelFiles;

/// <summary>
/// The parameters behind Graph(), Explain and the ranked targets travel inside the saved .zip (in the ONNX graph's
/// metadata), and the model rebuilt from a reloaded file explains exactly as the fitted transformer did.
/// </summary>
public class ExplanationReloadTests
{
    public static IEnumerable<TestCaseData> Models => new[]
    {
        new TestCaseData(CausalModelKind.Linear, InterventionKind.Shift, 0).SetName("Linear, shift, linear encoder"),
        new TestCaseData(CausalModelKind.Linear, InterventionKind.ShiftScale, 1).SetName("Linear, shift-scale, one hidden layer"),
        new TestCaseData(CausalModelKind.Nonlinear, InterventionKind.Shift, 0).SetName("Nonlinear, shift"),
    };

    [TestCaseSource(nameof(Models))]
    public void AReloadedModel_ExplainsExactlyAsTheFittedOne(CausalModelKind causal, InterventionKind kind, int depth)
    {
        using var dir = new FixtureFiles.TempDir();
        var mlContext = new MLContext(seed: 1);
        IDataView cells = mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(cellsPerContext: 40));
        GimOptions options = GimTestData.Options(steps: causal == CausalModelKind.Nonlinear ? 40 : 150);
        options.CausalModel = causal;
        options.Interventions = kind;
        options.EncoderDepth = depth;
        using GimTransformer fitted = mlContext.Perturbation().Trainers.Gim(options).Fit(cells);
        string path = Path.Combine(dir.Path, "gim.zip");
        mlContext.Model.SaveAtomically(fitted, cells.Schema, path);

        // docs: explain
        // Any process with Gim.MLNet: the GIM inside the saved pipeline, rebuilt from the parameters the .zip carries.
        using GimModel reloaded = new MLContext().Model.LoadGimModel(path);
        double[,] graph = reloaded.Graph();                                      // B[cause, effect], standardised units
        InterventionExplanation explanation = reloaded.Explain(TinyLinearScm.Features("r2", 1));
        foreach (var (variable, probability, shift) in explanation.RankedTargets().Take(3))
            Console.WriteLine($"{variable}: P(target) {probability:F2}, shift {shift:F2} control SDs");
        // docs: end
        Assert.That(graph, Is.EqualTo(fitted.Graph()), "Graph()");
        Assert.That(explanation.TotalEffect, Is.EqualTo(fitted.Explain(TinyLinearScm.Features("r2", 1)).TotalEffect));
        Assert.That(reloaded.VariableNames, Is.EqualTo(fitted.VariableNames));
        Assert.That(reloaded.FeatureNames, Is.EqualTo(fitted.FeatureNames));
        foreach (string reagent in TinyLinearScm.Reagents)
        {
            float[] features = TinyLinearScm.Features(reagent, 1.5f);
            InterventionExplanation expected = fitted.Explain(features), actual = reloaded.Explain(features);
            Assert.That(actual.TargetProbabilities, Is.EqualTo(expected.TargetProbabilities), $"{reagent}: target probabilities");
            Assert.That(actual.Shift, Is.EqualTo(expected.Shift), $"{reagent}: shifts");
            Assert.That(actual.LogScaleChange, Is.EqualTo(expected.LogScaleChange), $"{reagent}: log-scale changes");
            Assert.That(actual.TotalEffect, Is.EqualTo(expected.TotalEffect), $"{reagent}: total effect");
            Assert.That(actual.RankedTargets().ToList(), Is.EqualTo(expected.RankedTargets().ToList()), $"{reagent}: ranked targets");
        }
        Assert.That(kind == InterventionKind.ShiftScale ? reloaded.Explain(TinyLinearScm.Features("r1", 1)).LogScaleChange : null,
            kind == InterventionKind.ShiftScale ? Is.Not.Null : Is.Null, "the log-scale head exists exactly for shift-scale interventions");
    }

    [Test]
    public void TheParameters_RoundTripThroughTheirFormat()
    {
        using GimModel model = TinyLinearScm.Train(InterventionKind.ShiftScale, depth: 1, steps: 50);
        LinearGimParameters p = model.ExportParameters();
        var back = (LinearGimParameters)GimParameterFormat.Read(GimParameterFormat.Write(p), "test");
        Assert.That(back.VariableNames, Is.EqualTo(p.VariableNames));
        Assert.That(back.FeatureMean, Is.EqualTo(p.FeatureMean));
        Assert.That(back.Graph, Is.EqualTo(p.Graph));
        Assert.That(back.HiddenLayers.Select(l => l.Weight), Is.EqualTo(p.HiddenLayers.Select(l => l.Weight)));
        Assert.That(back.FromHiddenWeight, Is.EqualTo(p.FromHiddenWeight));
        Assert.That(back.Interventions, Is.EqualTo(InterventionKind.ShiftScale));
        Assert.That(GimParameterFormat.Write(back), Is.EqualTo(GimParameterFormat.Write(p)), "writing what was read gives the same bytes");
    }

    [Test]
    public void DamagedParameters_AreRefusedWithTheSourceNamed()
    {
        using GimModel model = TinyLinearScm.Train(steps: 20);
        byte[] bytes = GimParameterFormat.Write(model.ExportParameters());
        var truncated = Assert.Throws<InvalidDataException>(() => GimParameterFormat.Read(bytes[..(bytes.Length / 2)], "model.onnx"))!;
        Assert.That(truncated.Message, Does.StartWith("model.onnx:"));
        byte[] hugeLength = (byte[])bytes.Clone();
        BitConverter.GetBytes(int.MaxValue).CopyTo(hugeLength, 9); // the variable-name count
        var huge = Assert.Throws<InvalidDataException>(() => GimParameterFormat.Read(hugeLength, "model.onnx"))!;
        Assert.That(huge.Message, Does.Contain("does not fit"));
        var notBase64 = Assert.Throws<InvalidDataException>(() => GimParameterFormat.FromBase64("not base64!", "step 2"))!;
        Assert.That(notBase64.Message, Does.Contain("step 2").And.Contain("base64"));
    }

    /// <summary>
    /// Damaged parameter bytes (2,000 seeded mutations: a flipped bit, a byte set to 0x80 or 0xFF, a truncation) either read
    /// back as parameters that pass validation or fail with <see cref="InvalidDataException"/>: never another exception,
    /// never a giant allocation.
    /// </summary>
    [Test]
    public void DamagedParameterBytes_FailOnlyWithInvalidData()
    {
        using GimModel model = TinyLinearScm.Train(InterventionKind.ShiftScale, depth: 1, steps: 10);
        byte[] bytes = GimParameterFormat.Write(model.ExportParameters());
        var rng = new Random(7);
        int refused = 0, read = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            int at = rng.Next(damaged.Length);
            switch (trial % 4)
            {
                case 0: damaged[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: damaged[at] = 0x80; break;
                case 2: damaged[at] = 0xFF; break;
                default: damaged = damaged[..at]; break;
            }
            try
            {
                GimParameterFormat.Read(damaged, "damaged");
                read++;
            }
            catch (InvalidDataException e)
            {
                Assert.That(e.Message, Does.StartWith("damaged:"));
                refused++;
            }
        }
        TestContext.Out.WriteLine($"{refused} refused, {read} read back (damage inside a number)");
        Assert.That(refused, Is.GreaterThan(500), "truncations alone are a quarter of the trials");
    }

    [Test]
    public void AFileWithoutGimParameters_SaysWhy()
    {
        using var dir = new FixtureFiles.TempDir();
        // A model saved before 0.3.0 (the compatibility fixtures) and a peer's pipeline: neither carries GIM parameters.
        var old = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadGimModel(FixtureFiles.Model("gim-linear.zip")))!;
        Assert.That(old.Message, Does.Contain("gim-linear.zip").And.Contain("before 0.3.0"));

        var mlContext = new MLContext(seed: 1);
        IDataView cells = mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(cellsPerContext: 20));
        using var control = mlContext.Perturbation().Trainers.Control().Fit(cells);
        string path = Path.Combine(dir.Path, "control.zip");
        mlContext.Model.SaveAtomically(control, cells.Schema, path);
        var peer = Assert.Throws<InvalidDataException>(() => mlContext.Model.LoadGimModel(path))!;
        Assert.That(peer.Message, Does.Contain("control.zip").And.Contain("peer"));

        Assert.Throws<FileNotFoundException>(() => mlContext.Model.LoadGimModel(Path.Combine(dir.Path, "missing.zip")));
    }

    [Test]
    public void EmbeddingCanBeTurnedOff_AndThenTheGraphSaysSo()
    {
        using GimModel model = TinyLinearScm.Train(steps: 20);
        byte[] with = model.ExportOnnx(new GimOnnxExportOptions());
        byte[] without = model.ExportOnnx(new GimOnnxExportOptions { EmbedParameters = false });
        Assert.That(without.Length, Is.LessThan(with.Length));
        using GimModel rebuilt = GimModel.FromOnnx(with);
        Assert.That(rebuilt.Graph(), Is.EqualTo(model.Graph()));
        var ex = Assert.Throws<InvalidDataException>(() => GimModel.FromOnnx(without, "plain.onnx"))!;
        Assert.That(ex.Message, Does.Contain("plain.onnx").And.Contain("EmbedParameters"));
    }
}
