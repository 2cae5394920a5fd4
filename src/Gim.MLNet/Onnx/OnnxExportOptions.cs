using Gim.MLNet.Modeling;
namespace Gim.MLNet.Onnx;

/// <summary>
/// Names and behaviour of an exported peer graph (Control, NearestContext, MeanShift, ConditionalGaussian).
/// The graphs have one input (the raw features) and three outputs: Sample, PredictedMean and Shift. They have
/// no TargetProbabilities output: these methods have no notion of targets, and a column of zeros would read
/// as a prediction that nothing is targeted. (TwoStageCausal, a linear GIM, has it.)
/// </summary>
public sealed class OnnxExportOptions
{
    /// <summary>Name of the graph input holding the raw perturbation features γ ([N, p] float). Default "Features".</summary>
    public string FeaturesInputName { get; set; } = "Features";

    /// <summary>
    /// Seed of the graph's random nodes (which cell is resampled, the Gaussian noise). A fresh ONNX Runtime
    /// session replays the same sequence of draws; successive rows get different draws. Only the low 24 bits
    /// are used (ONNX stores the seed as a float). Default 0.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>Output with one draw per row from the predicted distribution (original units). Default "Sample".</summary>
    public string SampleOutputName { get; set; } = "Sample";

    /// <summary>Output with the predicted mean E[x | γ] (original units). Default "PredictedMean".</summary>
    public string PredictedMeanOutputName { get; set; } = "PredictedMean";

    /// <summary>
    /// Output with the predicted effect on the mean, E[x | γ] − E[x | control], in control standard deviations
    /// (see <see cref="Gim.MLNet.Modeling.PerturbationModel.MeanShift"/>; zero for Control). Default "Shift".
    /// </summary>
    public string ShiftOutputName { get; set; } = "Shift";

    /// <summary>Output with the target probabilities π(γ); only TwoStageCausal graphs have it. Default "TargetProbabilities".</summary>
    public string TargetProbabilitiesOutputName { get; set; } = "TargetProbabilities";

    /// <summary>
    /// When true, every output is reshaped to one dimension (N·d values, row after row), which ML.NET's
    /// <c>ApplyOnnxModel</c> can declare as a plain Vector&lt;Single, d&gt; column. Default false.
    /// </summary>
    public bool FlattenOutputs { get; set; }

    /// <summary>A copy.</summary>
    public OnnxExportOptions Clone() => (OnnxExportOptions)MemberwiseClone();

    internal string[] OutputNames() => new[] { SampleOutputName, PredictedMeanOutputName, ShiftOutputName };
}
