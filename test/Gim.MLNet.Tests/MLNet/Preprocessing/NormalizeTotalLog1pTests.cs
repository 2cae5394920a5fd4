using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Preprocessing;

/// <summary>Counts preprocessing as an ONNX step (issue 19): the values, the errors, and a saved pipeline fed raw counts.</summary>
public class NormalizeTotalLog1pTests
{
    private sealed class CountRow
    {
        [VectorType(3)] public float[] Measurements { get; set; } = Array.Empty<float>();
    }

    private static IDataView Rows(MLContext ml, params float[][] rows) => ml.Data.LoadFromEnumerable(rows.Select(r => new CountRow { Measurements = r }));

    [Test]
    public void EachCell_IsScaledToTheTargetTotal_ThenLog1p_AndAnEmptyCellStaysZero()
    {
        var ml = new MLContext(seed: 0);
        float[][] counts = { new float[] { 1, 3, 0 }, new float[] { 10, 0, 30 }, new float[] { 0, 0, 0 } };
        using var transformer = ml.Perturbation().Transforms.NormalizeTotalLog1p("LogMeasurements", targetSum: 100).Fit(Rows(ml, counts));
        float[][] output = transformer.Transform(Rows(ml, counts)).GetColumn<float[]>("LogMeasurements").ToArray();
        for (int r = 0; r < counts.Length; r++)
        {
            double total = counts[r].Sum();
            double[] expected = counts[r].Select(x => total == 0 ? 0 : Math.Log(1 + x * 100 / total)).ToArray();
            Assert.That(output[r], Is.EqualTo(expected).Within(1e-5), $"row {r}");
        }
    }

    [Test]
    public void BadCountsAndNames_AreRefusedNamingWhatToChange()
    {
        var ml = new MLContext(seed: 0);
        var same = Assert.Throws<ArgumentException>(() => ml.Perturbation().Transforms.NormalizeTotalLog1p("Measurements"))!;
        Assert.That(same.Message, Does.Contain("must differ from the counts column 'Measurements'"));
        var negative = Assert.Throws<ArgumentException>(() =>
            ml.Perturbation().Transforms.NormalizeTotalLog1p("Log").Fit(Rows(ml, new float[] { 1, 2, 3 }, new float[] { 1, -2, 3 })))!;
        Assert.That(negative.Message, Does.Contain("row 1, slot 1").And.Contain("-2"));
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Perturbation().Transforms.NormalizeTotalLog1p("Log", "Counts").Fit(Rows(ml, new float[] { 1, 2, 3 })))!;
        Assert.That(missing.Message, Does.Contain("Column 'Counts' (counts) was not found"));
    }

    /// <summary>
    /// The GIM pipeline on raw counts: preprocessing and model both ONNX steps, so the saved .zip, loaded with plain
    /// ML.NET, predicts from counts what the fitted pipeline predicts.
    /// </summary>
    [Test]
    public void ASavedPipeline_FedRawCounts_PredictsAsInProcess()
    {
        var ml = new MLContext(seed: 0);
        HillScreen screen = HillScreen.Generate(new HillScreenOptions { Seed = 2, Variables = 6, TrainDrugs = 8, NewDrugs = 2, SamplesPerTrainContext = 30, ControlSamples = 200, SamplesPerTestContext = 5 });
        // Counts from log-expression: round(exp(x/2 + 2)), whole numbers ≥ 0.
        static PerturbationDataset Counts(PerturbationDataset data) => new(data.Contexts.Select(c =>
        {
            var cells = new float[c.SampleCount, data.VariableCount];
            for (int i = 0; i < c.SampleCount; i++)
                for (int j = 0; j < data.VariableCount; j++) cells[i, j] = MathF.Round(MathF.Exp(c.Samples[i, j] / 2 + 2));
            return new PerturbationContext(c.Name, c.Features, cells, c.IsControl);
        }).ToList(), data.VariableNames, data.FeatureNames);
        IDataView train = Counts(screen.Train.Data).ToDataView(ml), test = Counts(screen.FullOod.Data).ToDataView(ml);
        var pipeline = ml.Perturbation().Transforms.NormalizeTotalLog1p("LogMeasurements")
            .Append(ml.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 100, MeasurementsColumnName = "LogMeasurements", CalibrationFolds = 0 }));
        var model = pipeline.Fit(train);
        float[][] inProcess = model.Transform(test).GetColumn<float[]>("PredictedMean").ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"gim-counts-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            var serving = new MLContext();
            ITransformer loaded = serving.Model.Load(path, out _);
            float[][] reloaded = loaded.Transform(test).GetColumn<float[]>("PredictedMean").ToArray();
            Assert.That(reloaded, Has.Length.EqualTo(inProcess.Length));
            for (int r = 0; r < inProcess.Length; r++) Assert.That(reloaded[r], Is.EqualTo(inProcess[r]).Within(1e-4), $"row {r}");
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
            foreach (var t in model) (t as IDisposable)?.Dispose();
        }
    }
}
