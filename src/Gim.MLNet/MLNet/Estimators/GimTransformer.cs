using Gim.MLNet.Causal;
using Gim.MLNet.Data;

namespace Gim.MLNet;

/// <summary>
/// A fitted GIM in an ML.NET pipeline. Prediction is ML.NET's ONNX transformer running the graph exported from
/// the fitted model; this type adds typed accessors (learned graph, explanations, variable names, standardisation,
/// options, the TorchSharp model) and delegates Transform, schema and saving to the ONNX transformer (see
/// <see cref="OnnxBackedTransformer"/> for what saving and loading give back).
/// </summary>
public sealed class GimTransformer : PerturbationTransformer<GimModel>
{
    // What the ONNX graph was exported from, read from the (fixed, fitted) model when first asked for: nothing that
    // can fail runs after the base constructor has taken the ONNX step.
    private readonly Lazy<LinearGimParameters?> _linearParameters;
    private readonly Lazy<NonlinearGimParameters?> _nonlinearParameters;

    internal GimTransformer(OnnxStep onnx, byte[] onnxModel, GimModel model, GimOptions options, IReadOnlyList<string> outputs)
        : base(onnx, onnxModel, model, options, outputs)
    {
        bool nonlinear = model.CausalModel is NonlinearCausalModel;
        _linearParameters = new(() => nonlinear ? null : Model.ExportParameters());
        _nonlinearParameters = new(() => nonlinear ? Model.ExportNonlinearParameters() : null);
    }

    private T Read<T>(Lazy<T> parameters)
    {
        if (!parameters.IsValueCreated) ThrowIfDisposed(); // read once from the live model, then kept
        return parameters.Value;
    }

    /// <summary>Every parameter of a linear model as plain arrays (what the ONNX graph was exported from); see <see cref="NonlinearParameters"/> for the nonlinear model.
    /// Read from the model on first access and kept (so first ask before disposing the transformer).</summary>
    public LinearGimParameters Parameters => Read(_linearParameters)
        ?? throw new NotSupportedException("This GIM uses the nonlinear causal model; its parameters are in NonlinearParameters.");

    /// <summary>Every parameter of a nonlinear model as plain arrays (what its ONNX graph was exported from); null for the linear model.</summary>
    public NonlinearGimParameters? NonlinearParameters => Read(_nonlinearParameters);

    /// <summary>Control-based standardisation of the variables.</summary>
    public Standardizer VariableStandardizer => Model.VariableStandardizer;

    /// <summary>Training-based standardisation of the features.</summary>
    public Standardizer FeatureStandardizer => Model.FeatureStandardizer;

    /// <summary>The options the estimator ran with (Seed resolved), as a copy.</summary>
    public GimOptions Options => (GimOptions)ResolvedOptions;

    /// <summary>The learned graph B in standardised units: B[i, j] is the direct effect of variable i on variable j.</summary>
    public double[,] Graph() => Model.Graph();

    /// <summary>Which mechanisms a perturbation with these (raw, pre-featurizer-output) features hits, and how hard.</summary>
    /// <param name="features">A value of the features column (length = number of features).</param>
    public InterventionExplanation Explain(float[] features) => Model.Explain(features);
}
