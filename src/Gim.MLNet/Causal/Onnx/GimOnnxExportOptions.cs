using Gim.MLNet.Onnx;

namespace Gim.MLNet.Causal;

/// <summary>Names and behaviour of an exported GIM graph: those of every model graph, plus the counterfactual input and the prediction mode.</summary>
public sealed class GimOnnxExportOptions : OnnxExportOptions
{
    /// <summary>
    /// When set, the graph is the counterfactual variant: a second input of this name holds one control
    /// cell per row ([N, d] float, original units), and <see cref="OnnxExportOptions.SampleOutputName"/> is that cell under
    /// the predicted MAP intervention (METHOD §6). Null (the default) gives the sampling graph.
    /// </summary>
    public string? ControlCellsInputName { get; set; }

    /// <summary>
    /// How the sampling graph picks targets: <see cref="PredictionMode.Map"/> (t̂ = 1[π &gt; 0.5], the
    /// default) or <see cref="PredictionMode.Marginal"/> (each row draws t ~ Bernoulli(π)). The
    /// counterfactual variant always uses MAP targets.
    /// </summary>
    public PredictionMode Mode { get; set; } = PredictionMode.Map;

    /// <summary>
    /// Whether the graph carries the fitted parameters in its <see cref="GimParameterFormat.MetadataKey"/> metadata entry
    /// (default true), so that <c>GimModel.FromOnnx</c> and <c>mlContext.Model.LoadGimModel</c> rebuild the model and
    /// its explanations (graph, targets, shifts) from a saved file. It adds about the parameters' own size to the file
    /// (4 bytes per weight, base64: ×4/3); turn it off for very large models that are only ever sampled from.
    /// </summary>
    public bool EmbedParameters { get; set; } = true;

    /// <summary>
    /// When set, the graph has one more output of this name, [N, d]: the standard deviation of each variable's predicted
    /// mean (original units; <c>GimModel.PredictMeanStandardDeviation</c>), NaN for a model fitted without calibration.
    /// Null (the default for a bare export) leaves it out; the ML.NET estimator sets it to
    /// <see cref="GimOptions.PredictedMeanSdColumnName"/>.
    /// </summary>
    public string? PredictedMeanSdOutputName { get; set; }

    /// <summary>A copy.</summary>
    public override GimOnnxExportOptions Clone() => (GimOnnxExportOptions)MemberwiseClone();

    /// <summary>GIM's settings for a model graph given with the common settings only (MAP, sampling graph).</summary>
    internal static GimOnnxExportOptions From(OnnxExportOptions? options) => options switch
    {
        null => new GimOnnxExportOptions(),
        GimOnnxExportOptions gim => gim,
        _ => new GimOnnxExportOptions
        {
            FeaturesInputName = options.FeaturesInputName,
            Seed = options.Seed,
            SampleOutputName = options.SampleOutputName,
            PredictedMeanOutputName = options.PredictedMeanOutputName,
            TargetProbabilitiesOutputName = options.TargetProbabilitiesOutputName,
            ShiftOutputName = options.ShiftOutputName,
            FlattenOutputs = options.FlattenOutputs,
        },
    };
}
