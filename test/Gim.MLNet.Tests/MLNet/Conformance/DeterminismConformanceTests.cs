using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Conformance;

/// <summary>
/// The same data and seed give the same fitted model (the exported ONNX graph holds every fitted parameter,
/// so equal bytes mean equal parameters) and bit-identical predictions, samples included.
/// </summary>
public class DeterminismConformanceTests
{
    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.All))]
    public void SameSeed_SameParametersAndPredictions(ConformanceEstimator estimator)
    {
        var (firstModel, firstPredictions) = FitAndPredict(estimator);
        var (secondModel, secondPredictions) = FitAndPredict(estimator);

        Assert.That(secondModel, Is.EqualTo(firstModel), "the exported ONNX models (all fitted parameters) differ");
        foreach (string column in ConformancePredictions.OutputColumns(estimator))
            Assert.That(secondPredictions[column], Is.EqualTo(firstPredictions[column]), column);
    }

    private static (byte[] Onnx, Dictionary<string, float[][]> Predictions) FitAndPredict(ConformanceEstimator estimator)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = ConformanceData.Default(mlContext);
        using var model = (OnnxBackedTransformer)estimator.Create(mlContext).Fit(data);
        // Several rows with the same features: Sample draws differ between rows but must replay across fits.
        IDataView queries = ConformanceData.Queries(mlContext, 2, new float[] { 0, 0 }, new float[] { 1, 0 }, new float[] { 1, 0 }, new float[] { 0, 2 });
        IDataView predicted = model.Transform(queries);
        var columns = ConformancePredictions.OutputColumns(estimator)
            .ToDictionary(c => c, c => predicted.GetColumn<float[]>(c).ToArray());
        return (model.GetOnnxModel(), columns);
    }
}
