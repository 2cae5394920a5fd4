using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Peers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Gim.MLNet;

/// <summary>
/// Trains a Generative Intervention Model on one-row-per-cell data and returns a <see cref="GimTransformer"/>
/// whose inference is the exported ONNX graph (so a fitted pipeline saves and loads with
/// <c>mlContext.Model.Save/Load</c> and serves without TorchSharp). Create it with
/// <c>mlContext.Perturbation().Trainers.Gim(...)</c>.
/// </summary>
public sealed partial class GimEstimator : IEstimator<GimTransformer>
{
    private readonly MLContext _mlContext;
    private readonly IHost _host;
    private readonly Options _options;

    internal GimEstimator(MLContext mlContext, Options options)
    {
        _mlContext = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _host = ((IHostEnvironment)mlContext).Register(nameof(GimEstimator));
        ValidateOptions(_options);
    }

    /// <summary>Checks the input columns (names and types) and returns the output columns, without training.</summary>
    /// <param name="inputSchema">The shape of the data that <see cref="Fit"/> will receive.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        GimInputColumns.Check(inputSchema, _options, training: true);
        return PerturbationOutputSchema.Create(_mlContext, inputSchema, _options.FeatureColumnName, _options.OutputColumnNames());
    }

    /// <summary>Reads the data into contexts, trains the GIM, exports it to ONNX and wraps it in a transformer.</summary>
    /// <param name="input">One row per cell: features, measurements, context and (unless a control context value is set) a control flag.</param>
    public GimTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GimInputColumns.Check(input.Schema, _options, training: true);
        using IChannel channel = _host.Start("Training GIM");
        GimOptions training = _options.Training.Clone();
        training.Seed = _options.Seed ?? _host.Rand.Next();
        training.Progress = _options.Progress ?? training.Progress;
        if (_options.CancellationToken.CanBeCanceled) training.CancellationToken = _options.CancellationToken;
        training.Validate();

        PerturbationDataset data = PerturbationDataReader.Read(input, _options, training.CancellationToken);
        channel.Info(MessageSensitivity.None, $"GIM: {data.Contexts.Count} contexts ({data.Controls.Count()} control), {data.SampleCount} cells, {data.VariableCount} variables, {data.FeatureCount} features.");
        var trainer = new GimTrainer(training) { Log = message => channel.Info(MessageSensitivity.None, message) };
        LinearGimParameters? start = null;
        if (_options.WarmStartFromTwoStage)
        {
            channel.Info(MessageSensitivity.None, "GIM: fitting the two-stage warm start.");
            start = Gim.MLNet.Peers.GimWarmStart.TwoStage(data, training);
        }
        GimModel model = trainer.Fit(data, validation: null, start);
        try
        {
            var resolved = _options.Clone();
            resolved.Training = training;
            resolved.Seed = training.Seed;
            GimTransformer transformer = GimTransformer.Create(_mlContext, input, model, resolved);
            channel.Info(MessageSensitivity.None, $"GIM: fitted in {model.FitTime.TotalSeconds:F2} s ({model.StepsRun} steps); exported to ONNX (opset {LinearGimOnnxExporter.OpsetVersion}).");
            return transformer;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void ValidateOptions(Options options)
    {
        foreach (var (value, name) in new[] {
            (options.FeatureColumnName, nameof(Options.FeatureColumnName)),
            (options.MeasurementsColumnName, nameof(Options.MeasurementsColumnName)),
            (options.ContextColumnName, nameof(Options.ContextColumnName)),
            (options.SampleColumnName, nameof(Options.SampleColumnName)),
            (options.PredictedMeanColumnName, nameof(Options.PredictedMeanColumnName)),
            (options.TargetProbabilitiesColumnName, nameof(Options.TargetProbabilitiesColumnName)),
            (options.ShiftColumnName, nameof(Options.ShiftColumnName)) })
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"GimEstimator.Options.{name} must name a column.", nameof(options));
        var names = options.OutputColumnNames().Append(options.FeatureColumnName).ToList();
        if (options.Counterfactual) names.Add(options.MeasurementsColumnName);
        string? duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
            throw new ArgumentException($"GimEstimator.Options: the column name '{duplicate}' is used for two roles; the output columns and the ONNX inputs must have distinct names.", nameof(options));
        if (options.Counterfactual && options.Mode == PredictionMode.Marginal)
            throw new ArgumentException("GimEstimator.Options: Counterfactual uses MAP targets; set Mode to Map (the default) or Counterfactual to false.", nameof(options));
        ArgumentNullException.ThrowIfNull(options.Training, "options.Training");
        options.Training.Validate();
        if (options.WarmStartFromTwoStage && !Gim.MLNet.Peers.GimWarmStart.Fits(options.Training))
            throw new ArgumentException("GimEstimator.Options.WarmStartFromTwoStage needs Training.CausalModel = Linear, Training.EncoderDepth = 0 and " +
                $"Training.Interventions = Shift (the two-stage map's shape); they are {options.Training.CausalModel}, {options.Training.EncoderDepth}, {options.Training.Interventions}.", nameof(options));
    }
}
