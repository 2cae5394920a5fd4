using Gim.MLNet.Modeling;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// A fitted perturbation model in an ML.NET pipeline: ML.NET's ONNX transformer runs the graph exported from the
/// model (see <see cref="OnnxBackedTransformer"/> for saving and loading); this type adds the in-process model.
/// </summary>
/// <typeparam name="TModel">The fitted model.</typeparam>
public class PerturbationTransformer<TModel> : OnnxBackedTransformer where TModel : PerturbationModel
{
    private readonly PerturbationOptions _options;

    internal PerturbationTransformer(OnnxStep onnx, byte[] onnxModel, TModel model, PerturbationOptions options, IReadOnlyList<string> outputColumnNames)
        : base(onnx, onnxModel)
    {
        Model = model;
        _options = options;
        OutputColumnNames = outputColumnNames;
    }

    /// <summary>The fitted model, in process (Sample, PredictMean, MeanShift, and the method's own read-outs).</summary>
    public TModel Model { get; }

    /// <summary>The columns this transformer adds (TargetProbabilities only for a method with targets).</summary>
    public IReadOnlyList<string> OutputColumnNames { get; }

    /// <summary>The measured variables, in the order of every output vector's slots.</summary>
    public IReadOnlyList<string> VariableNames => Model.VariableNames;

    /// <summary>The perturbation features, in the order of the features column's slots.</summary>
    public IReadOnlyList<string> FeatureNames => Model.FeatureNames;

    /// <summary>The name of the features column it reads.</summary>
    public string FeatureColumnName => _options.FeatureColumnName;

    /// <summary>The options the estimator ran with (Seed resolved), as a copy.</summary>
    private protected PerturbationOptions ResolvedOptions => _options.Clone();

    /// <inheritdoc />
    private protected override void CheckInput(DataViewSchema schema)
    {
        CheckVector(schema, _options.FeatureColumnName, "features", Model.FeatureCount, "features");
        if (_options.ReadsMeasurementsAtPrediction)
            CheckVector(schema, _options.MeasurementsColumnName, "control cells for counterfactuals", Model.VariableCount, "variables");
    }

    /// <inheritdoc />
    private protected override void DisposeModel() => Model.Dispose();
}
