using Gim.MLNet.Data;
using Gim.MLNet.Peers;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// The TwoStageCausal peer (free interventions per context, then a ridge map from features; a linear GIM) as an ML.NET estimator (same input columns as <see cref="GimEstimator"/>); its transformer runs the exported
/// ONNX graph. Create it with <c>mlContext.Perturbation().Trainers.TwoStageCausal(...)</c>.
/// </summary>
public sealed class TwoStageCausalEstimator : BaselineEstimator<TwoStageCausalModel, TwoStageCausalOptions>
{
    internal TwoStageCausalEstimator(MLContext mlContext, Options options) : base(mlContext, options, "TwoStageCausal")
    {
    }

    /// <summary>Columns, seed and the trainer's settings (<see cref="TwoStageCausalOptions"/>).</summary>
    public sealed class Options : BaselineEstimatorOptions<TwoStageCausalOptions>
    {
    }

    /// <summary>TwoStageCausal has targets: it writes the TargetProbabilities column.</summary>
    private protected override bool HasTargets => true;

    private protected override TwoStageCausalModel Train(PerturbationDataset data, TwoStageCausalOptions options) => new TwoStageCausalTrainer(options).Fit(data);
}
