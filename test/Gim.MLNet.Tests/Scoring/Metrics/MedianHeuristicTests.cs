using Gim.MLNet.Scoring;
using static Gim.MLNet.Tests.Support.SampleData;

namespace Gim.MLNet.Tests.Scoring.Metrics;

public class MedianHeuristicTests
{
    [Test]
    public void OddPairCount_UsesTheMiddleSquaredDistance()
    {
        // Pooled {0, 1, 3}: squared distances 1, 9, 4 → median 4 → γ = 1/4.
        Assert.That(DistributionDistances.MedianHeuristicGamma(Column(0, 1), Column(3)), Is.EqualTo(0.25).Within(1e-15));
    }

    [Test]
    public void EvenPairCount_AveragesTheTwoMiddleValues()
    {
        // Pooled {0, 1, 3, 4}: squared distances 1, 9, 16, 4, 9, 1 → sorted 1 1 4 9 9 16 → median 6.5.
        Assert.That(DistributionDistances.MedianHeuristicGamma(Column(0, 1), Column(3, 4)), Is.EqualTo(1 / 6.5).Within(1e-15));
    }

    [Test]
    public void MmdMedianHeuristic_IsMmdAtThatGamma()
    {
        var p = Gaussian(20, 2, seed: 11);
        var q = Gaussian(15, 2, seed: 12, mean: 1);
        double gamma = DistributionDistances.MedianHeuristicGamma(p, q);
        Assert.That(DistributionDistances.MmdMedianHeuristic(p, q), Is.EqualTo(DistributionDistances.Mmd(p, q, [gamma])).Within(1e-15));
        Assert.That(DistributionDistances.MmdMedianHeuristic(p, q, unbiased: true),
            Is.EqualTo(DistributionDistances.Mmd(p, q, [gamma], unbiased: true)).Within(1e-15));
    }

    [Test]
    public void MostlyCoincidentPoints_FallBackToTheMeanSquaredDistance()
    {
        // Pooled {0, 0, 0, 2}: squared distances 0, 0, 4, 0, 4, 4 → median 0 → mean = 12/6 = 2 → γ = 1/2.
        Assert.That(DistributionDistances.MedianHeuristicGamma(Column(0, 0), Column(0, 2)), Is.EqualTo(0.5).Within(1e-15));
    }

    [Test]
    public void AllPointsIdentical_GiveGammaOneAndZeroMmd()
    {
        Assert.That(DistributionDistances.MedianHeuristicGamma(Column(3, 3), Column(3)), Is.EqualTo(1.0));
        Assert.That(DistributionDistances.MmdMedianHeuristic(Column(3, 3), Column(3)), Is.EqualTo(0.0).Within(1e-15));
    }

    [TestCase(200, 5, 50)]     // many histogram passes
    [TestCase(201, 3, 1000)]   // odd pooled size, one pass then collect
    [TestCase(150, 1, 7)]      // 1-D, heavy narrowing
    public void StreamingSelection_EqualsSortingAllPairs(int rows, int columns, int collectLimit)
    {
        var x = Gaussian(rows / 2, columns, seed: rows);
        var y = Gaussian(rows - rows / 2, columns, seed: rows + 1, mean: 0.3);
        AssertSelectionMatchesSort(x, y, collectLimit);
    }

    [Test]
    public void StreamingSelection_HandlesManyTiedDistances()
    {
        // Integer points on a small grid: squared distances take few distinct values, with huge ties.
        var random = new Random(13);
        var x = new float[120, 2];
        for (int i = 0; i < 120; i++)
        {
            x[i, 0] = random.Next(0, 3);
            x[i, 1] = random.Next(0, 3);
        }
        AssertSelectionMatchesSort(x, Rows([0, 0], [1, 1]), collectLimit: 5);
    }

    private static void AssertSelectionMatchesSort(float[,] x, float[,] y, int collectLimit)
    {
        var pooled = new List<float[]>();
        foreach (var m in new[] { x, y })
            for (int i = 0; i < m.GetLength(0); i++)
                pooled.Add(Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray());
        var all = new List<double>();
        for (int i = 0; i < pooled.Count; i++)
            for (int j = i + 1; j < pooled.Count; j++)
                all.Add(pooled[i].Zip(pooled[j], (a, b) => ((double)a - b) * ((double)a - b)).Sum());
        all.Sort();
        double median = 0.5 * (all[(all.Count - 1) / 2] + all[all.Count / 2]);

        double gamma = DistributionDistances.MedianHeuristicGamma(
            RowMatrix.From(x, "p"), RowMatrix.From(y, "q"), collectLimit);
        Assert.That(1 / gamma, Is.EqualTo(median).Within(1e-9 * median));
    }
}
