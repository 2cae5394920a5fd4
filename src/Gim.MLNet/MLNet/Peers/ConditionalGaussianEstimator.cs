using Gim.MLNet.Data;
using Gim.MLNet.Peers;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// The ConditionalGaussian peer (an MLP to a diagonal Gaussian) as an ML.NET estimator (same input columns as <see cref="GimEstimator"/>); its transformer runs the exported
/// ONNX graph. Create it with <c>mlContext.Perturbation().Trainers.ConditionalGaussian(...)</c>.
/// </summary>
public sealed class ConditionalGaussianEstimator : BaselineEstimator<ConditionalGaussianModel, ConditionalGaussianOptions>
{
    internal ConditionalGaussianEstimator(MLContext mlContext, Options options) : base(mlContext, options, "ConditionalGaussian")
    {
    }

    /// <summary>Columns, seed and the trainer's settings (<see cref="ConditionalGaussianOptions"/>).</summary>
    public sealed class Options : BaselineEstimatorOptions<ConditionalGaussianOptions>
    {
    }

    private protected override ConditionalGaussianModel Train(PerturbationDataset data, ConditionalGaussianOptions options) => new ConditionalGaussianTrainer(options).Fit(data);
}
