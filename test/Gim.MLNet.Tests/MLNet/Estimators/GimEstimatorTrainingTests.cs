using System.Diagnostics;
using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.MLNet.Estimators;

/// <summary>Progress, cancellation, counterfactual mode and the other context/control encodings.</summary>
public class GimEstimatorTrainingTests
{
    private sealed class ListProgress : IProgress<GimTrainingProgress>
    {
        public List<GimTrainingProgress> Reports { get; } = new();
        public Action? OnReport { get; set; }
        public void Report(GimTrainingProgress value)
        {
            Reports.Add(value);
            OnReport?.Invoke();
        }
    }

    [Test]
    public void Progress_ReachesIProgressAndMLContextLog()
    {
        var mlContext = new MLContext(seed: 1);
        var messages = new List<string>();
        mlContext.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var progress = new ListProgress();
        var options = GimTestData.Options(steps: 200);
        options.Progress = progress;
        using var transformer = mlContext.Perturbation().Trainers.Gim(options).Fit(mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(30)));
        Assert.That(progress.Reports.Select(r => r.Step), Is.EqualTo(new[] { 100, 200 }));
        Assert.That(messages, Has.Some.Contains("step 200/200"));
        Assert.That(messages, Has.Some.Contains("GIM: 11 contexts (1 control)"));
    }

    [Test]
    public void Cancellation_StopsTrainingQuickly()
    {
        var mlContext = new MLContext(seed: 1);
        using var cancellation = new CancellationTokenSource();
        var options = GimTestData.Options(steps: 10_000_000);
        options.EvaluateEvery = 10;
        options.CancellationToken = cancellation.Token;
        options.Progress = new ListProgress { OnReport = cancellation.Cancel };
        var clock = Stopwatch.StartNew();
        Assert.That(() => mlContext.Perturbation().Trainers.Gim(options).Fit(mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(30))),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public void CounterfactualMode_ReadsControlCellsFromTheMeasurementsColumn()
    {
        var mlContext = new MLContext(seed: 1);
        var options = GimTestData.Options();
        options.Counterfactual = true;
        using var transformer = mlContext.Perturbation().Trainers.Gim(options).Fit(mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(100)));
        // Rows: features of a perturbation, a control cell in Measurements.
        var controls = GimTestData.FeatureCells(6, seed: 4).Where(c => c.IsControl).ToList();
        float[] features = TinyLinearScm.Features("r1", 2);
        foreach (var c in controls) c.Features = features;
        IDataView result = transformer.Transform(mlContext.Data.LoadFromEnumerable(controls));
        var cells = new float[controls.Count, TinyLinearScm.Variables];
        for (int i = 0; i < controls.Count; i++)
            for (int j = 0; j < TinyLinearScm.Variables; j++) cells[i, j] = controls[i].Measurements[j];
        ParityAssert.Close(ParityAssert.Rows(GimTestData.Column(result, "Sample")), transformer.Model.Counterfactual(features, cells), "pipeline counterfactual");
    }

    private sealed class IntegerContextCell
    {
        [Microsoft.ML.Data.VectorType(GimTestData.FeatureCount)] public float[] Features { get; set; } = Array.Empty<float>();
        [Microsoft.ML.Data.VectorType(TinyLinearScm.Variables)] public float[] Measurements { get; set; } = Array.Empty<float>();
        public int Context { get; set; }
    }

    [Test]
    public void IntegerContexts_WithAControlContextValue_Train()
    {
        var mlContext = new MLContext(seed: 1);
        var names = new List<string>();
        var rows = GimTestData.FeatureCells(20).Select(c =>
        {
            if (!names.Contains(c.Context)) names.Add(c.Context);
            return new IntegerContextCell { Features = c.Features, Measurements = c.Measurements, Context = names.IndexOf(c.Context) };
        }).ToList();
        var messages = new List<string>();
        mlContext.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var options = GimTestData.Options(steps: 20);
        options.ControlContextValue = "0";
        options.ControlColumnName = null;
        using var transformer = mlContext.Perturbation().Trainers.Gim(options).Fit(mlContext.Data.LoadFromEnumerable(rows));
        Assert.That(transformer.FeatureNames, Has.Count.EqualTo(GimTestData.FeatureCount));
        Assert.That(messages, Has.Some.Contains("GIM: 11 contexts (1 control)"), "context 0 is the control; the 10 integers are 10 contexts");
        AssertSameFitAsStringContexts(transformer, GimTestData.Options(steps: 20));
    }

    /// <summary>
    /// The same cells with the string Context and the IsControl column, same seed and steps: the same contexts, the same control
    /// (the variables are standardised by the control cells) and so the same fitted graph.
    /// </summary>
    private static void AssertSameFitAsStringContexts(GimTransformer transformer, GimOptions options)
    {
        var mlContext = new MLContext(seed: 1);
        using var reference = mlContext.Perturbation().Trainers.Gim(options).Fit(mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(20)));
        Assert.That(transformer.VariableStandardizer.Mean, Is.EqualTo(reference.VariableStandardizer.Mean), "standardised by the control cells");
        Assert.That(transformer.VariableStandardizer.Scale, Is.EqualTo(reference.VariableStandardizer.Scale), "standardised by the control cells");
        double[,] graph = transformer.Graph(), expected = reference.Graph();
        double difference = graph.Cast<double>().Zip(expected.Cast<double>(), (a, b) => Math.Abs(a - b)).Max();
        TestContext.Out.WriteLine($"max |B − B_string| = {difference:E2}, max |B| = {expected.Cast<double>().Max(Math.Abs):F3}");
        // Two fits of the same string-context data differ by up to 6e-8 too (float32 training is not bit-reproducible; measured);
        // 1e-6 is well above that and far below what different contexts or another control would change.
        Assert.That(graph, Is.EqualTo(expected).Within(1e-6), "the same training");
    }

    [Test]
    public void KeyContexts_FromMapValueToKey_Train()
    {
        var mlContext = new MLContext(seed: 1);
        var messages = new List<string>();
        mlContext.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        // The control is named by its key's value, so the keys must be read as their names (KeyValues), not as numbers.
        var options = new GimOptions { ContextColumnName = "ContextKey", ControlColumnName = null, ControlContextValue = "control", Seed = 1, MaxSteps = 20 };
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("ContextKey", "Context")
            .Append(mlContext.Perturbation().Trainers.Gim(options));
        var model = pipeline.Fit(mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(20)));
        Assert.That(model.LastTransformer.VariableNames, Has.Count.EqualTo(TinyLinearScm.Variables));
        Assert.That(messages, Has.Some.Contains("GIM: 11 contexts (1 control)"));
        AssertSameFitAsStringContexts(model.LastTransformer, new GimOptions { Seed = 1, MaxSteps = 20 });
        model.LastTransformer.Dispose();
    }
}
