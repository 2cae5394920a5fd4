using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using NUnit.Framework.Constraints;

namespace Gim.MLNet.Tests.MLNet.Conformance;

/// <summary>
/// A fitted transformer given data whose schema differs from Fit's fails in GetOutputSchema, Transform and
/// PredictionEngine creation with an <see cref="ArgumentOutOfRangeException"/> naming the column, the size
/// it was trained with and what it found, before ONNX Runtime sees a row.
/// </summary>
public class TransformSchemaConformanceTests
{
    private readonly Dictionary<string, (MLContext Context, ITransformer Model)> _fitted = new();

    private sealed class WideQuery
    {
        [VectorType(3)] public float[] Features { get; set; } = new float[3];
    }

    private sealed class DoubleQuery
    {
        [VectorType(2)] public double[] Features { get; set; } = new double[2];
    }

    private sealed class NoFeatures
    {
        public float Dose { get; set; }
    }

    [OneTimeTearDown]
    public void DisposeModels()
    {
        foreach (var (_, model) in _fitted.Values) (model as IDisposable)?.Dispose();
    }

    private (MLContext, ITransformer) Fitted(ConformanceEstimator estimator)
    {
        if (!_fitted.TryGetValue(estimator.Name, out var fitted))
        {
            var mlContext = new MLContext(seed: 1);
            fitted = (mlContext, estimator.Create(mlContext).Fit(ConformanceData.Default(mlContext)));
            _fitted[estimator.Name] = fitted;
        }
        return fitted;
    }

    public static IEnumerable<TestCaseData> Mismatches()
    {
        var cases = new (string Case, Func<MLContext, IDataView> Data, string Message)[]
        {
            ("missing features column", ml => ml.Data.LoadFromEnumerable(new[] { new NoFeatures() }),
                "Column 'Features' (features) was not found in the input; expected a vector of 2 Single (float) values (features). Available columns: 'Dose'."),
            ("3 features instead of 2", ml => ml.Data.LoadFromEnumerable(new[] { new WideQuery() }),
                "Column 'Features' (features): expected a vector of 2 Single (float) values (features, as in training); found Vector<Single, 3>."),
            ("features of Double", ml => ml.Data.LoadFromEnumerable(new[] { new DoubleQuery() }),
                "Column 'Features' (features): expected a vector of 2 Single (float) values (features, as in training); found Vector<Double, 2>."),
        };
        foreach (ConformanceEstimator estimator in ConformanceEstimators.All)
            foreach (var c in cases)
                yield return new TestCaseData(estimator, c.Data, c.Message).SetArgDisplayNames(estimator.Name, c.Case);
    }

    [TestCaseSource(nameof(Mismatches))]
    public void DifferentSchema_FailsBeforeOnnxRuntime_NamingColumnAndTrainedSize(ConformanceEstimator estimator, Func<MLContext, IDataView> data, string message)
    {
        var (mlContext, model) = Fitted(estimator);
        IDataView input = data(mlContext);
        // A constraint is stateful once resolved: build one per assertion.
        IResolveConstraint Expected() => Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(message);
        Assert.That(() => model.GetOutputSchema(input.Schema), Expected());
        Assert.That(() => model.Transform(input), Expected());
        Assert.That(() => model.GetRowToRowMapper(input.Schema), Expected());
    }

    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.All))]
    public void PredictionEngine_WithTooFewFeatures_NamesTheColumn(ConformanceEstimator estimator)
    {
        var (mlContext, model) = Fitted(estimator);
        Assert.That(() => mlContext.Model.CreatePredictionEngine<WideQuery, Prediction>(model), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("Column 'Features' (features): expected a vector of 2 Single (float) values"));
    }

    private sealed class Prediction
    {
        [VectorType(3)] public float[] PredictedMean { get; set; } = Array.Empty<float>();
    }

    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.All))]
    public void SavedAndLoadedModel_WithTooManyFeatures_NamesTheInputAndBothSizes(ConformanceEstimator estimator)
    {
        // LoadModel's batched step checks the column up front; plain Model.Load leaves it to ML.NET's OnnxTransformer at the first row.
        var (mlContext, model) = Fitted(estimator);
        using var stream = new MemoryStream();
        mlContext.Model.Save(model, ConformanceData.Default(mlContext).Schema, stream);
        stream.Position = 0;
        var serving = new MLContext();
        ITransformer loaded = serving.Model.LoadModel(stream, "model.zip", out _);
        IDataView wide = serving.Data.LoadFromEnumerable(new[] { new WideQuery() });
        Assert.That(() => loaded.Transform(wide), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("Column 'Features': expected a vector of 2 Single (float) values, as in training; found Vector<Single, 3>."));
        (loaded as IDisposable)?.Dispose();

        stream.Position = 0;
        ITransformer plain = PlainMlNet.Load(serving, stream, out _);
        Assert.That(() => plain.Transform(wide).GetColumn<float[]>("PredictedMean").ToArray(), Throws.InvalidOperationException
            .With.Message.Contains("Input 'Features' has shape 1,2, but input data is of length 3"));
        (plain as IDisposable)?.Dispose();
    }

    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.All))]
    public void GetOutputSchemaOfTheEstimator_AcceptsWhatFitAccepts(ConformanceEstimator estimator)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = ConformanceData.Default(mlContext);
        SchemaShape output = estimator.Create(mlContext).GetOutputSchema(GimTestData.Shape(data.Schema));
        foreach (string column in ConformancePredictions.OutputColumns(estimator))
            Assert.That(output.Select(c => c.Name), Does.Contain(column));
    }
}
