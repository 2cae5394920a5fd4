using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.MLNet.Estimators;

/// <summary>GimEstimator with the nonlinear causal model: trains, predicts through its ONNX graph, saves and loads.</summary>
public class NonlinearEstimatorTests
{
    [Test]
    public void Estimator_TrainsTheNonlinearModel_AndSavedPipelinePredictsIdentically()
    {
        var mlContext = new MLContext(seed: 1);
        GimOptions options = GimTestData.Options(steps: 200);
        options.CausalModel = CausalModelKind.Nonlinear;
        options.Nonlinear.HiddenWidth = 4;
        IDataView cells = mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(60));
        using GimTransformer transformer = mlContext.Perturbation().Trainers.Gim(options).Fit(cells);
        Assert.That(transformer.NonlinearParameters, Is.Not.Null);
        Assert.That(() => transformer.Parameters, Throws.TypeOf<NotSupportedException>());
        Assert.That(transformer.Graph()[0, 0], Is.EqualTo(0));

        var queries = new[] { TinyLinearScm.Features("r1", 2), TinyLinearScm.Features("r4", 1) }
            .Select(f => new GimTestData.FeatureCell { Features = f, Measurements = new float[TinyLinearScm.Variables] }).ToList();
        IDataView predicted = transformer.Transform(mlContext.Data.LoadFromEnumerable(queries));
        float[][] means = GimTestData.Column(predicted, "PredictedMean");
        ParityAssert.Close(ParityAssert.Rows(means), ParityAssert.Rows(queries.Select(q => transformer.Model.PredictMean(q.Features)).ToList()), "pipeline mean");

        string path = Path.Combine(Path.GetTempPath(), $"gim-nonlinear-{Guid.NewGuid():N}.zip");
        try
        {
            mlContext.Model.SaveAtomically(transformer, cells.Schema, path);
            var serving = new MLContext();
            // LoadModel runs the graph on the same blocks of rows as the fitted transformer: identical numbers.
            using var loaded = (IDisposable)serving.Model.LoadModel(path, out _);
            IDataView again = ((ITransformer)loaded).Transform(serving.Data.LoadFromEnumerable(queries));
            // Plain Model.Load runs it one row at a time: the same up to float rounding of the block's matrix products.
            IDataView rowByRow = PlainMlNet.Load(serving, path, out _).Transform(serving.Data.LoadFromEnumerable(queries));
            foreach (string column in new[] { "PredictedMean", "TargetProbabilities", "Shift" })
            {
                Assert.That(GimTestData.Column(again, column), Is.EqualTo(GimTestData.Column(predicted, column)), column);
                ParityAssert.Close(ParityAssert.Rows(GimTestData.Column(rowByRow, column)), ParityAssert.Rows(GimTestData.Column(predicted, column)), column + ", row by row");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
