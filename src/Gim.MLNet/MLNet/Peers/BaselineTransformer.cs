using Gim.MLNet.Modeling;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// A fitted peer of GIM in an ML.NET pipeline: ML.NET's ONNX transformer runs the graph exported from the
/// model (see <see cref="OnnxBackedTransformer"/> for saving and loading); this type adds the in-process model.
/// </summary>
/// <typeparam name="TModel">The peer's model type.</typeparam>
public sealed class BaselineTransformer<TModel> : OnnxBackedTransformer where TModel : PerturbationModel
{
    private readonly BaselineEstimatorOptions _options;

    internal BaselineTransformer(OnnxStep onnx, byte[] onnxModel, TModel model, BaselineEstimatorOptions options, IReadOnlyList<string> outputColumnNames)
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

    /// <inheritdoc />
    private protected override void CheckInput(Microsoft.ML.DataViewSchema schema) =>
        CheckVector(schema, _options.FeatureColumnName, "features", Model.FeatureCount, "features");

    /// <inheritdoc />
    private protected override void DisposeModel() => Model.Dispose();
}
