using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;
using Gim.MLNet.Peers;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Gim.MLNet;

/// <summary>
/// What the peers' estimators share: the up-front schema check, reading one-row-per-cell data into contexts
/// (the same reader and checks as <see cref="GimEstimator"/>), training, ONNX export and the transformer.
/// </summary>
/// <typeparam name="TModel">The peer's model type.</typeparam>
/// <typeparam name="TTraining">The peer's trainer options type.</typeparam>
public abstract class BaselineEstimator<TModel, TTraining> : IEstimator<BaselineTransformer<TModel>>
    where TModel : PerturbationModel
    where TTraining : PerturbationOptions, new()
{
    private readonly MLContext _mlContext;
    private readonly IHost _host;
    private readonly BaselineEstimatorOptions<TTraining> _options;
    private readonly string _method;

    private protected BaselineEstimator(MLContext mlContext, BaselineEstimatorOptions<TTraining> options, string method)
    {
        _mlContext = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _method = method;
        _host = ((IHostEnvironment)mlContext).Register(GetType().Name);
        _options.Validate(HasTargets);
    }

    /// <summary>True when the method has a notion of targets and so writes the TargetProbabilities column.</summary>
    private protected virtual bool HasTargets => false;

    /// <summary>Checks the input columns (names and types) and returns the output columns, without training.</summary>
    /// <param name="inputSchema">The shape of the data that <see cref="Fit"/> will receive.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        GimInputColumns.Check(inputSchema, _options, training: true);
        return PerturbationOutputSchema.Create(_mlContext, inputSchema, _options.FeatureColumnName, _options.OutputColumnNames(HasTargets));
    }

    /// <summary>Reads the data into contexts, trains the peer, exports it to ONNX and wraps it in a transformer.</summary>
    /// <param name="input">One row per cell: features, measurements, context and (unless a control context value is set) a control flag.</param>
    public BaselineTransformer<TModel> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GimInputColumns.Check(input.Schema, _options, training: true);
        using IChannel channel = _host.Start($"Training {_method}");
        var resolved = _options.Clone();
        resolved.Seed = _options.Seed ?? _host.Rand.Next();
        resolved.Training.Seed = resolved.Seed.Value;
        if (_options.CancellationToken.CanBeCanceled) resolved.Training.CancellationToken = _options.CancellationToken;

        PerturbationDataset data = PerturbationDataReader.Read(input, resolved, resolved.Training.CancellationToken);
        channel.Info(MessageSensitivity.None, $"{_method}: {data.Contexts.Count} contexts ({data.Controls.Count()} control), {data.SampleCount} cells, {data.VariableCount} variables, {data.FeatureCount} features.");
        TModel model = Train(data, resolved.Training);
        try
        {
            string[] outputs = resolved.OutputColumnNames(HasTargets);
            byte[] onnx = PeerOnnxExporter.Export(model, new OnnxExportOptions
            {
                FeaturesInputName = resolved.FeatureColumnName,
                Seed = resolved.Seed.Value,
                SampleOutputName = resolved.SampleColumnName,
                PredictedMeanOutputName = resolved.PredictedMeanColumnName,
                TargetProbabilitiesOutputName = resolved.TargetProbabilitiesColumnName,
                ShiftOutputName = resolved.ShiftColumnName,
                FlattenOutputs = true,
            });
            OnnxBackedTransformer.OnnxStep transformer = OnnxBackedTransformer.ApplyOnnx(_mlContext, input, onnx, new[] { resolved.FeatureColumnName }, outputs, model.VariableCount);
            channel.Info(MessageSensitivity.None, $"{_method}: fitted in {model.FitTime.TotalSeconds:F2} s; exported to ONNX.");
            return new BaselineTransformer<TModel>(transformer, onnx, model, resolved, outputs);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Fits the peer on the contexts read from the data (the options are a resolved copy).</summary>
    private protected abstract TModel Train(PerturbationDataset data, TTraining options);
}
