using Gim.MLNet.Data.Sachs;

namespace Gim.MLNet.Scoring;

public static partial class SachsTasks
{
    /// <summary>
    /// The default threshold on |B| for the SHD of task (c): 0.3, the threshold of the benchmarks' `compare`
    /// harness on the synthetic Hill screen, taken over unchanged rather than tuned against the consensus graph.
    /// GIM's B is in control-standardised units, so 0.3 is a direct effect of 0.3 control SDs per control SD.
    /// The SHD of the 17 largest entries (<see cref="SachsGraphScore.ShdTopK"/>) needs no threshold.
    /// </summary>
    public const double DefaultGraphThreshold = 0.3;

    /// <summary>Task (c): a learned graph B (cause × effect, 11 × 11) against the consensus graph.</summary>
    /// <param name="graph">The learned weighted adjacency; the sign is ignored, the diagonal too.</param>
    /// <param name="threshold">|B| above this is a predicted edge (for the SHD).</param>
    public static SachsGraphScore ScoreGraph(double[,] graph, double threshold = DefaultGraphThreshold)
    {
        ArgumentNullException.ThrowIfNull(graph);
        bool[,] truth = SachsDataset.ConsensusGraph();
        int d = truth.GetLength(0);
        if (graph.GetLength(0) != d || graph.GetLength(1) != d)
            throw new ArgumentException($"The graph is {graph.GetLength(0)}×{graph.GetLength(1)}; the Sachs graph is {d}×{d}.", nameof(graph));
        var magnitude = new double[d, d];
        var skeletonScore = new double[d, d];
        var skeleton = new bool[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                magnitude[i, j] = Math.Abs(graph[i, j]);
                skeletonScore[i, j] = Math.Max(Math.Abs(graph[i, j]), Math.Abs(graph[j, i]));
                skeleton[i, j] = truth[i, j] || truth[j, i];
            }
        bool[,] predicted = GraphMetrics.Threshold(magnitude, threshold);
        int edges = CountEdges(truth);
        return new SachsGraphScore(
            GraphMetrics.EdgeAuroc(magnitude, truth),
            GraphMetrics.EdgeAuprc(magnitude, truth),
            // Both orders of a pair carry the same score and label, so this is the AUROC over unordered pairs.
            GraphMetrics.EdgeAuroc(skeletonScore, skeleton),
            threshold,
            CountEdges(predicted),
            GraphMetrics.Shd(predicted, truth),
            GraphMetrics.Shd(TopK(magnitude, edges), truth));
    }

    /// <summary>The k off-diagonal entries of largest magnitude as a graph (ties broken by position, row first).</summary>
    private static bool[,] TopK(double[,] magnitude, int k)
    {
        int d = magnitude.GetLength(0);
        var graph = new bool[d, d];
        var order = from i in Enumerable.Range(0, d)
                    from j in Enumerable.Range(0, d)
                    where i != j
                    orderby magnitude[i, j] descending, i, j
                    select (i, j);
        foreach (var (i, j) in order.Take(k))
            graph[i, j] = true;
        return graph;
    }

    private static int CountEdges(bool[,] graph)
    {
        int count = 0;
        foreach (bool edge in graph)
            if (edge) count++;
        return count;
    }
}
