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

    private static void AddKernels(double squaredDistance, double[] gammas, double[] row)
    {
        for (int g = 0; g < gammas.Length; g++)
            row[g] += Math.Exp(-gammas[g] * squaredDistance);
    }
}
