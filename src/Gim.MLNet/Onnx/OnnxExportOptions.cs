namespace Gim.MLNet.Onnx;

/// <summary>
/// Names and behaviour of an exported model graph: one input (the raw features) and the outputs Sample,
/// PredictedMean, TargetProbabilities (only methods with a notion of targets: GIM, TwoStageCausal; a column of
/// zeros would read as a prediction that nothing is targeted) and Shift. GIM's graphs take more settings
/// (<c>GimOnnxExportOptions</c>).
/// </summary>
public class OnnxExportOptions
{
    /// <summary>
    /// Name of the graph input holding the raw perturbation features γ ([N, p] float). ML.NET's
    /// <c>ApplyOnnxModel</c> binds graph inputs to columns by name, so use the features column's name.
    /// Default "Features".
    /// </summary>
    public string FeaturesInputName { get; set; } = "Features";

    /// <summary>
    /// Seed of the graph's random nodes (the noise, a resampled cell, GIM's Marginal targets). A fresh ONNX Runtime
    /// session replays the same sequence of draws; successive rows get different draws. Only the low 24 bits are
    /// used (ONNX stores the seed as a float). Default 0.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>Output with one draw per row from the predicted distribution (original units). Default "Sample".</summary>
    public string SampleOutputName { get; set; } = "Sample";

    /// <summary>Output with the predicted mean E[x | γ] (original units). Default "PredictedMean".</summary>
    public string PredictedMeanOutputName { get; set; } = "PredictedMean";

    /// <summary>Output with the target probabilities π(γ); only graphs of methods with targets have it. Default "TargetProbabilities".</summary>
    public string TargetProbabilitiesOutputName { get; set; } = "TargetProbabilities";

    /// <summary>
    /// Output with a shift in control standard deviations: GIM's shifts ψ(γ) of the targeted mechanisms, or, for
    /// the peers without mechanisms, the predicted effect on the mean (zero for Control). Default "Shift".
    /// </summary>
    public string ShiftOutputName { get; set; } = "Shift";

    /// <summary>
    /// When true, every output is reshaped to one dimension (N·d values, row after row). ML.NET's
    /// <c>ApplyOnnxModel</c> runs one row at a time and would type an [N, d] output as a 2-D vector
    /// (Vector&lt;Single, 1, d&gt;); a flat output can be declared a plain Vector&lt;Single, d&gt;. Default false.
    /// </summary>
    public bool FlattenOutputs { get; set; }

    /// <summary>A copy.</summary>
    public virtual OnnxExportOptions Clone() => (OnnxExportOptions)MemberwiseClone();

    /// <summary>The seed as ONNX stores it: the low 24 bits, as a float.</summary>
    internal float OnnxSeed => Seed & 0xFFFFFF;

    /// <summary>
    /// Which output plays which part, as metadata entries ("gim.output.sample", ".mean", ".targets", ".shift"), so a
    /// server that knows only ONNX Runtime can tell the random draw from the deterministic outputs whatever the columns are called.
    /// </summary>
    internal (string Key, string Value)[] OutputRoles(bool targets) => targets
        ? new[] { ("gim.output.sample", SampleOutputName), ("gim.output.mean", PredictedMeanOutputName), ("gim.output.targets", TargetProbabilitiesOutputName), ("gim.output.shift", ShiftOutputName) }
        : new[] { ("gim.output.sample", SampleOutputName), ("gim.output.mean", PredictedMeanOutputName), ("gim.output.shift", ShiftOutputName) };

    /// <summary>The outputs a graph with or without target probabilities has, in order.</summary>
    internal string[] OutputNames(bool targets) => targets
        ? new[] { SampleOutputName, PredictedMeanOutputName, TargetProbabilitiesOutputName, ShiftOutputName }
        : new[] { SampleOutputName, PredictedMeanOutputName, ShiftOutputName };
}
