namespace Gim.MLNet.Scoring;

/// <summary>
/// Streaming sums of pairwise functions of squared distances. Nothing of size n·m is ever allocated:
/// each squared distance is computed once, used for every bandwidth, and folded into a per-row partial
/// sum that is added to the total at the end of the row (shorter summation chains, less rounding).
/// </summary>
internal static class PairwiseSums
{
    /// <summary>For each γ_g: Σ_{i&lt;j} exp(−γ_g‖x_i − x_j‖²), the strictly-off-diagonal half of the kernel sum.</summary>
    public static double[] RbfWithin(RowMatrix x, double[] gammas)
    {
        var total = new double[gammas.Length];
        var row = new double[gammas.Length];
        for (int i = 0; i < x.Rows - 1; i++)
        {
            Array.Clear(row);
            var xi = x.Row(i);
            for (int j = i + 1; j < x.Rows; j++)
                AddKernels(SquaredDistance.Of(xi, x.Row(j)), gammas, row);
            for (int g = 0; g < gammas.Length; g++) total[g] += row[g];
        }
        return total;
    }

    /// <summary>For each γ_g: Σ_i Σ_j exp(−γ_g‖x_i − y_j‖²).</summary>
    public static double[] RbfBetween(RowMatrix x, RowMatrix y, double[] gammas)
    {
        var total = new double[gammas.Length];
        var row = new double[gammas.Length];
        for (int i = 0; i < x.Rows; i++)
        {
            Array.Clear(row);
            var xi = x.Row(i);
            for (int j = 0; j < y.Rows; j++)
                AddKernels(SquaredDistance.Of(xi, y.Row(j)), gammas, row);
            for (int g = 0; g < gammas.Length; g++) total[g] += row[g];
        }
        return total;
    }

    /// <summary>Σ_{i&lt;j} ‖x_i − x_j‖ (Euclidean, not squared).</summary>
    public static double DistanceWithin(RowMatrix x)
    {
        double total = 0;
        for (int i = 0; i < x.Rows - 1; i++)
        {
            double row = 0;
            var xi = x.Row(i);
            for (int j = i + 1; j < x.Rows; j++)
                row += Math.Sqrt(SquaredDistance.Of(xi, x.Row(j)));
            total += row;
        }
        return total;
    }

    /// <summary>Σ_i Σ_j ‖x_i − y_j‖ (Euclidean, not squared).</summary>
    public static double DistanceBetween(RowMatrix x, RowMatrix y)
    {
        double total = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            double row = 0;
            var xi = x.Row(i);
            for (int j = 0; j < y.Rows; j++)
                row += Math.Sqrt(SquaredDistance.Of(xi, y.Row(j)));
            total += row;
        }
        return total;
    }

    /// <summary>
    /// Every pairwise sum two-sample statistics need, in one pass over the pairs (each squared distance computed once
    /// and used for every γ and for the Euclidean distance), with the same per-row summation as the single-purpose sums
    /// above, so the results are the same to the last bit.
    /// </summary>
    public static TwoSampleSums TwoSample(RowMatrix x, RowMatrix y, double[] gammas)
    {
        var (kxx, dxx) = Within(x, gammas);
        var (kyy, dyy) = Within(y, gammas);
        var kxy = new double[gammas.Length];
        var row = new double[gammas.Length];
        double dxy = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            Array.Clear(row);
            double distances = 0;
            var xi = x.Row(i);
            for (int j = 0; j < y.Rows; j++)
            {
                double squared = SquaredDistance.Of(xi, y.Row(j));
                AddKernels(squared, gammas, row);
                distances += Math.Sqrt(squared);
            }
            for (int g = 0; g < gammas.Length; g++) kxy[g] += row[g];
            dxy += distances;
        }
        return new TwoSampleSums(x.Rows, y.Rows, kxx, kyy, kxy, dxx, dyy, dxy);
    }

    private static (double[] Kernels, double Distances) Within(RowMatrix x, double[] gammas)
    {
        var total = new double[gammas.Length];
        var row = new double[gammas.Length];
        double distanceTotal = 0;
        for (int i = 0; i < x.Rows - 1; i++)
        {
            Array.Clear(row);
            double distances = 0;
            var xi = x.Row(i);
            for (int j = i + 1; j < x.Rows; j++)
            {
                double squared = SquaredDistance.Of(xi, x.Row(j));
                AddKernels(squared, gammas, row);
                distances += Math.Sqrt(squared);
            }
            for (int g = 0; g < gammas.Length; g++) total[g] += row[g];
            distanceTotal += distances;
        }
        return (total, distanceTotal);
    }

    private static void AddKernels(double squaredDistance, double[] gammas, double[] row)
    {
        for (int g = 0; g < gammas.Length; g++)
            row[g] += Math.Exp(-gammas[g] * squaredDistance);
    }
}

/// <summary>
/// The pairwise sums of two sample sets (n and m rows): per γ the RBF kernel summed over the unordered pairs within
/// each set and over all pairs between them, and the same for the Euclidean distance. MMD² (biased and unbiased) and the
/// energy distance are simple functions of them.
/// </summary>
internal sealed record TwoSampleSums(int N, int M, double[] KernelXX, double[] KernelYY, double[] KernelXY,
    double DistanceXX, double DistanceYY, double DistanceXY)
{
    /// <summary>MMD² averaged over the bandwidths: the V-statistic (k(x, x) = 1 on the diagonal), or the U-statistic.</summary>
    public double Mmd(bool unbiased)
    {
        int n = N, m = M;
        if (unbiased && (n < 2 || m < 2))
            throw new ArgumentException($"The unbiased MMD needs at least 2 samples in each set; got {n} in 'p' and {m} in 'q'.", n < 2 ? "p" : "q");
        double total = 0;
        for (int g = 0; g < KernelXX.Length; g++)
        {
            // Within-set sums hold each unordered pair once; k(x, x) = 1 supplies the diagonal.
            double kxx = unbiased ? 2 * KernelXX[g] / ((double)n * (n - 1)) : (n + 2 * KernelXX[g]) / ((double)n * n);
            double kyy = unbiased ? 2 * KernelYY[g] / ((double)m * (m - 1)) : (m + 2 * KernelYY[g]) / ((double)m * m);
            double kxy = KernelXY[g] / ((double)n * m);
            total += kxx + kyy - 2 * kxy;
        }
        double mmd = total / KernelXX.Length;
        // The V-statistic is a squared RKHS norm, so a negative value is pure rounding (identical sets).
        return unbiased ? mmd : Math.Max(0.0, mmd);
    }

    /// <summary>The energy distance's V-statistic, 2·E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖.</summary>
    public double Energy()
    {
        double n = N, m = M;
        double exy = DistanceXY / (n * m);
        double exx = 2 * DistanceXX / (n * n);
        double eyy = 2 * DistanceYY / (m * m);
        // Rounding can push an exact zero slightly negative; the statistic itself never is.
        return Math.Max(0.0, 2 * exy - exx - eyy);
    }
}
