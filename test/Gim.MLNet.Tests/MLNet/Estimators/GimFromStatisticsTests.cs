using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Estimators;

public class GimFromStatisticsTests
{
    [Test]
    public void TheEstimatorFittedOnStatistics_PredictsWhatItPredictsFittedOnCells_AndSavesAsAModelFile()
    {
        PerturbationDataset train = TrainingFixtures.SmallScreen().Train.Data;
        var options = new GimOptions { Seed = 4, MaxSteps = 200, CalibrationFolds = 0 };
        var cellsContext = new MLContext(seed: 4);
        IDataView cells = train.ToDataView(cellsContext);
        using GimTransformer fromCells = cellsContext.Perturbation().Trainers.Gim(options).Fit(cells);
        var statisticsContext = new MLContext(seed: 4);
        using GimTransformer fromStatistics = statisticsContext.Perturbation().Trainers.Gim(options).Fit(PerturbationStatistics.Compute(train));

        float[][] Predict(MLContext mlContext, ITransformer model) => model.Transform(cells).GetColumn<float[]>("PredictedMean").ToArray();
        Assert.That(Predict(statisticsContext, fromStatistics), Is.EqualTo(Predict(cellsContext, fromCells)), "the same seed and numbers: the same model");

        string folder = Directory.CreateTempSubdirectory("gim-stat-zip-").FullName;
        try
        {
            string zip = Path.Combine(folder, "model.zip");
            statisticsContext.Model.SaveAtomically(fromStatistics, cells.Schema, zip);
            var serving = new MLContext();
            ITransformer loaded = serving.Model.LoadModel(zip, out _);
            Assert.That(Predict(serving, loaded), Is.EqualTo(Predict(statisticsContext, fromStatistics)));
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void AMethodThatNeedsCells_RefusesStatisticsBeforeTraining()
    {
        var statistics = PerturbationStatistics.Compute(TrainingFixtures.SmallScreen().Train.Data);
        var error = Assert.Throws<NotSupportedException>(() => new MLContext(seed: 1).Perturbation().Trainers.Gim(new GimOptions { Interventions = InterventionKind.ShiftScale }).Fit(statistics))!;
        Assert.That(error.Message, Does.Contain("GIM cannot fit from them with these options"));
    }
}
