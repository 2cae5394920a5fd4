using Gim.MLNet.Data;
using Gim.MLNet.Onnx;
using Gim.MLNet.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.MLNet;

/// <summary>
/// A fitted GIM in an ML.NET pipeline. Prediction is ML.NET's ONNX transformer running the graph exported
/// from the fitted model; this type adds typed accessors (learned graph, variable names, standardisation,
/// options, the TorchSharp model) and delegates Transform, schema and saving to the ONNX transformer.
/// </summary>
/// <remarks>
/// <c>mlContext.Model.Save</c> writes the ONNX transformer (ML.NET's model-file format is closed to third-party
/// types), so <c>mlContext.Model.Load</c> returns a pipeline that predicts identically with ONNX Runtime
/// only, but whose last step is ML.NET's <c>OnnxTransformer</c>, not this type.
/// </remarks>
public sealed class GimTransformer : ITransformer, IDisposable
{
    private readonly ITransformer _onnx;
    private readonly byte[] _onnxModel;
    private readonly GimEstimator.Options _options;
    private bool _disposed;

    private GimTransformer(ITransformer onnx, byte[] onnxModel, GimModel model, LinearGimParameters parameters, GimEstimator.Options options)
    {
        _onnx = onnx;
        _onnxModel = onnxModel;
        Model = model;
        Parameters = parameters;
        _options = options;
    }

    internal static GimTransformer Create(MLContext mlContext, IDataView trainingData, GimModel model, GimEstimator.Options options)
    {
        LinearGimParameters parameters = model.ExportParameters();
        var export = new GimOnnxExportOptions
        {
            FeaturesInputName = options.FeatureColumnName,
            ControlCellsInputName = options.Counterfactual ? options.MeasurementsColumnName : null,
            Mode = options.Mode,
            Seed = options.Seed ?? 0,
            SampleOutputName = options.SampleColumnName,
            PredictedMeanOutputName = options.PredictedMeanColumnName,
            TargetProbabilitiesOutputName = options.TargetProbabilitiesColumnName,
            ShiftOutputName = options.ShiftColumnName,
            FlattenOutputs = true,
        };
        byte[] bytes = LinearGimOnnxExporter.Export(parameters, export);
        string[] inputs = export.ControlCellsInputName is string control
            ? new[] { options.FeatureColumnName, control }
            : new[] { options.FeatureColumnName };
        using var stream = new MemoryStream(bytes, writable: false);
        // ML.NET runs one row at a time and would type [N, d] outputs as Vector<Single, 1, d>; the flattened
        // outputs declared [d] are ordinary vector columns (Vector<Single, d>); the shapes are saved with the model.
        var shapes = options.OutputColumnNames().ToDictionary(name => name, _ => new[] { parameters.VariableCount });
        var estimator = mlContext.Transforms.ApplyOnnxModel(options.OutputColumnNames(), inputs, stream, shapes, gpuDeviceId: null, fallbackToCpu: false);
        // The ONNX estimator learns nothing: fitting only checks that its input columns exist.
        ITransformer onnx = estimator.Fit(trainingData);
        return new GimTransformer(onnx, bytes, model, parameters, options);
    }

    /// <summary>The fitted TorchSharp model (for Explain, closed-form moments, counterfactuals in process).</summary>
    public GimModel Model { get; }

    /// <summary>Every parameter as plain arrays (what the ONNX graph was exported from).</summary>
    public LinearGimParameters Parameters { get; }

    /// <summary>The measured variables, in the order of every output vector's slots.</summary>
    public IReadOnlyList<string> VariableNames => Model.VariableNames;

    /// <summary>The perturbation features, in the order of the features column's slots.</summary>
    public IReadOnlyList<string> FeatureNames => Model.FeatureNames;

    /// <summary>Control-based standardisation of the variables.</summary>
    public Standardizer VariableStandardizer => Model.VariableStandardizer;

    /// <summary>Training-based standardisation of the features.</summary>
    public Standardizer FeatureStandardizer => Model.FeatureStandardizer;

    /// <summary>The options the estimator ran with (Seed resolved).</summary>
    public GimEstimator.Options Options => _options.Clone();

    /// <summary>The learned graph B in standardised units: B[i, j] is the direct effect of variable i on variable j.</summary>
    public double[,] Graph() => Model.Graph();

    /// <summary>Which mechanisms a perturbation with these (raw, pre-featurizer-output) features hits, and how hard.</summary>
    /// <param name="features">A value of the features column (length = number of features).</param>
    public InterventionExplanation Explain(float[] features) => Model.Explain(features);

    /// <summary>A copy of the exported ONNX model that this transformer runs.</summary>
    public byte[] GetOnnxModel() => (byte[])_onnxModel.Clone();

    /// <summary>Writes the exported ONNX model to a file, atomically (temporary file, then rename).</summary>
    /// <param name="path">Destination file.</param>
    public void SaveOnnx(string path) => AtomicFile.Write(path, s => s.Write(_onnxModel));

    /// <inheritdoc />
    public bool IsRowToRowMapper => _onnx.IsRowToRowMapper;

    /// <summary>Checks the features (and, for counterfactuals, control-cell) columns, then gives the ONNX transformer's output schema.</summary>
    /// <param name="inputSchema">The schema of the data to transform.</param>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema);
        return _onnx.GetOutputSchema(inputSchema);
    }

    /// <summary>Checks the input columns, then gives the ONNX transformer's row mapper (used by PredictionEngine).</summary>
    /// <param name="inputSchema">The schema of the rows to map.</param>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema);
        return _onnx.GetRowToRowMapper(inputSchema);
    }

    /// <summary>Adds Sample, PredictedMean, TargetProbabilities and Shift (lazily, as ML.NET transforms do).</summary>
    /// <param name="input">Rows with the features column (and the measurements column for counterfactuals).</param>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInput(input.Schema);
        return _onnx.Transform(input);
    }

    /// <summary>Saves the inner ONNX transformer: what ML.NET's model files can hold (see remarks).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _onnx.Save(ctx);

    /// <summary>Releases the ONNX Runtime session and the TorchSharp model.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        (_onnx as IDisposable)?.Dispose();
        Model.Dispose();
    }

    private void CheckInput(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckVector(schema, _options.FeatureColumnName, "features", Parameters.FeatureCount, "features");
        if (_options.Counterfactual)
            CheckVector(schema, _options.MeasurementsColumnName, "control cells for counterfactuals", Parameters.VariableCount, "variables");
    }

    private static void CheckVector(DataViewSchema schema, string name, string role, int size, string unit)
    {
        DataViewSchema.Column? column = schema.GetColumnOrNull(name);
        if (column is null)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{name}' ({role}) was not found in the input; expected a vector of {size} Single (float) values ({unit}). Available columns: {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
        if (column.Value.Type is not VectorDataViewType { ItemType: NumberDataViewType n } v || n != NumberDataViewType.Single || v.Size != size)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{name}' ({role}): expected a vector of {size} Single (float) values ({unit}, as in training); found {column.Value.Type}.");
    }
}
