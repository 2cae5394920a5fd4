using Gim.MLNet.Data;
using Gim.MLNet.Peers;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// The MeanShift peer (an MLP mean shift added to control cells) as an ML.NET estimator (same input columns as <see cref="GimEstimator"/>); its transformer runs the exported
/// ONNX graph. Create it with <c>mlContext.Perturbation().Trainers.MeanShift(...)</c>.
/// </summary>
public sealed class MeanShiftEstimator : BaselineEstimator<MeanShiftModel, MeanShiftOptions>
{
    internal MeanShiftEstimator(MLContext mlContext, Options options) : base(mlContext, options, "MeanShift")
    {
    }

    /// <summary>Columns, seed and the trainer's settings (<see cref="MeanShiftOptions"/>).</summary>
    public sealed class Options : BaselineEstimatorOptions<MeanShiftOptions>
    {
    }

    private protected override MeanShiftModel Train(PerturbationDataset data, MeanShiftOptions options) => new MeanShiftTrainer(options).Fit(data);
}
