namespace Gim.MLNet.Scoring;

/// <summary>
/// Graph-recovery metrics for directed graphs given as d×d adjacency matrices, entry [i, j] meaning the
/// edge i → j. Self-loops are never edges: the diagonal is ignored everywhere.
/// </summary>
public static class GraphMetrics
{
    /// <summary>
    /// Structural Hamming distance: the number of unordered variable pairs {i, j}, i ≠ j, whose edge
    /// state differs between the two graphs. Each pair contributes at most 1, so a missing edge, an extra
    /// edge and a reversed edge each cost 1 (a reversal is not a deletion plus an insertion), as in AVICI.
    /// A pair with edges both ways in one graph and one way in the other also costs 1.
    /// </summary>
    /// <param name="predicted">Predicted adjacency, d×d.</param>
    /// <param name="truth">True adjacency, same shape.</param>
    /// <returns>SHD in [0, d(d − 1)/2].</returns>
    public static int Shd(bool[,] predicted, bool[,] truth)
    {
        int d = CheckSquarePair(predicted, truth);
        int distance = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = i + 1; j < d; j++)
            {
                if (predicted[i, j] != truth[i, j] || predicted[j, i] != truth[j, i]) distance++;
            }
        }
        return distance;
    }

    /// <summary>
    /// AUROC of edge scores over all d(d − 1) off-diagonal ordered pairs (i → j and j → i are separate
    /// items), with <see cref="ClassificationMetrics.Auroc"/>'s tie and degenerate-case conventions.
    /// </summary>
    /// <param name="scores">Edge scores, d×d, e.g. |B_ij|; higher means more likely an edge.</param>
    /// <param name="truth">True adjacency, same shape.</param>
    /// <returns>AUROC in [0, 1].</returns>
    public static double EdgeAuroc(double[,] scores, bool[,] truth)
    {
        var (s, labels) = OffDiagonal(scores, truth);
        return ClassificationMetrics.Auroc(s, labels);
    }

    /// <summary>
    /// AUPRC of edge scores over all d(d − 1) off-diagonal ordered pairs, with
    /// <see cref="ClassificationMetrics.Auprc"/>'s trapezoid and degenerate-case conventions.
    /// </summary>
    /// <param name="scores">Edge scores, d×d, e.g. |B_ij|; higher means more likely an edge.</param>
    /// <param name="truth">True adjacency, same shape.</param>
    /// <returns>AUPRC in [0, 1].</returns>
    public static double EdgeAuprc(double[,] scores, bool[,] truth)
    {
        var (s, labels) = OffDiagonal(scores, truth);
        return ClassificationMetrics.Auprc(s, labels);
    }

    /// <summary>The graph of edges whose weight magnitude exceeds the threshold: |w_ij| &gt; threshold, i ≠ j.</summary>
    /// <param name="weights">Weighted adjacency, d×d (e.g. B); the sign is ignored.</param>
    /// <param name="threshold">Non-negative, finite; an entry equal to it is not an edge.</param>
    /// <returns>A d×d adjacency with a false diagonal.</returns>
    public static bool[,] Threshold(double[,] weights, double threshold)
    {
        int d = CheckSquare(weights, nameof(weights));
        if (!double.IsFinite(threshold) || threshold < 0)
            throw new ArgumentException($"The threshold is {threshold}; it must be non-negative and finite.", nameof(threshold));
        var graph = new bool[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double w = weights[i, j];
                if (double.IsNaN(w))
                    throw new ArgumentException($"'weights'[{i}, {j}] is NaN.", nameof(weights));
                graph[i, j] = i != j && Math.Abs(w) > threshold;
            }
        }
        return graph;
    }

    private static (double[] Scores, bool[] Labels) OffDiagonal(double[,] scores, bool[,] truth)
    {
        int d = CheckSquare(scores, nameof(scores));
        int dt = CheckSquare(truth, nameof(truth));
        if (d != dt) throw new ArgumentException($"'scores' is {d}×{d} but 'truth' is {dt}×{dt}.", nameof(truth));
        if (d < 2) throw new ArgumentException($"At least 2 variables are needed for an edge; got {d}.", nameof(scores));
        var s = new double[d * (d - 1)];
        var labels = new bool[s.Length];
        int k = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                if (i == j) continue;
                s[k] = scores[i, j];
                labels[k] = truth[i, j];
                k++;
            }
        }
        return (s, labels);
    }

    private static int CheckSquarePair(bool[,] predicted, bool[,] truth)
    {
        int d = CheckSquare(predicted, nameof(predicted));
        int dt = CheckSquare(truth, nameof(truth));
        if (d != dt) throw new ArgumentException($"'predicted' is {d}×{d} but 'truth' is {dt}×{dt}.", nameof(truth));
        return d;
    }

    private static int CheckSquare<T>(T[,] matrix, string paramName)
    {
        ArgumentNullException.ThrowIfNull(matrix, paramName);
        int rows = matrix.GetLength(0), columns = matrix.GetLength(1);
        if (rows != columns)
            throw new ArgumentException($"'{paramName}' is {rows}×{columns}; an adjacency matrix must be square.", paramName);
        return rows;
    }
}
