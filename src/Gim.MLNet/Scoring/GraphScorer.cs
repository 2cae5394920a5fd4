namespace Gim.MLNet.Scoring;

/// <summary>A learned graph against the true one (BENCHMARK.md §2): edge AUROC and AUPRC of |B_ij|, and the SHD of |B_ij| &gt; threshold.</summary>
public static class GraphScorer
{
    /// <summary>The <see cref="PerturbationMetrics.Graph"/> metrics of <paramref name="learned"/> (cause × effect) against <paramref name="truth"/> (non-zero = edge; the diagonal is ignored).</summary>
    /// <param name="learned">Edge strengths, d × d.</param>
    /// <param name="truth">The true graph, d × d.</param>
    /// <param name="threshold">|B_ij| above this is an edge for the SHD. The library's default is 0.3 (in control SDs per control SD).</param>
    public static IReadOnlyDictionary<string, double> Score(double[,] learned, double[,] truth, double threshold)
    {
        ArgumentNullException.ThrowIfNull(learned);
        ArgumentNullException.ThrowIfNull(truth);
        int d = truth.GetLength(0);
        if (truth.GetLength(1) != d || learned.GetLength(0) != d || learned.GetLength(1) != d)
            throw new ArgumentException($"The learned graph is {learned.GetLength(0)} × {learned.GetLength(1)} and the true graph {truth.GetLength(0)} × {truth.GetLength(1)}; both must be d × d for the same d.");
        var trueEdges = new bool[d, d];
        var scores = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                trueEdges[i, j] = i != j && truth[i, j] != 0;
                scores[i, j] = Math.Abs(learned[i, j]);
            }
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [PerturbationMetrics.EdgeAuroc] = GraphMetrics.EdgeAuroc(scores, trueEdges),
            [PerturbationMetrics.EdgeAuprc] = GraphMetrics.EdgeAuprc(scores, trueEdges),
            [PerturbationMetrics.Shd] = GraphMetrics.Shd(GraphMetrics.Threshold(scores, threshold), trueEdges),
        };
    }
}
