using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;

namespace Gim.MLNet.Peers;

/// <summary>
/// The TwoStageCausal peer: GIM's linear causal model with interventions fitted per training context (stage 1)
/// and a ridge map from features to interventions (stage 2). Stage 2 is a depth-0 linear encoder, so the
/// predictor is a linear GIM (<see cref="Gim"/>): it samples, explains and exports (LinearGimOnnxExporter)
/// exactly as GIM does, and reports target probabilities. Where it differs from GIM is in learning: the
/// interventions are not tied to the features while the causal model is fitted.
/// </summary>
public sealed class TwoStageCausalModel : PerturbationModel
{
    internal TwoStageCausalModel(PerturbationDataset train, Standardizer variables, Standardizer features, GimModel gim,
        LinearGimParameters parameters, IReadOnlyList<ContextIntervention> stage1, TimeSpan fitTime)
        : base(train, variables, features, fitTime)
    {
        Gim = gim;
        Parameters = parameters;
        TrainingInterventions = stage1;
    }

    /// <summary>The fitted predictor as a linear GIM (Explain, Counterfactual, PredictCovariance...).</summary>
    public GimModel Gim { get; }

    /// <summary>Every parameter as plain arrays (for LinearGimOnnxExporter).</summary>
    public LinearGimParameters Parameters { get; }

    /// <summary>Stage 1's free intervention of every training context, in the training data's order.</summary>
    public IReadOnlyList<ContextIntervention> TrainingInterventions { get; }

    /// <inheritdoc />
    public override bool HasTargets => true;

    /// <summary>The learned graph B in standardised units: B[i, j] is the direct effect of variable i on variable j.</summary>
    public override double[,] Graph() => Gim.Graph();

    /// <summary>Cells under the MAP intervention predicted for these features.</summary>
    /// <inheritdoc />
    public override float[,] Sample(float[] features, int count, int seed)
    {
        StandardizeFeatures(features);
        return Gim.Sample(features, count, PredictionMode.Map, seed);
    }

    /// <inheritdoc />
    public override float[] PredictMean(float[] features)
    {
        StandardizeFeatures(features);
        return Gim.PredictMean(features);
    }

    /// <summary>The log density of each cell under the MAP intervention (as GIM's, <see cref="GimModel.LogDensity"/>).</summary>
    /// <param name="features">The perturbation's raw features.</param>
    /// <param name="cells">Cells, rows × variables, original units.</param>
    public override double[] LogDensity(float[] features, float[,] cells)
    {
        StandardizeFeatures(features);
        return Gim.LogDensity(features, cells);
    }

    /// <summary>π(γ) from the stage-2 ridge map: which mechanisms a perturbation with these features hits.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[]? TargetProbabilities(float[] features)
    {
        StandardizeFeatures(features);
        return Gim.Explain(features).TargetProbabilities;
    }

    /// <summary>The peer as GIM's linear ONNX graph with MAP targets: its Shift output is ψ(γ), the shift of the targeted mechanisms.</summary>
    /// <param name="options">Input/output names, seed and layout; null for the defaults (a counterfactual input or Marginal mode is not offered).</param>
    public override byte[] ExportOnnx(OnnxExportOptions? options = null)
    {
        GimOnnxExportOptions gim = GimOnnxExportOptions.From(options).Clone();
        gim.Mode = PredictionMode.Map;
        gim.ControlCellsInputName = null;
        return LinearGimOnnxExporter.Export(Parameters, gim);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        Gim.Dispose();
        base.Dispose();
    }
}
