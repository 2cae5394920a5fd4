using Gim.MLNet.Data;
using static TorchSharp.torch;

namespace Gim.MLNet.Peers;

/// <summary>
/// Per-context summaries in standardised units, as float32 tensors: features [K, p], means [K, d] and
/// per-variable variances [K, d] (population). Enough for the black-box peers, whose losses depend on
/// the cells only through these (squared error of the mean; Gaussian likelihood with diagonal covariance).
/// </summary>
internal sealed record ContextMoments(Tensor Features, Tensor Means, Tensor Variances) : IDisposable
{
    public static ContextMoments Create(PerturbationDataset data, Standardizer variables, Standardizer features)
    {
        int k = data.Contexts.Count, d = data.VariableCount, p = data.FeatureCount;
        var featureData = new float[k * p];
        var means = new double[k * d];
        var variances = new double[k * d];
        for (int c = 0; c < k; c++)
        {
            PerturbationContext context = data.Contexts[c];
            Array.Copy(features.Transform(context.Features), 0, featureData, c * p, p);
            float[,] z = variables.Transform(context.Samples);
            int n = context.SampleCount;
            for (int j = 0; j < d; j++)
            {
                double mean = 0, squares = 0;
                for (int i = 0; i < n; i++) mean += z[i, j];
                mean /= n;
                for (int i = 0; i < n; i++) squares += (z[i, j] - mean) * (z[i, j] - mean);
                means[c * d + j] = mean;
                variances[c * d + j] = squares / n;
            }
        }
        return new ContextMoments(
            tensor(featureData, new long[] { k, p }),
            tensor(means, new long[] { k, d }).to(ScalarType.Float32),
            tensor(variances, new long[] { k, d }).to(ScalarType.Float32));
    }

    public void Dispose()
    {
        Features.Dispose();
        Means.Dispose();
        Variances.Dispose();
    }
}
