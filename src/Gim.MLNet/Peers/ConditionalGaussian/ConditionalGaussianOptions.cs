namespace Gim.MLNet.Peers;

/// <summary>
/// Settings of the ConditionalGaussian peer (a generative black box): an MLP from the standardised features
/// to the mean and the diagonal log-variance of the cells, fitted by Gaussian maximum likelihood.
/// </summary>
/// <remarks>
/// Defaults measured on the Hill screen (BENCHMARK.md §1, seeds 0 and 1, `peer-sweep` in the benchmarks; mean-RMSE
/// of context means in control SDs, partially / fully OOD), LearningRate 0.01 and MaxSteps 1000 fixed:
/// depth 0: weight decay 0 → 0.318 / 0.673, 1e-3 → 0.325 / 0.602, 1e-2 → 0.383 / 0.626;
/// depth 1: 0.208 / 0.799, 0.213 / 0.532, 0.428 / 0.647; depth 2: 0.213 / 0.664, <b>0.211 / 0.525</b>, 0.490 / 0.675.
/// Weight decay 1e-3 is the best at every depth; depth 2 is the best with it. Full batch over 161 contexts: about 1 s to fit.
/// </remarks>
public sealed class ConditionalGaussianOptions : MlpOptions
{
    /// <summary>Log-variances (standardised units) are clamped to [−this, this] in training and prediction.</summary>
    public const float LogVarianceBound = 6f;
}
