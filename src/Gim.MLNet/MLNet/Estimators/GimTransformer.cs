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
    private readonly LinearGimParameters? _linearParameters;

    internal GimTransformer(OnnxStep onnx, byte[] onnxModel, GimModel model, GimOptions options, IReadOnlyList<string> outputs)
        : base(onnx, onnxModel, model, options, outputs)
    {
        // What the ONNX graph was exported from, kept for inspection (the closed-form linear graph or the unrolled nonlinear one).
        if (model.CausalModel is NonlinearCausalModel) NonlinearParameters = model.ExportNonlinearParameters();
        else _linearParameters = model.ExportParameters();
    }

    /// <summary>Every parameter of a linear model as plain arrays (what the ONNX graph was exported from); see <see cref="NonlinearParameters"/> for the nonlinear model.</summary>
    public LinearGimParameters Parameters => _linearParameters
        ?? throw new NotSupportedException("This GIM uses the nonlinear causal model; its parameters are in NonlinearParameters.");

    /// <summary>Every parameter of a nonlinear model as plain arrays (what its ONNX graph was exported from); null for the linear model.</summary>
    public NonlinearGimParameters? NonlinearParameters { get; }

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
