using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Gim.MLNet;

/// <summary>
/// What every perturbation estimator does, GIM's and the peers': checks the input columns up front (names and
/// types, before any work), reads one-row-per-cell data into contexts, trains the model with its flat options
/// (seed resolved from the MLContext when unset), exports it to ONNX and wraps it in a transformer.
/// </summary>
/// <typeparam name="TModel">The fitted model.</typeparam>
/// <typeparam name="TTransformer">The fitted transformer.</typeparam>
public abstract class PerturbationEstimator<TModel, TTransformer> : IEstimator<TTransformer>, IPerturbationEstimator
    where TModel : PerturbationModel
    where TTransformer : PerturbationTransformer<TModel>
{
    private readonly IHost _host;

    private protected PerturbationEstimator(MLContext mlContext, PerturbationOptions options, string method)
    {
        MLContext = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        ArgumentNullException.ThrowIfNull(options, nameof(options));
        Options = options.Clone();
        Options.ValidateColumns();
        Options.Validate();
        Method = method;
        _host = ((IHostEnvironment)mlContext).Register($"{method}Estimator");
    }

    private protected MLContext MLContext { get; }

    /// <summary>A validated copy of the options the estimator was created with.</summary>
    private protected PerturbationOptions Options { get; }

    /// <summary>The method's name in messages ("GIM", "MeanShift"...).</summary>
    private protected string Method { get; }

    string? IPerturbationEstimator.GroupColumnName => Options.GroupColumnName;

    /// <summary>Checks the input columns (names and types) and returns the output columns, without training.</summary>
    /// <param name="inputSchema">The shape of the data that <see cref="Fit"/> will receive.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        PerturbationInputColumns.Check(inputSchema, Options, training: true);
        return PerturbationOutputSchema.Create(MLContext, inputSchema, Options.FeatureColumnName, Options.OutputColumnNames());
    }

    /// <summary>Reads the data into contexts, trains the model, exports it to ONNX and wraps it in a transformer.</summary>
    /// <param name="input">One row per cell: features, measurements, context and (unless a control context value is set) a control flag.</param>
    public TTransformer Fit(IDataView input) => FitCore(input, validation: null);

    /// <summary>
    /// <see cref="Fit(IDataView)"/>, with held-out rows for methods that stop early on them (GIM: see
    /// <see cref="GimEstimator.Fit(IDataView, IDataView)"/>); both inputs are checked before any work.
    /// </summary>
    private protected TTransformer FitCore(IDataView input, IDataView? validation)
    {
        ArgumentNullException.ThrowIfNull(input);
        PerturbationInputColumns.Check(input.Schema, Options, training: true);
        if (validation is not null) PerturbationInputColumns.Check(validation.Schema, Options, "Validation data", nameof(validation));
        using IChannel channel = _host.Start($"Training {Method}");
        PerturbationOptions resolved = Options.Clone();
        resolved.Seed ??= _host.Rand.Next();

        PerturbationDataset data = PerturbationDataReader.Read(input, resolved, resolved.CancellationToken);
        PerturbationDataset? held = validation is null ? null
            : PerturbationDataReader.Read(validation, resolved, resolved.CancellationToken, requireControl: false, role: "The validation data");
        return TrainAndWrap(input, data, held, resolved, channel);
    }

    /// <summary>
    /// Fits from statistics (<see cref="PerturbationStatistics"/>) instead of cells; the transformer reads the features
    /// column (and the measurements column where the method reads cells at prediction), named as the options say.
    /// </summary>
    private protected TTransformer FitCore(PerturbationStatistics train, PerturbationStatistics? validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        using IChannel channel = _host.Start($"Training {Method}");
        PerturbationOptions resolved = Options.Clone();
        resolved.Seed ??= _host.Rand.Next();
        PerturbationDataset data = train.ToDataset();
        IDataView schema = data.SchemaView(MLContext, resolved.FeatureColumnName, resolved.MeasurementsColumnName);
        return TrainAndWrap(schema, data, validation?.ToDataset(), resolved, channel);
    }

    private TTransformer TrainAndWrap(IDataView input, PerturbationDataset data, PerturbationDataset? held, PerturbationOptions resolved, IChannel channel)
    {
        channel.Info(MessageSensitivity.None, $"{Method}: {data.Contexts.Count} contexts ({data.Controls.Count()} control), {data.Contexts.Sum(c => c.HasCells ? c.SampleCount : c.Moments.Count)} cells{(data.HasCells ? "" : " (as statistics)")}, {data.VariableCount} variables, {data.FeatureCount} features.");
        if (held is not null)
            channel.Info(MessageSensitivity.None, $"{Method}: validation {held.Contexts.Count} contexts, {held.SampleCount} cells.");
        TModel model = Train(data, held, resolved, message => channel.Info(MessageSensitivity.None, message));
        try
        {
            string[] outputs = resolved.OutputColumnNames();
            byte[] onnx = model.ExportOnnx(ExportOptions(resolved));
            string[] inputs = resolved.ReadsMeasurementsAtPrediction
                ? new[] { resolved.FeatureColumnName, resolved.MeasurementsColumnName }
                : new[] { resolved.FeatureColumnName };
            OnnxBackedTransformer.OnnxStep step = OnnxBackedTransformer.ApplyOnnx(MLContext, input, onnx, inputs, outputs, model.VariableCount);
            channel.Info(MessageSensitivity.None, $"{Method}: {FitSummary(model)}; exported to ONNX (opset {OnnxGraphBuilder.OpsetVersion}).");
            return Wrap(step, onnx, model, resolved, outputs);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Trains the model on the contexts read from the data (and, for methods that stop early, the validation contexts);
    /// <paramref name="log"/> goes to the MLContext's log.
    /// </summary>
    private protected abstract TModel Train(PerturbationDataset data, PerturbationDataset? validation, PerturbationOptions resolved, Action<string> log);

    /// <summary>The transformer around the ONNX step (which it owns from here on).</summary>
    private protected abstract TTransformer Wrap(OnnxBackedTransformer.OnnxStep step, byte[] onnx, TModel model, PerturbationOptions resolved, string[] outputs);

    /// <summary>The export settings: the columns' names, the seed, flattened outputs (what ML.NET's ONNX step needs).</summary>
    private protected virtual OnnxExportOptions ExportOptions(PerturbationOptions resolved) => Fill(new OnnxExportOptions(), resolved);

    /// <summary>The summary line after fitting.</summary>
    private protected virtual string FitSummary(TModel model) => $"fitted in {model.FitTime.TotalSeconds:F2} s";

    /// <summary>Copies the column names and the seed into export settings.</summary>
    private protected static T Fill<T>(T export, PerturbationOptions resolved) where T : OnnxExportOptions
    {
        export.FeaturesInputName = resolved.FeatureColumnName;
        export.Seed = resolved.Seed ?? 0;
        export.SampleOutputName = resolved.SampleColumnName;
        export.PredictedMeanOutputName = resolved.PredictedMeanColumnName;
        export.TargetProbabilitiesOutputName = resolved.TargetProbabilitiesColumnName;
        export.ShiftOutputName = resolved.ShiftColumnName;
        export.FlattenOutputs = true;
        return export;
    }
}

/// <summary>
/// A peer of GIM as an ML.NET estimator (same input and output columns as GIM's); create it from the catalog, e.g.
/// <c>mlContext.Perturbation().Trainers.MeanShift(new MeanShiftOptions { ... })</c>. Its transformer runs the peer's ONNX graph.
/// </summary>
/// <typeparam name="TModel">The peer's fitted model.</typeparam>
public sealed class PeerEstimator<TModel> : PerturbationEstimator<TModel, PerturbationTransformer<TModel>> where TModel : PerturbationModel
{
    private readonly Func<PerturbationOptions, PerturbationDataset, Action<string>, TModel> _train;

    internal PeerEstimator(MLContext mlContext, PerturbationOptions options, string method,
        Func<PerturbationOptions, PerturbationDataset, Action<string>, TModel> train)
        : base(mlContext, options, method) => _train = train;

    // No peer stops early, so held-out rows would go unused; peers offer Fit(input) only.
    private protected override TModel Train(PerturbationDataset data, PerturbationDataset? validation, PerturbationOptions resolved, Action<string> log) =>
        _train(resolved, data, log);

    private protected override PerturbationTransformer<TModel> Wrap(OnnxBackedTransformer.OnnxStep step, byte[] onnx, TModel model,
        PerturbationOptions resolved, string[] outputs) => new(step, onnx, model, resolved, outputs);
}

/// <summary>What the evaluation helpers read from a perturbation estimator (GIM or a peer) whatever its model type.</summary>
internal interface IPerturbationEstimator
{
    /// <summary>The estimator's perturbation-group column, or null.</summary>
    string? GroupColumnName { get; }

    /// <summary>
    /// The perturbation estimator an ML.NET estimator is or ends with (a pipeline <c>a.Append(gim)</c>), or null.
    /// </summary>
    static IPerturbationEstimator? Find(IEstimator<ITransformer> estimator)
    {
        object? current = estimator;
        // EstimatorChain<T> exposes its last estimator as the public field LastEstimator.
        while (current is not null and not IPerturbationEstimator
               && current.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Microsoft.ML.Data.EstimatorChain<>))
            current = type.GetField("LastEstimator")?.GetValue(current);
        return current as IPerturbationEstimator;
    }
}
