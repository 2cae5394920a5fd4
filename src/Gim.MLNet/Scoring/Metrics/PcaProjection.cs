using static TorchSharp.torch;

namespace Gim.MLNet.Scoring;

/// <summary>
/// The top principal components of a set of cells: the space in which pertpy measures E-distances (its default
/// <c>X_pca</c>, scanpy's 50 components of centred cells). Fitted on the observed cells of an evaluation, it projects
/// observed and predicted cells alike, so a method cannot choose its own space.
/// </summary>
internal sealed class PcaProjection
{
    private readonly double[] _mean;
    private readonly double[,] _components;   // d × m, columns by decreasing variance

    private PcaProjection(double[] mean, double[,] components)
    {
        _mean = mean;
        _components = components;
    }

    /// <summary>Number of components kept.</summary>
    public int Components => _components.GetLength(1);

    /// <summary>
    /// The mean and the <paramref name="components"/> leading eigenvectors of the covariance of every row of
    /// <paramref name="blocks"/> (at most the number of variables; float64 throughout).
    /// </summary>
    public static PcaProjection Fit(IReadOnlyList<float[,]> blocks, int components)
    {
        int d = blocks[0].GetLength(1);
        long n = blocks.Sum(b => (long)b.GetLength(0));
        int m = Math.Min(components, d);
        using var scope = NewDisposeScope();
        Tensor rows = cat(blocks.Select(b => tensor(b).to(ScalarType.Float64)).ToArray(), 0);
        Tensor mean = rows.mean(new long[] { 0 });
        Tensor centred = rows - mean;
        Tensor covariance = matmul(centred.t(), centred) / Math.Max(1, n - 1);
        (Tensor _, Tensor vectors) = linalg.eigh(covariance);               // ascending eigenvalues
        Tensor leading = vectors.narrow(1, d - m, m).flip(1).contiguous();  // decreasing
        // Fix each component's sign (largest |loading| positive) so the projection is reproducible.
        Tensor pivot = leading.abs().argmax(0);
        Tensor signs = leading.gather(0, pivot.unsqueeze(0)).sign();
        leading = (leading * signs).contiguous();
        double[] meanValues = mean.data<double>().ToArray();
        double[] flat = leading.data<double>().ToArray();
        var result = new double[d, m];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(double));
        return new PcaProjection(meanValues, result);
    }

    /// <summary>(x − mean)·V for every row.</summary>
    public float[,] Project(float[,] x)
    {
        int n = x.GetLength(0), d = x.GetLength(1), m = Components;
        var result = new float[n, m];
        var centred = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) centred[j] = x[i, j] - _mean[j];
            for (int c = 0; c < m; c++)
            {
                double sum = 0;
                for (int j = 0; j < d; j++) sum += centred[j] * _components[j, c];
                result[i, c] = (float)sum;
            }
        }
        return result;
    }
}
