using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Causal.Model;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Estimators;

/// <summary>
/// The PredictedMeanSd column: what the fitted model's PredictMeanStandardDeviation gives, in the fitted transformer and
/// in the pipeline reloaded from its .zip (ONNX); NaN, not zero, for a GIM fitted without calibration.
/// </summary>
public class PredictedMeanSdColumnTests
{
    [Test]
    public void TheColumn_IsTheModelsStandardDeviation_BeforeAndAfterAReload()
    {
        HillScreen screen = NoveltyCalibrationTests.Screen(uninformative: 0);
        var mlContext = new MLContext(seed: 1);
        GimOptions options = NoveltyCalibrationTests.Options();
        options.MaxSteps = 300;
        using GimTransformer fitted = mlContext.Perturbation().Trainers.Gim(options).Fit(HillScreenRows.Load(mlContext, screen.Train));
        Assert.That(fitted.OutputColumnNames, Does.Contain("PredictedMeanSd"));
        IDataView rows = HillScreenRows.Load(mlContext, screen.FullOod);
        using var dir = new FixtureFiles.TempDir();
        string path = Path.Combine(dir.Path, "gim.zip");
        mlContext.Model.Save(fitted, rows.Schema, path);
        ITransformer reloaded = new MLContext().Model.LoadModel(path, out _);
        List<float[]> features = rows.GetColumn<float[]>("Features").ToList();
        foreach (var (name, transformer) in new (string, ITransformer)[] { ("fitted", fitted), ("reloaded", reloaded) })
        {
            float[][] column = transformer.Transform(rows).GetColumn<float[]>("PredictedMeanSd").ToArray();
            for (int r = 0; r < column.Length; r += 37)
            {
                float[] expected = fitted.Model.PredictMeanStandardDeviation(features[r])!;
                Assert.That(column[r], Is.EqualTo(expected).Within(1e-4).Percent, $"{name}, row {r}");
                Assert.That(column[r], Is.All.GreaterThan(0f), $"{name}, row {r}");
            }
        }
        // docs: uncertainty
        // A new drug's prediction with its uncertainty: a 90% interval for each variable's mean and for each targeted shift.
        float[] newDrug = features[0];
        float[] mean = fitted.Model.PredictMean(newDrug);
        float[] sd = fitted.Model.PredictMeanStandardDeviation(newDrug)!;     // null when fitted with CalibrationFolds = 0
        InterventionExplanation why = fitted.Explain(newDrug);
        (float Lower, float Upper)[] intervals = why.ShiftIntervals(0.9)!;
        Console.WriteLine($"familiarity {why.Familiarity:F2} (1 = a training drug, 0 = unlike all of them)");
        foreach (var (variable, probability, shift) in why.RankedTargets().Take(3))
        {
            int j = Array.IndexOf(fitted.VariableNames.ToArray(), variable);
            Console.WriteLine($"{variable}: P(target) {probability:F2}, shift {shift:F2} [{intervals[j].Lower:F2}, {intervals[j].Upper:F2}], " +
                $"mean {mean[j]:F2} ± {1.645 * sd[j]:F2}");
        }
        // docs: end
        Assert.That(why.Familiarity, Is.InRange(0.0, 1.0));
        Assert.That(intervals.Zip(why.Shift).All(p => p.First.Lower <= p.Second && p.Second <= p.First.Upper), Is.True);
        (reloaded as IDisposable)?.Dispose();
    }

    [Test]
    public void WithoutCalibration_TheColumnIsNaN()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView cells = mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(cellsPerContext: 40));
        using GimTransformer fitted = mlContext.Perturbation().Trainers.Gim(GimTestData.Options(steps: 30)).Fit(cells);
        Assert.That(fitted.Model.Calibration, Is.Null);
        float[][] sd = fitted.Transform(cells).GetColumn<float[]>("PredictedMeanSd").Take(5).ToArray();
        Assert.That(sd.SelectMany(v => v), Is.All.NaN, "unknown, not zero");
    }

    [Test]
    public void TheColumnName_IsAnOption_AndCannotClashWithAnother()
    {
        var mlContext = new MLContext(seed: 1);
        GimOptions options = GimTestData.Options(steps: 10);
        options.PredictedMeanSdColumnName = "Shift";
        IDataView cells = mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(cellsPerContext: 10));
        Assert.That(() => mlContext.Perturbation().Trainers.Gim(options).Fit(cells),
            Throws.ArgumentException.With.Message.Contains("'Shift' is used for two roles"));
        options.PredictedMeanSdColumnName = "Uncertainty";
        using GimTransformer fitted = mlContext.Perturbation().Trainers.Gim(options).Fit(cells);
        Assert.That(fitted.Transform(cells).Schema.GetColumnOrNull("Uncertainty"), Is.Not.Null);
    }
}
