using Gim.MLNet.Prediction;
using Gim.MLNet.Training;

namespace Gim.MLNet.MLNet;

public sealed partial class GimEstimator
{
    /// <summary>Settings of <see cref="GimEstimator"/>: the columns it reads and writes, and how it trains and predicts.</summary>
    public sealed class Options : IPerturbationInputColumns
    {
        /// <summary>
        /// The perturbation features γ: a known-size vector of <see cref="float"/>, identical on every row
        /// of a context (build it with Concatenate, NormalizeMeanVariance, OneHotEncoding...). The exported
        /// ONNX graph names its input after this column. Default "Features".
        /// </summary>
        public string FeatureColumnName { get; set; } = "Features";

        /// <summary>The measured cell: a known-size vector of <see cref="float"/>, one variable per slot. Its slot names, when present, become the variable names. Default "Measurements".</summary>
        public string MeasurementsColumnName { get; set; } = "Measurements";

        /// <summary>The context (experimental condition) of each row: a key, string or integer column. Default "Context".</summary>
        public string ContextColumnName { get; set; } = "Context";

        /// <summary>
        /// A <see cref="bool"/> column that is true on the rows of control (unperturbed) contexts. Ignored when
        /// <see cref="ControlContextValue"/> is set. Default "IsControl".
        /// </summary>
        public string? ControlColumnName { get; set; } = "IsControl";

        /// <summary>
        /// The context value (as text: the key's value, the string, or the integer) that marks the control
        /// context; when set, <see cref="ControlColumnName"/> is not read. Default null.
        /// </summary>
        public string? ControlContextValue { get; set; }

        /// <summary>Output column with one draw per row from the predicted distribution (original units). Default "Sample".</summary>
        public string SampleColumnName { get; set; } = "Sample";

        /// <summary>Output column with the predicted mean E[x | γ] (original units). Default "PredictedMean".</summary>
        public string PredictedMeanColumnName { get; set; } = "PredictedMean";

        /// <summary>Output column with the target probabilities π(γ). Default "TargetProbabilities".</summary>
        public string TargetProbabilitiesColumnName { get; set; } = "TargetProbabilities";

        /// <summary>Output column with the shifts ψ(γ), in control standard deviations. Default "Shift".</summary>
        public string ShiftColumnName { get; set; } = "Shift";

        /// <summary>
        /// How samples pick their targets: <see cref="PredictionMode.Map"/> (default) or
        /// <see cref="PredictionMode.Marginal"/>. Ignored when <see cref="Counterfactual"/> is true.
        /// </summary>
        public PredictionMode Mode { get; set; } = PredictionMode.Map;

        /// <summary>
        /// When true, the fitted transformer reads a control cell from the measurements column of each
        /// row it transforms, and its Sample column is that cell under the predicted perturbation
        /// (METHOD §6; MAP targets, deterministic). When false (the default) the measurements column is
        /// not needed at prediction time and Sample is a random draw.
        /// </summary>
        public bool Counterfactual { get; set; }

        /// <summary>
        /// Seed of training and of the exported sampler. Null (the default) takes one from the MLContext's
        /// random source, so <c>new MLContext(seed: n)</c> makes the whole pipeline reproducible.
        /// </summary>
        public int? Seed { get; set; }

        /// <summary>Model and optimiser settings (<see cref="GimOptions"/>); its Seed, Progress and CancellationToken are overridden by the ones here when those are set.</summary>
        public GimOptions Training { get; set; } = new();

        /// <summary>Optional sink for training progress, called every <see cref="GimOptions.EvaluateEvery"/> steps (in addition to mlContext.Log).</summary>
        public IProgress<GimTrainingProgress>? Progress { get; set; }

        /// <summary>Cancels training between steps; Fit then throws <see cref="OperationCanceledException"/>.</summary>
        public CancellationToken CancellationToken { get; set; }

        bool IPerturbationInputColumns.ReadsMeasurementsAtPrediction => Counterfactual;

        string IPerturbationInputColumns.OptionsName => "GimEstimator.Options";

        internal Options Clone()
        {
            var copy = (Options)MemberwiseClone();
            copy.Training = Training.Clone();
            return copy;
        }

        internal string[] OutputColumnNames() =>
            new[] { SampleColumnName, PredictedMeanColumnName, TargetProbabilitiesColumnName, ShiftColumnName };
    }
}
