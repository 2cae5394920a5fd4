namespace Gim.MLNet.Data;

/// <summary>
/// scanpy's <c>normalize_total(target_sum=T)</c> then <c>log1p</c> on cells in memory: each cell's counts scaled to a total of
/// T and log1p'd, log(1 + x·T/Σx); a cell with no counts stays zeros. The one place this library computes it outside an
/// ONNX graph (the pipeline step <c>NormalizeTotalLog1p</c> runs the same formula in ONNX Runtime, in float32): streaming
/// statistics, the command line's evaluation of models fitted from statistics, and the benchmarks.
/// </summary>
public static class CountNormalization
{
    /// <summary>The normalised rows of <paramref name="counts"/> (cells × genes), keeping the columns <paramref name="keep"/> (null: all).</summary>
    /// <param name="counts">Counts, one row per cell; the totals are over all its columns.</param>
    /// <param name="targetSum">T, the total each cell is scaled to (10,000 in most tutorials).</param>
    /// <param name="keep">The columns to return, in this order; null: every column.</param>
    /// <param name="rowLabel">Names row i in an error (default "row i").</param>
    /// <exception cref="ArgumentException">A value is negative or not finite: not counts.</exception>
    public static float[,] NormalizeTotalLog1p(float[,] counts, double targetSum = 1e4, IReadOnlyList<int>? keep = null, Func<int, string>? rowLabel = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (!(targetSum > 0) || double.IsInfinity(targetSum))
            throw new ArgumentOutOfRangeException(nameof(targetSum), targetSum, "The target total must be a finite number > 0.");
        int n = counts.GetLength(0), d = counts.GetLength(1), width = keep?.Count ?? d;
        var result = new float[n, width];
        for (int i = 0; i < n; i++)
        {
            double total = 0;
            for (int j = 0; j < d; j++)
            {
                float v = counts[i, j];
                if (!(v >= 0) || float.IsInfinity(v))
                    // No parameter name: the message is the whole error, which readers of files wrap with the file's name.
                    throw new ArgumentException($"{rowLabel?.Invoke(i) ?? $"row {i}"}, column {j}: {v}; normalising expects counts (finite, ≥ 0).");
                total += v;
            }
            double scale = total > 0 ? targetSum / total : 0;
            for (int k = 0; k < width; k++) result[i, k] = (float)Math.Log(1 + counts[i, keep?[k] ?? k] * scale);
        }
        return result;
    }

    /// <summary>Every context's cells normalised (<see cref="NormalizeTotalLog1p(float[,], double, IReadOnlyList{int}?, Func{int, string}?)"/>), the same contexts otherwise.</summary>
    public static PerturbationDataset NormalizeTotalLog1p(PerturbationDataset counts, double targetSum = 1e4)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var contexts = counts.Contexts.Select(c => new PerturbationContext(c.Name, c.Features,
            NormalizeTotalLog1p(c.Samples, targetSum, rowLabel: i => $"context '{c.Name}', cell {i}"), c.IsControl, c.Group)).ToList();
        return new PerturbationDataset(contexts, counts.VariableNames, counts.FeatureNames);
    }
}
