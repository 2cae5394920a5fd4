using Gim.MLNet.Data;
using static TorchSharp.torch;

namespace Gim.MLNet.Modeling;

/// <summary>
/// A data set moved into tensors, in standardised units: features [K, p], perturbed mask [K, 1],
/// per-context means [K, d] and covariances [K, d, d], and (for mini-batches of cells) all cells
/// [N, d] with each context's offset and count.
/// </summary>
internal sealed record ContextTensors(Tensor Features, Tensor Perturbed, Tensor Weights, Tensor Means, Tensor? Covariances,
    Tensor? Cells, long[] Offsets, long[] Counts) : IDisposable
{
    public int ContextCount => Offsets.Length;

    public static ContextTensors Create(PerturbationDataset data, Standardizer variables, Standardizer features,
        ContextWeighting weighting, bool keepCells, ScalarType dtype, Device device)
    {
        // Cell mode keeps the cells and skips the K·d² covariances (they are what does not fit at large d).
        bool keepMoments = !keepCells;
        int k = data.Contexts.Count, d = data.VariableCount, p = data.FeatureCount;
        var featureData = new float[k * p];
        var perturbed = new float[k];
        var weights = new float[k];
        var means = new double[k * d];
        double[]? covariances = keepMoments ? new double[(long)k * d * d] : null;
        var offsets = new long[k];
        var counts = new long[k];
        long total = data.SampleCount;
        float[]? cells = keepCells ? new float[total * d] : null;
        long offset = 0;
        var z = new double[d];
        for (int c = 0; c < k; c++)
        {
            PerturbationContext context = data.Contexts[c];
            Array.Copy(features.Transform(context.Features), 0, featureData, c * p, p);
            perturbed[c] = context.IsControl ? 0f : 1f;
            weights[c] = weighting == ContextWeighting.Equal ? 1f : context.SampleCount;
            int n = context.SampleCount;
            offsets[c] = offset;
            counts[c] = n;
            // Two passes in double: the covariance of standardised values, not E[xxᵀ] − mmᵀ, so no cancellation.
            for (int i = 0; i < n; i++)
                for (int j = 0; j < d; j++)
                {
                    double v = (context.Samples[i, j] - variables.Mean[j]) / variables.Scale[j];
                    means[c * d + j] += v / n;
                    if (cells is not null) cells[(offset + i) * d + j] = (float)v;
                }
            for (int i = 0; i < n && covariances is not null; i++)
            {
                for (int j = 0; j < d; j++)
                    z[j] = (context.Samples[i, j] - variables.Mean[j]) / variables.Scale[j] - means[c * d + j];
                long block = (long)c * d * d;
                for (int a = 0; a < d; a++)
                {
                    double za = z[a] / n;
                    for (int b = a; b < d; b++)
                        covariances[block + a * d + b] += za * z[b];
                }
            }
            long blk = (long)c * d * d;
            for (int a = 0; a < d && covariances is not null; a++)
                for (int b = 0; b < a; b++)
                    covariances[blk + a * d + b] = covariances[blk + b * d + a];
            offset += n;
        }
        float weightSum = weights.Sum();
        for (int c = 0; c < k; c++) weights[c] /= weightSum;

        return new ContextTensors(
            tensor(featureData, new long[] { k, p }, dtype: dtype, device: device),
            tensor(perturbed, new long[] { k, 1 }, dtype: dtype, device: device),
            tensor(weights, new long[] { k }, dtype: dtype, device: device),
            tensor(means, new long[] { k, d }, dtype: dtype, device: device),
            covariances is null ? null : tensor(covariances, new long[] { k, d, d }, dtype: dtype, device: device),
            cells is null ? null : tensor(cells, new long[] { total, d }, dtype: dtype, device: device),
            offsets, counts);
    }

    public void Dispose()
    {
        Features.Dispose();
        Perturbed.Dispose();
        Weights.Dispose();
        Means.Dispose();
        Covariances?.Dispose();
        Cells?.Dispose();
    }
}
