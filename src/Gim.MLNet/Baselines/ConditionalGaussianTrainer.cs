using System.Diagnostics;
using Gim.MLNet.Data;
using static TorchSharp.torch;

namespace Gim.MLNet.Baselines;

/// <summary>
/// Fits the ConditionalGaussian peer (BENCHMARK.md §3): an MLP γ ↦ (μ, log σ²) maximising the mean Gaussian
/// log-likelihood per cell and variable of every training context (controls included, each context counting
/// once). With a diagonal covariance that likelihood depends on a context's cells only through their means
/// and variances, so a step never touches the cells:
/// E[−log N(x; μ, σ²)] = ½ Σ_j [log 2π + log σ_j² + (v_kj + (m_kj − μ_j)²) / σ_j²].
/// </summary>
public sealed class ConditionalGaussianTrainer
{
    private readonly ConditionalGaussianOptions _options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    public ConditionalGaussianTrainer(ConditionalGaussianOptions? options = null)
    {
        _options = (ConditionalGaussianOptions)(options ?? new ConditionalGaussianOptions()).Clone();
        _options.Validate();
    }

    /// <summary>Fits the MLP.</summary>
    /// <param name="train">Training contexts; at least one control, at least 2 cells per context.</param>
    public ConditionalGaussianModel Fit(PerturbationDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        train.Validate(requireControl: true, minSamplesPerContext: 2);
        var clock = Stopwatch.StartNew();
        var (variables, features) = BaselineStatistics.Standardizers(train);
        int d = train.VariableCount;
        using var threads = AdamLoop.Prepare(_options.Threads, d, _options.Seed);
        var mlp = new FeatureMlp(train.FeatureCount, 2 * d, _options.Depth, _options.Width);
        try
        {
            using var moments = ContextMoments.Create(train, variables, features);
            AdamLoop.Run(mlp.parameters(), _options.LearningRate, _options.MaxSteps, _options.CancellationToken, _ =>
            {
                var (mean, logVariance) = ConditionalGaussianModel.Split(mlp.forward(moments.Features), d);
                Tensor squared = moments.Variances + (moments.Means - mean).square();
                Tensor nll = 0.5 * (logVariance + squared * (-logVariance).exp()).mean();
                return nll + _options.WeightDecay * mlp.WeightPenalty();
            }, "ConditionalGaussian");
            mlp.eval();
        }
        catch
        {
            mlp.Dispose();
            throw;
        }
        return new ConditionalGaussianModel(train, variables, features, mlp, clock.Elapsed);
    }
}
