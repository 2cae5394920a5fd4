using Gim.MLNet.Scoring;

namespace Gim.MLNet.Tests.Scoring.Metrics;

public class GraphMetricsTests
{
    private static bool[,] Graph(int d, params (int From, int To)[] edges)
    {
        var g = new bool[d, d];
        foreach (var (from, to) in edges) g[from, to] = true;
        return g;
    }

    [Test]
    public void Shd_CountsEachKindOfMistakeOnce()
    {
        var truth = Graph(4, (0, 1), (1, 2), (2, 3));
        Assert.That(GraphMetrics.Shd(truth, truth), Is.EqualTo(0));
        Assert.That(GraphMetrics.Shd(Graph(4, (1, 0), (1, 2), (2, 3)), truth), Is.EqualTo(1), "reversal");
        Assert.That(GraphMetrics.Shd(Graph(4, (1, 2), (2, 3)), truth), Is.EqualTo(1), "missing edge");
        Assert.That(GraphMetrics.Shd(Graph(4, (0, 1), (1, 2), (2, 3), (0, 3)), truth), Is.EqualTo(1), "extra edge");
        Assert.That(GraphMetrics.Shd(Graph(4, (0, 1), (1, 0), (1, 2), (2, 3)), truth), Is.EqualTo(1), "two-way edge");
        // Reverse all three edges, drop nothing, add 0 → 2: 3 reversals + 1 extra = 4.
        Assert.That(GraphMetrics.Shd(Graph(4, (1, 0), (2, 1), (3, 2), (0, 2)), truth), Is.EqualTo(4));
    }

    [Test]
    public void Shd_IgnoresTheDiagonalAndIsSymmetric()
    {
        var truth = Graph(3, (0, 1));
        var predicted = Graph(3, (1, 0), (2, 2));
        Assert.That(GraphMetrics.Shd(predicted, truth), Is.EqualTo(1));
        Assert.That(GraphMetrics.Shd(truth, predicted), Is.EqualTo(1));
    }

    [Test]
    public void EdgeScores_UseOffDiagonalOrderedPairs()
    {
        // Truth: 0 → 1 only. The six off-diagonal scores, in (i, j) order: (0,1)=0.9, (0,2)=0.1, (1,0)=0.8,
        // (1,2)=0.2, (2,0)=0.3, (2,1)=0.4. The diagonal (99) must be ignored or it would be the top score.
        var scores = new double[,] { { 99, 0.9, 0.1 }, { 0.8, 99, 0.2 }, { 0.3, 0.4, 99 } };
        var truth = Graph(3, (0, 1));
        Assert.That(GraphMetrics.EdgeAuroc(scores, truth), Is.EqualTo(1.0));
        Assert.That(GraphMetrics.EdgeAuprc(scores, truth), Is.EqualTo(1.0));

        // Now the reversed pair scores highest: 0.9 on (1,0). Positive (0,1) = 0.8 beats 4 of 5 negatives → 0.8.
        // PR: (0,1) → (0, 0) after (1,0) → (1, ½) after (0,1) → area 1·(0 + ½)/2 = ¼.
        var swapped = new double[,] { { 0, 0.8, 0.1 }, { 0.9, 0, 0.2 }, { 0.3, 0.4, 0 } };
        Assert.That(GraphMetrics.EdgeAuroc(swapped, truth), Is.EqualTo(0.8).Within(1e-15));
        Assert.That(GraphMetrics.EdgeAuprc(swapped, truth), Is.EqualTo(0.25).Within(1e-15));
    }

    [Test]
    public void Threshold_KeepsMagnitudesAboveItOffTheDiagonal()
    {
        var weights = new double[,] { { 5, -0.4, 0.3 }, { 0.1, 0, -0.31 }, { 0.3, 0, 0 } };
        var graph = GraphMetrics.Threshold(weights, 0.3);
        Assert.That(graph, Is.EqualTo(Graph(3, (0, 1), (1, 2))));
    }

    [Test]
    public void RejectsMismatchedShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => GraphMetrics.Shd(new bool[3, 3], new bool[2, 2]));
        Assert.That(ex!.Message, Does.Contain("3×3").And.Contain("2×2"));
        Assert.Throws<ArgumentException>(() => GraphMetrics.EdgeAuroc(new double[2, 3], new bool[2, 3]));
        Assert.Throws<ArgumentException>(() => GraphMetrics.Threshold(new double[2, 2], -1));
    }
}
