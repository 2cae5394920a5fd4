using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Support;

/// <summary>Fits an estimator and reads every output column for a few query rows, checking widths and finiteness.</summary>
public static class ConformancePredictions
{
    public static string[] OutputColumns(ConformanceEstimator estimator) => estimator.HasTargets
        ? new[] { "Sample", "PredictedMean", "TargetProbabilities", "Shift" }
        : new[] { "Sample", "PredictedMean", "Shift" };

    /// <summary>
    /// Fits on <paramref name="training"/>, transforms <paramref name="queries"/> (rows of features) and returns each
    /// output column's rows; asserts every output is a vector of <paramref name="variables"/> finite values.
    /// </summary>
    public static Dictionary<string, float[][]> FitAndPredict(ConformanceEstimator estimator, MLContext mlContext, IDataView training,
        int variables, params float[][] queries)
    {
        ITransformer model = estimator.Create(mlContext).Fit(training);
        try
        {
            IDataView predicted = model.Transform(ConformanceData.Queries(mlContext, queries[0].Length, queries));
            var result = new Dictionary<string, float[][]>();
            foreach (string column in OutputColumns(estimator))
            {
                Assert.That(predicted.Schema[column].Type, Is.EqualTo(new VectorDataViewType(NumberDataViewType.Single, variables)), column);
                float[][] rows = predicted.GetColumn<float[]>(column).ToArray();
                Assert.That(rows.SelectMany(r => r), Has.All.Matches<float>(float.IsFinite), $"{estimator.Name}: {column} has non-finite values");
                result[column] = rows;
            }
            return result;
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }
}
