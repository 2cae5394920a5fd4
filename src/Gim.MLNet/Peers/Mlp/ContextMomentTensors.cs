using Gim.MLNet.Data;
using static TorchSharp.torch;

namespace Gim.MLNet.Peers;

/// <summary>
/// Per-context summaries in standardised units, as float32 tensors: features [K, p], means [K, d] and
/// per-variable variances [K, d] (population). Enough for the black-box peers, whose losses depend on
/// the cells only through these (squared error of the mean; Gaussian likelihood with diagonal covariance).
/// </summary>
internal sealed record ContextMomentTensors(Tensor Features, Tensor Means, Tensor Variances) : IDisposable
{
    public static ContextMomentTensors Create(PerturbationDataset data, Standardizer variables, Standardizer features)
    {
        ContextSummaries summaries = ContextSummaries.Create(data, variables, features);
        int k = data.Contexts.Count, d = data.VariableCount, p = data.FeatureCount;
        var featureData = new float[k * p];
        for (int c = 0; c < k; c++)
            for (int j = 0; j < p; j++) featureData[c * p + j] = (float)summaries.Features[c, j]; // exact: they were floats
        return new ContextMomentTensors(
            tensor(featureData, new long[] { k, p }),
            tensor(Flat(summaries.Means), new long[] { k, d }).to(ScalarType.Float32),
            tensor(Flat(summaries.Variances), new long[] { k, d }).to(ScalarType.Float32));
    }

    private static double[] Flat(double[,] m)
    {
        var flat = new double[m.Length];
        Buffer.BlockCopy(m, 0, flat, 0, m.Length * sizeof(double));
        return flat;
    }

    public void Dispose()
    {
        Features.Dispose();
        Means.Dispose();
        Variances.Dispose();
    }
}
