namespace Gim.MLNet.Causal;

/// <summary>Names and behaviour of an exported GIM ONNX graph.</summary>
public sealed class GimOnnxExportOptions
{
    /// <summary>
    /// Name of the graph input holding the raw perturbation features γ ([N, p] float). ML.NET's
    /// <c>ApplyOnnxModel</c> binds graph inputs to columns by name, so use the features column's name.
    /// Default "Features".
    /// </summary>
    public string FeaturesInputName { get; set; } = "Features";

    /// <summary>
    /// When set, the graph is the counterfactual variant: a second input of this name holds one control
    /// cell per row ([N, d] float, original units), and <see cref="SampleOutputName"/> is that cell under
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
    /// Seed of the graph's random nodes (the noise ε and, in Marginal mode, the targets). A fresh ONNX
    /// Runtime session replays the same sequence of draws; successive rows get different draws. Only
    /// the low 24 bits are used (ONNX stores the seed as a float). Default 0.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>Output with one draw per row from the predicted distribution (original units). Default "Sample".</summary>
    public string SampleOutputName { get; set; } = "Sample";

    /// <summary>Output with the predicted mean E[x | γ] (original units). Default "PredictedMean".</summary>
    public string PredictedMeanOutputName { get; set; } = "PredictedMean";

    /// <summary>Output with the target probabilities π(γ). Default "TargetProbabilities".</summary>
    public string TargetProbabilitiesOutputName { get; set; } = "TargetProbabilities";

    /// <summary>Output with the shifts ψ(γ) in control standard deviations. Default "Shift".</summary>
    public string ShiftOutputName { get; set; } = "Shift";

    /// <summary>
    /// When true, every output is reshaped to one dimension (N·d values, row after row). ML.NET's
    /// <c>ApplyOnnxModel</c> runs one row at a time and would type an [N, d] output as a 2-D vector
    /// (Vector&lt;Single, 1, d&gt;); a flat output can be declared a plain Vector&lt;Single, d&gt;. Default false.
    /// </summary>
    public bool FlattenOutputs { get; set; }

    /// <summary>A copy.</summary>
    public GimOnnxExportOptions Clone() => (GimOnnxExportOptions)MemberwiseClone();

    internal IEnumerable<string> OutputNames() =>
        new[] { SampleOutputName, PredictedMeanOutputName, TargetProbabilitiesOutputName, ShiftOutputName };
}
