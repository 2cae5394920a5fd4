using Gim.MLNet.Causal;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace Gim.MLNet.Tests.MLNet;

/// <summary>
/// The pipeline and Save/Load examples of docs/mlnet.md, verbatim between the "docs:" markers, plus the
/// checks that they do what the page says.
/// </summary>
public class PipelineDocsExampleTests
{
    private string _directory = null!;
    private TransformerChain<GimTransformer> _model = null!;
    private IDataView _cells = null!;
    private MLContext _mlContext = null!;
    private string _modelPath = null!;

    /// <summary>Rows to predict: only the columns the featurizers need.</summary>
    public sealed class Query
    {
        public string Reagent { get; set; } = "";
        public float Dose { get; set; }
    }

    internal static readonly Query[] Queries =
    {
        new() { Reagent = "r1", Dose = 2 }, new() { Reagent = "r1", Dose = 2 }, new() { Reagent = "r3", Dose = 1.5f },
        new() { Reagent = "none", Dose = 0 }, new() { Reagent = "r4", Dose = 3 },
    };

    [OneTimeSetUp]
    public void FitPipeline()
    {
        _directory = Path.Combine(Path.GetTempPath(), "gim-mlnet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _modelPath = Path.Combine(_directory, "gim.zip");
        List<TinyLinearScm.Cell> cellRows = TinyLinearScm.Cells();
        string modelPath = _modelPath;

        // docs: pipeline
        var mlContext = new MLContext(seed: 1);
        IDataView cells = mlContext.Data.LoadFromEnumerable(cellRows);   // Context, Reagent, Dose, IsControl, Measurements[5]

        var pipeline = mlContext.Transforms.Categorical.OneHotEncoding("ReagentOneHot", "Reagent")
            .Append(mlContext.Transforms.Concatenate("Features", "ReagentOneHot", "Dose"))
            .Append(mlContext.Transforms.NormalizeMeanVariance("Features"))
            .Append(mlContext.Perturbation().Trainers.Gim(new GimOptions
            {
                FeatureColumnName = "Features",
                MeasurementsColumnName = "Measurements",
                ContextColumnName = "Context",
                ControlColumnName = "IsControl",
                MaxSteps = 300, LearningRate = 0.05,
            }));

        TransformerChain<GimTransformer> model = pipeline.Fit(cells);
        GimTransformer gim = model.LastTransformer;
        double[,] graph = gim.Graph();                                   // learned B, standardised units
        IDataView predictions = model.Transform(cells);                  // + Sample, PredictedMean, TargetProbabilities, Shift

        mlContext.Model.SaveAtomically(model, cells.Schema, modelPath);  // an ordinary ML.NET .zip
        // docs: end

        Assert.That(graph.GetLength(0), Is.EqualTo(TinyLinearScm.Variables));
        Assert.That(predictions.Schema["Sample"].Type, Is.EqualTo(new VectorDataViewType(NumberDataViewType.Single, TinyLinearScm.Variables)));
        (_mlContext, _model, _cells) = (mlContext, model, cells);
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        _model.LastTransformer.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void Pipeline_PredictsWhatTheTorchSharpModelPredicts()
    {
        IDataView predictions = _model.Transform(_mlContext.Data.LoadFromEnumerable(Queries));
        float[][] features = GimTestData.Column(predictions, "Features");
        float[][] means = GimTestData.Column(predictions, "PredictedMean");
        float[][] probabilities = GimTestData.Column(predictions, "TargetProbabilities");
        GimModel torch = _model.LastTransformer.Model;
        ParityAssert.Close(ParityAssert.Rows(means), ParityAssert.Rows(features.Select(f => torch.PredictMean(f)).ToList()), "pipeline PredictedMean");
        ParityAssert.Close(ParityAssert.Rows(probabilities), ParityAssert.Rows(features.Select(f => torch.Explain(f).TargetProbabilities).ToList()), "pipeline TargetProbabilities");
        float[][] samples = GimTestData.Column(predictions, "Sample");
        Assert.That(samples[0], Is.Not.EqualTo(samples[1]), "two rows with the same features get two draws");
        TestContext.Out.WriteLine($"MAP targets of r1@2: [{string.Join(", ", torch.Explain(features[0]).MapTargets)}]");
    }

    [Test]
    public void SaveAndLoad_InAFreshContext_PredictsIdentically()
    {
        // docs: load
        var servingContext = new MLContext();
        ITransformer loaded = servingContext.Model.Load(_modelPath, out DataViewSchema inputSchema);
        IDataView predicted = loaded.Transform(servingContext.Data.LoadFromEnumerable(Queries));
        float[][] means = predicted.GetColumn<float[]>("PredictedMean").ToArray();
        // docs: end

        Assert.That(inputSchema.GetColumnOrNull("Measurements"), Is.Not.Null);
        Assert.That(((TransformerChain<ITransformer>)loaded).LastTransformer, Is.InstanceOf<OnnxTransformer>(),
            "the saved GIM step loads as ML.NET's ONNX transformer");
        IDataView original = _model.Transform(_mlContext.Data.LoadFromEnumerable(Queries));
        foreach (string column in new[] { "PredictedMean", "TargetProbabilities", "Shift" })
            Assert.That(GimTestData.Column(predicted, column), Is.EqualTo(GimTestData.Column(original, column)), column);
        Assert.That(means, Is.EqualTo(GimTestData.Column(original, "PredictedMean")));

        // Samples: the first pass over the data after a fresh load replays the same draws (the seed is in the
        // graph); every further pass through the same session continues the random stream.
        float[][] FirstPassSamples() => GimTestData.Column(PlainMlNet.Load(new MLContext(), _modelPath, out _).Transform(servingContext.Data.LoadFromEnumerable(Queries)), "Sample");
        float[][] first = FirstPassSamples();
        Assert.That(FirstPassSamples(), Is.EqualTo(first));
        Assert.That(GimTestData.Column(predicted, "Sample"), Is.Not.EqualTo(first), "a later pass draws anew");
    }

    [Test]
    public void LoadModel_PredictsInBlocks_WithTheSameNumbers()
    {
        // docs: loadbatched
        var servingContext = new MLContext();
        using var loaded = (TransformerChain<ITransformer>)servingContext.Model.LoadModel(_modelPath, out DataViewSchema inputSchema);
        var gimStep = (BatchedOnnxTransformer)loaded.LastTransformer;   // ML.NET's OnnxTransformer inside: gimStep.RowByRowTransformer
        IDataView predicted = loaded.Transform(servingContext.Data.LoadFromEnumerable(Queries));
        float[][] means = predicted.GetColumn<float[]>("PredictedMean").ToArray();
        // docs: end

        Assert.That(gimStep.RowByRowTransformer, Is.InstanceOf<OnnxTransformer>());
        Assert.That(gimStep.RowsPerBatch, Is.EqualTo(_model.LastTransformer.RowsPerBatch));
        IDataView original = _model.Transform(_mlContext.Data.LoadFromEnumerable(Queries));
        Assert.That(means, Is.EqualTo(GimTestData.Column(original, "PredictedMean")));
        foreach (string column in new[] { "TargetProbabilities", "Shift" })
            Assert.That(GimTestData.Column(predicted, column), Is.EqualTo(GimTestData.Column(original, column)), column);
        var engine = servingContext.Model.CreatePredictionEngine<Query, MeanOnly>(loaded);
        Assert.That(engine.Predict(Queries[0]).PredictedMean, Is.EqualTo(means[0]), "PredictionEngine (one row at a time) through the batched step");
    }

    [Test]
    public void LoadedModel_ServesThroughPredictionEngine()
    {
        var context = new MLContext();
        ITransformer loaded = PlainMlNet.Load(context, _modelPath, out _);
        var engine = context.Model.CreatePredictionEngine<Query, MeanOnly>(loaded);
        float[] mean = engine.Predict(Queries[0]).PredictedMean;
        float[] expected = GimTestData.Column(_model.Transform(_mlContext.Data.LoadFromEnumerable(Queries.Take(1))), "PredictedMean")[0];
        Assert.That(mean, Is.EqualTo(expected));
    }

    [Test]
    public void Evaluate_GivesPerContextMeanRmse()
    {
        PerturbationEvaluation evaluation = _mlContext.Perturbation().Evaluate(_model.Transform(_cells));
        Assert.That(evaluation.PerContext.Select(c => c.Context), Does.Contain("control").And.Contain("r1@2"));
        Assert.That(evaluation.PerContext.All(c => c.Rows == 150 && double.IsFinite(c.MeanRmse)), Is.True);
        Assert.That(evaluation.MeanRmse, Is.EqualTo(evaluation.PerContext.Average(c => c.MeanRmse)));
        TestContext.Out.WriteLine($"training-context mean RMSE of sample means: {evaluation.MeanRmse:F3}");
    }

    public sealed class MeanOnly
    {
        [VectorType(TinyLinearScm.Variables)] public float[] PredictedMean { get; set; } = Array.Empty<float>();
    }

    internal string ModelPath => _modelPath;
}
