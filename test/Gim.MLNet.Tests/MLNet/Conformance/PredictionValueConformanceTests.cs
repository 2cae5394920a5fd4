using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Conformance;

/// <summary>
/// Transform is lazy and row by row, so it cannot stop at a bad value; its policy is that a row whose features
/// are NaN or ±∞ comes out non-finite in Sample and PredictedMean for every method (never a plausible-looking
/// answer such as the nearest context's cells), while the other rows are unaffected.
/// </summary>
public class PredictionValueConformanceTests
{
    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.All))]
    public void NonFiniteFeatures_GiveNonFiniteRows_AndLeaveOtherRowsAlone(ConformanceEstimator estimator)
    {
        var mlContext = new MLContext(seed: 1);
        using var model = (IDisposable)estimator.Create(mlContext).Fit(ConformanceData.Default(mlContext));
        IDataView queries = ConformanceData.Queries(mlContext, 2,
            new[] { 1f, 0f }, new[] { float.NaN, 0f }, new[] { 0f, float.PositiveInfinity }, new[] { float.NegativeInfinity, 1f }, new[] { 1f, 0f });
        IDataView predicted = ((ITransformer)model).Transform(queries);
        foreach (string column in new[] { "Sample", "PredictedMean" })
        {
            float[][] rows = predicted.GetColumn<float[]>(column).ToArray();
            for (int r = 1; r <= 3; r++)
                Assert.That(rows[r], Has.None.Matches<float>(float.IsFinite), $"{column}, row {r}");
            Assert.That(rows[0].Concat(rows[4]), Has.All.Matches<float>(float.IsFinite), $"{column}, finite rows");
        }
        float[][] means = predicted.GetColumn<float[]>("PredictedMean").ToArray();
        Assert.That(means[4], Is.EqualTo(means[0]), "a bad row in between changes nothing for the others");
    }
}
