using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Estimators;

/// <summary>Every peer through the ML.NET catalog: columns, parity with the in-process model, Save/Load, schema errors.</summary>
[TestFixture("control")]
[TestFixture("nearest-context")]
[TestFixture("mean-shift")]
[TestFixture("conditional-gaussian")]
[TestFixture("two-stage")]
[TestFixture("training-mean")]
[TestFixture("linear-features")]
public class PeerEstimatorTests(string method)
{
    private readonly MLContext _mlContext = new(seed: 1);
    private ITransformer _transformer = null!;
    private PerturbationModel _model = null!;
    private IReadOnlyList<string> _outputs = null!;

    private static readonly float[][] Queries =
    {
        TinyLinearScm.Features("none", 0), TinyLinearScm.Features("r1", 2), TinyLinearScm.Features("r2", 3.5f),
    };

    private sealed class Query
    {
        [VectorType(GimTestData.FeatureCount)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    private IEstimator<ITransformer> Estimator(bool withContextColumn = true)
    {
        var trainers = _mlContext.Perturbation().Trainers;
        string context = withContextColumn ? "Context" : "Missing";
        return method switch
        {
            "control" => trainers.Control(new ControlOptions { ContextColumnName = context, Seed = 2 }),
            "nearest-context" => trainers.NearestContext(new NearestContextOptions { ContextColumnName = context, Seed = 2 }),
            "mean-shift" => trainers.MeanShift(new MeanShiftOptions { ContextColumnName = context, Seed = 2, MaxSteps = 200 }),
            "conditional-gaussian" => trainers.ConditionalGaussian(new ConditionalGaussianOptions { ContextColumnName = context, Seed = 2, MaxSteps = 200 }),
            "training-mean" => trainers.TrainingMean(new TrainingMeanOptions { ContextColumnName = context, Seed = 2 }),
            "linear-features" => trainers.LinearFeatures(new LinearFeaturesOptions { ContextColumnName = context, Seed = 2 }),
            _ => trainers.TwoStageCausal(new TwoStageCausalOptions { ContextColumnName = context, Seed = 2, MaxSteps = 300 }),
        };
    }

    [OneTimeSetUp]
    public void Fit()
    {
        _transformer = Estimator().Fit(_mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(60)));
        (_model, _outputs) = _transformer switch
        {
            PerturbationTransformer<ControlModel> t => ((PerturbationModel)t.Model, t.OutputColumnNames),
            PerturbationTransformer<NearestContextModel> t => (t.Model, t.OutputColumnNames),
            PerturbationTransformer<MeanShiftModel> t => (t.Model, t.OutputColumnNames),
            PerturbationTransformer<ConditionalGaussianModel> t => (t.Model, t.OutputColumnNames),
            PerturbationTransformer<TwoStageCausalModel> t => (t.Model, t.OutputColumnNames),
            PerturbationTransformer<TrainingMeanModel> t => (t.Model, t.OutputColumnNames),
            PerturbationTransformer<LinearFeaturesModel> t => (t.Model, t.OutputColumnNames),
            _ => throw new InvalidOperationException(_transformer.GetType().Name),
        };
    }

    [OneTimeTearDown]
    public void Dispose() => (_transformer as IDisposable)?.Dispose();

    private IDataView QueryRows(MLContext context) => context.Data.LoadFromEnumerable(Queries.Select(q => new Query { Features = q }));

    [Test]
    public void OutputColumns_HaveTargetProbabilitiesOnlyForAMethodWithTargets()
    {
        DataViewSchema schema = _transformer.Transform(QueryRows(_mlContext)).Schema;
        bool hasTargets = method == "two-stage";
        Assert.That(schema.GetColumnOrNull("TargetProbabilities").HasValue, Is.EqualTo(hasTargets));
        foreach (string name in _outputs)
            Assert.That(schema[name].Type, Is.EqualTo(new VectorDataViewType(NumberDataViewType.Single, TinyLinearScm.Variables)), name);
    }

    [Test]
    public void PipelineMean_EqualsTheInProcessModel()
    {
        float[][] predicted = GimTestData.Column(_transformer.Transform(QueryRows(_mlContext)), "PredictedMean");
        ParityAssert.Close(ParityAssert.Rows(predicted), ParityAssert.Rows(Queries.Select(_model.PredictMean).ToList()), "PredictedMean");
    }

    [Test]
    public void SaveAndLoad_InAFreshContext_PredictsIdentically()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gim-peer-{method}-{Guid.NewGuid():N}.zip");
        try
        {
            IDataView training = _mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(4));
            _mlContext.Model.Save(_transformer, training.Schema, path);
            var serving = new MLContext();
            ITransformer loaded = PlainMlNet.Load(serving, path, out _);
            foreach (string column in _outputs)
            {
                // Two fresh loads replay the same draws (the seed is in the saved graph).
                float[][] first = GimTestData.Column(loaded.Transform(QueryRows(serving)), column);
                float[][] second = GimTestData.Column(PlainMlNet.Load(new MLContext(), path, out _).Transform(QueryRows(serving)), column);
                Assert.That(second, Is.EqualTo(first), column);
            }
            float[][] means = GimTestData.Column(PlainMlNet.Load(serving, path, out _).Transform(QueryRows(serving)), "PredictedMean");
            ParityAssert.Close(ParityAssert.Rows(means), ParityAssert.Rows(Queries.Select(_model.PredictMean).ToList()), "loaded PredictedMean");
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void MissingContextColumn_FailsUpFront_AsForGim()
    {
        IDataView data = _mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(4));
        Assert.That(() => Estimator(withContextColumn: false).Fit(data), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("Column 'Missing' (context) was not found in the input; expected a key, string (Text) or integer column."));
        Assert.That(() => Estimator(withContextColumn: false).GetOutputSchema(GimTestData.Shape(data.Schema)), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("Column 'Missing' (context)"));
    }

    [Test]
    public void WrongFeatureWidth_AtPrediction_FailsNamingTheColumn()
    {
        var rows = _mlContext.Data.LoadFromEnumerable(new[] { new { Features = new float[] { 1, 2 } } }.Select(r => new ShortQuery { Features = r.Features }));
        Assert.That(() => _transformer.Transform(rows), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains($"Column 'Features' (features): expected a vector of {GimTestData.FeatureCount} Single (float) values"));
    }

    private sealed class ShortQuery
    {
        [VectorType(2)] public float[] Features { get; set; } = Array.Empty<float>();
    }
}
