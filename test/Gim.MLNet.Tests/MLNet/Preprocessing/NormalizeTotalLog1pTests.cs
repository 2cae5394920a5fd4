using Gim.MLNet.Tests.Support;
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
        var (train, test) = CountScreen.Splits(ml);
        var pipeline = ml.Perturbation().Transforms.NormalizeTotalLog1p("LogMeasurements")
            .Append(ml.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 100, MeasurementsColumnName = "LogMeasurements", CalibrationFolds = 0 }));
        CountScreen.SavedPipelinePredictsAsInProcess(ml, pipeline, train, test);
    }
}

/// <summary>Highly-variable-gene selection as an ONNX step (issue 19).</summary>
public class HighlyVariableGenesTests
{
    private sealed class LogRow
    {
        [VectorType(40)] public float[] LogCounts { get; set; } = Array.Empty<float>();
    }

    private static readonly int[] Overdispersed = { 5, 15, 25, 35 };

    /// <summary>
    /// 40 genes over 400 cells, log1p of counts: Poisson genes with means from 1 to 20 (gene j: 1 + j/2), except genes 5,
    /// 15, 25 and 35, which have their neighbours' mean but are expressed in bursts (10% of cells at ten times the mean,
    /// the rest at a tenth of it): many times the variance at the same mean. With 4 bins of mean expression (about 10
    /// genes each), the four bursting genes are the most dispersed of their bins.
    /// </summary>
    private static IDataView Cells(MLContext ml)
    {
        var random = new Random(8);
        float Poisson(double lambda)
        {
            double l = Math.Exp(-lambda), p = 1;
            int k = 0;
            do { k++; p *= random.NextDouble(); } while (p > l);
            return k - 1;
        }
        var rows = new List<LogRow>();
        for (int i = 0; i < 400; i++)
        {
            var values = new float[40];
            for (int j = 0; j < 40; j++)
            {
                double mean = 1 + j / 2.0;
                double high = random.NextDouble() < 0.1 ? 1 : 0;
                float count = Overdispersed.Contains(j) ? Poisson(high == 1 ? mean * 10 * 0.526 : mean * 0.526) : Poisson(mean);
                values[j] = MathF.Log(1 + count);
            }
            rows.Add(new LogRow { LogCounts = values });
        }
        return ml.Data.LoadFromEnumerable(rows);
    }

    [Test]
    public void TheBurstingGenes_AreKept_AndTheOutputIsTheirColumns()
    {
        var ml = new MLContext(seed: 0);
        IDataView cells = Cells(ml);
        using HighlyVariableGenesTransformer hvg = ml.Perturbation().Transforms.SelectHighlyVariableGenes("Hvg", "LogCounts", count: 4, bins: 4).Fit(cells);
        Assert.That(hvg.KeptGenes, Is.EqualTo(Overdispersed.Select(j => $"x{j}").ToArray()), string.Join(", ", hvg.NormalisedDispersions));
        float[][] input = cells.GetColumn<float[]>("LogCounts").ToArray();
        float[][] output = hvg.Transform(cells).GetColumn<float[]>("Hvg").ToArray();
        for (int r = 0; r < 10; r++) Assert.That(output[r], Is.EqualTo(Overdispersed.Select(j => input[r][j]).ToArray()), $"row {r}");
        // Asking for more genes than there are keeps every expressed one, in order.
        using HighlyVariableGenesTransformer all = ml.Perturbation().Transforms.SelectHighlyVariableGenes("Hvg", "LogCounts", count: 100).Fit(cells);
        Assert.That(all.KeptGenes, Has.Count.EqualTo(40));
    }

