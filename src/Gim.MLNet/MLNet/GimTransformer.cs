using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>
/// A fitted GIM in an ML.NET pipeline. Prediction is ML.NET's ONNX transformer running the graph exported
/// from the fitted model; this type adds typed accessors (learned graph, variable names, standardisation,
/// options, the TorchSharp model) and delegates Transform, schema and saving to the ONNX transformer
/// (see <see cref="OnnxBackedTransformer"/> for what saving and loading give back).
/// </summary>
public sealed class GimTransformer : OnnxBackedTransformer
{
    private readonly GimEstimator.Options _options;

    private readonly LinearGimParameters? _linearParameters;

    private GimTransformer(OnnxStep onnx, byte[] onnxModel, GimModel model, LinearGimParameters? linear, NonlinearGimParameters? nonlinear, GimEstimator.Options options)
        : base(onnx, onnxModel)
    {
        Model = model;
        _linearParameters = linear;
        NonlinearParameters = nonlinear;
        _options = options;
    }

    internal static GimTransformer Create(MLContext mlContext, IDataView trainingData, GimModel model, GimEstimator.Options options)
    {
        // The causal model decides the exporter: closed-form linear graph, or the unrolled nonlinear one.
        bool nonlinear = model.CausalModel is Gim.MLNet.Causal.NonlinearCausalModel;
        LinearGimParameters? linear = nonlinear ? null : model.ExportParameters();
        NonlinearGimParameters? nonlinearParameters = nonlinear ? model.ExportNonlinearParameters() : null;
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
        byte[] bytes = nonlinearParameters is not null ? NonlinearGimOnnxExporter.Export(nonlinearParameters, export) : LinearGimOnnxExporter.Export(linear!, export);
        string[] inputs = export.ControlCellsInputName is string control
            ? new[] { options.FeatureColumnName, control }
            : new[] { options.FeatureColumnName };
        OnnxStep onnx = ApplyOnnx(mlContext, trainingData, bytes, inputs, options.OutputColumnNames(), model.VariableCount);
        return new GimTransformer(onnx, bytes, model, linear, nonlinearParameters, options);
    }

    /// <summary>The fitted TorchSharp model (for Explain, closed-form moments, counterfactuals in process).</summary>
    public GimModel Model { get; }

    /// <summary>Every parameter of a linear model as plain arrays (what the ONNX graph was exported from); see <see cref="NonlinearParameters"/> for the nonlinear model.</summary>
    public LinearGimParameters Parameters => _linearParameters
        ?? throw new NotSupportedException("This GIM uses the nonlinear causal model; its parameters are in NonlinearParameters.");

    /// <summary>Every parameter of a nonlinear model as plain arrays (what its ONNX graph was exported from); null for the linear model.</summary>
    public NonlinearGimParameters? NonlinearParameters { get; }

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

    /// <inheritdoc />
    private protected override void DisposeModel() => Model.Dispose();

    /// <inheritdoc />
    private protected override void CheckInput(DataViewSchema schema)
    {
        CheckVector(schema, _options.FeatureColumnName, "features", Model.FeatureCount, "features");
        if (_options.Counterfactual)
            CheckVector(schema, _options.MeasurementsColumnName, "control cells for counterfactuals", Model.VariableCount, "variables");
    }
}
