using Gim.MLNet.Data;
using Gim.MLNet.Peers;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// The NearestContext peer (the cells of the training context with the nearest features) as an ML.NET estimator (same input columns as <see cref="GimEstimator"/>); its transformer runs the exported
/// ONNX graph. Create it with <c>mlContext.Perturbation().Trainers.NearestContext(...)</c>.
/// </summary>
public sealed class NearestContextEstimator : BaselineEstimator<NearestContextModel, NearestContextOptions>
{
    internal NearestContextEstimator(MLContext mlContext, Options options) : base(mlContext, options, "NearestContext")
    {
    }

    /// <summary>Columns, seed and the trainer's settings (<see cref="NearestContextOptions"/>).</summary>
    public sealed class Options : BaselineEstimatorOptions<NearestContextOptions>
    {
    }

    private protected override NearestContextModel Train(PerturbationDataset data, NearestContextOptions options) => new NearestContextTrainer(options).Fit(data);
}