    [Test]
    public void BadInput_IsRefusedNamingWhatToChange()
    {
        var ml = new MLContext(seed: 0);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => ml.Perturbation().Transforms.SelectHighlyVariableGenes("Hvg", "LogCounts", count: 0))!.Message,
            Does.Contain("at least one gene"));
        var good = Enumerable.Repeat(1f, 40).ToArray();
        var bad = Enumerable.Repeat(1f, 40).ToArray();
        bad[2] = -3;
        IDataView negative = ml.Data.LoadFromEnumerable(new[] { new LogRow { LogCounts = good }, new LogRow { LogCounts = bad } });
        Assert.That(Assert.Throws<ArgumentException>(() => ml.Perturbation().Transforms.SelectHighlyVariableGenes("Hvg", "LogCounts").Fit(negative))!.Message,
            Does.Contain("row 1, slot 2").And.Contain("NormalizeTotalLog1p"));
    }

    [Test]
    public void CountsToGim_ThroughBothSteps_PredictsTheSameAfterASaveAndPlainLoad()
    {
        var ml = new MLContext(seed: 0);
        var (train, test) = CountScreen.Splits(ml);
        var pipeline = ml.Perturbation().Transforms.NormalizeTotalLog1p("LogMeasurements")
            .Append(ml.Perturbation().Transforms.SelectHighlyVariableGenes("Hvg", "LogMeasurements", count: 4))
            .Append(ml.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 100, MeasurementsColumnName = "Hvg", CalibrationFolds = 0 }));
        float[][] inProcess = CountScreen.SavedPipelinePredictsAsInProcess(ml, pipeline, train, test);
        Assert.That(inProcess[0], Has.Length.EqualTo(4));
    }
}

/// <summary>A small Hill screen as raw counts, and the check that a count pipeline saved and loaded with plain ML.NET predicts as in process.</summary>
internal static class CountScreen
{
    /// <summary>Training and new-drug rows whose measurements are counts from the screen's log-expression: round(exp(x/2 + 2)), whole numbers ≥ 0.</summary>
    public static (IDataView Train, IDataView Test) Splits(MLContext ml)
    {
        HillScreen screen = HillScreen.Generate(new HillScreenOptions { Seed = 2, Variables = 6, TrainDrugs = 8, NewDrugs = 2, SamplesPerTrainContext = 30, ControlSamples = 200, SamplesPerTestContext = 5 });
        static PerturbationDataset Counts(PerturbationDataset data) => new(data.Contexts.Select(c =>
        {
            var cells = new float[c.SampleCount, data.VariableCount];
            for (int i = 0; i < c.SampleCount; i++)
                for (int j = 0; j < data.VariableCount; j++) cells[i, j] = MathF.Round(MathF.Exp(c.Samples[i, j] / 2 + 2));
            return new PerturbationContext(c.Name, c.Features, cells, c.IsControl);
        }).ToList(), data.VariableNames, data.FeatureNames);
        return (Counts(screen.Train.Data).ToDataView(ml), Counts(screen.FullOod.Data).ToDataView(ml));
    }

    /// <summary>
    /// Fits <paramref name="pipeline"/>, saves it, loads it in a fresh MLContext with plain <c>Model.Load</c>, and asserts
    /// that both predict the same PredictedMean for <paramref name="test"/> (within 1e-4); the in-process predictions.
    /// </summary>
    public static float[][] SavedPipelinePredictsAsInProcess(MLContext ml, IEstimator<ITransformer> pipeline, IDataView train, IDataView test)
    {
        var model = pipeline.Fit(train);
        float[][] inProcess = model.Transform(test).GetColumn<float[]>("PredictedMean").ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"gim-counts-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            ITransformer loaded = PlainMlNet.Load(new MLContext(), path, out _);
            float[][] reloaded = loaded.Transform(test).GetColumn<float[]>("PredictedMean").ToArray();
            Assert.That(reloaded, Has.Length.EqualTo(inProcess.Length));
            for (int r = 0; r < inProcess.Length; r++) Assert.That(reloaded[r], Is.EqualTo(inProcess[r]).Within(1e-4), $"row {r}");
            (loaded as IDisposable)?.Dispose();
            return inProcess;
        }
        finally
        {
            File.Delete(path);
            foreach (ITransformer t in model as IEnumerable<ITransformer> ?? new[] { model }) (t as IDisposable)?.Dispose();
        }
    }
}
