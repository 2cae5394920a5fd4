using Gim.MLNet.Modeling;
using static TorchSharp.torch;

namespace Gim.MLNet.Peers;

/// <summary>
/// Fits the ConditionalGaussian peer (BENCHMARK.md §3): an MLP γ ↦ (μ, log σ²) maximising the mean Gaussian
/// log-likelihood per cell and variable of every training context (controls included, each context counting
/// once). With a diagonal covariance that likelihood depends on a context's cells only through their means
/// and variances, so a step never touches the cells:
/// E[−log N(x; μ, σ²)] = ½ Σ_j [log 2π + log σ_j² + (v_kj + (m_kj − μ_j)²) / σ_j²].
/// </summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class ConditionalGaussianTrainer(ConditionalGaussianOptions? options = null) : PerturbationTrainer<ConditionalGaussianOptions, ConditionalGaussianModel>(options)
{
    private protected override ConditionalGaussianModel Train(PerturbationFit fit)
    {
        int d = fit.Data.VariableCount;
        FeatureMlp mlp = MlpTraining.Fit(fit, Options, 2 * d, (net, moments) =>
        {
            var (mean, logVariance) = ConditionalGaussianModel.Split(net.forward(moments.Features), d);
            Tensor squared = moments.Variances + (moments.Means - mean).square();
            return 0.5 * (logVariance + squared * (-logVariance).exp()).mean();
        }, "ConditionalGaussian");
        return new ConditionalGaussianModel(fit.Data, fit.Variables, fit.Features, mlp, fit.Clock.Elapsed);
    }
}
