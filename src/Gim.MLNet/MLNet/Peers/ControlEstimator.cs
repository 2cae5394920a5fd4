using Gim.MLNet.Data;
using Gim.MLNet.Peers;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// The Control peer (the control distribution whatever the features) as an ML.NET estimator (same input columns as <see cref="GimEstimator"/>); its transformer runs the exported
/// ONNX graph. Create it with <c>mlContext.Perturbation().Trainers.Control(...)</c>.
/// </summary>
public sealed class ControlEstimator : BaselineEstimator<ControlModel, ControlOptions>
{
    internal ControlEstimator(MLContext mlContext, Options options) : base(mlContext, options, "Control")
    {
    }

    /// <summary>Columns, seed and the trainer's settings (<see cref="ControlOptions"/>).</summary>
    public sealed class Options : BaselineEstimatorOptions<ControlOptions>
    {
    }

    private protected override ControlModel Train(PerturbationDataset data, ControlOptions options) => new ControlTrainer(options).Fit(data);
}
