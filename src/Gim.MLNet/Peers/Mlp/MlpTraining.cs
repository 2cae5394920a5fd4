using Gim.MLNet.Modeling;
using Gim.MLNet.Runtime;
using static TorchSharp.torch;

namespace Gim.MLNet.Peers;

/// <summary>
/// Fits a <see cref="FeatureMlp"/> for the black-box peers: seeded initialisation, full-batch Adam over the
/// training contexts' moments on the given loss plus the weight penalty, then evaluation mode.
/// </summary>
internal static class MlpTraining
{
    public static FeatureMlp Fit(PerturbationFit fit, MlpOptions options, int outputs, Func<FeatureMlp, ContextMomentTensors, Tensor> loss, string method)
    {
        using var run = TorchRun.Start(options.Threads, fit.Data.VariableCount);
        FeatureMlp mlp = TorchRun.Seeded(options.SeedOrDefault, () => new FeatureMlp(fit.Data.FeatureCount, outputs, options.Depth, options.Width));
        try
        {
            using var moments = ContextMomentTensors.Create(fit.Data, fit.Variables, fit.Features);
            AdamLoop.Run(mlp.parameters(), options.LearningRate, options.MaxSteps, options.CancellationToken,
                _ => loss(mlp, moments) + options.WeightDecay * mlp.WeightPenalty(), method, options);
            mlp.eval();
            return mlp;
        }
        catch
        {
            mlp.Dispose();
            throw;
        }
    }
}
