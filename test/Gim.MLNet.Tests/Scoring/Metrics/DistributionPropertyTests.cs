using Gim.MLNet.Scoring;
using static Gim.MLNet.Tests.Support.SampleData;

namespace Gim.MLNet.Tests.Scoring.Metrics;

/// <summary>Properties every two-sample distance must have, checked for each of them.</summary>
public class DistributionPropertyTests
{
    public static IEnumerable<TestCaseData> Distances()
    {
        yield return Case("MMD multi-scale", (p, q) => DistributionDistances.MmdMultiScale(p, q), 1e-12);
        yield return Case("MMD unbiased", (p, q) => DistributionDistances.MmdMultiScale(p, q, unbiased: true), 1e-12);
        yield return Case("MMD median heuristic", (p, q) => DistributionDistances.MmdMedianHeuristic(p, q), 1e-12);
        yield return Case("Energy", DistributionDistances.Energy, 1e-12);
        // The Sinkhorn value is only as exact as its stopping rule (potentials stable to 1e-9 here).
        yield return Case("Sinkhorn ε=1", (p, q) => DistributionDistances.Sinkhorn(p, q, 1, tolerance: 1e-9), 1e-7);
        yield return Case("Sinkhorn ε=10", (p, q) => DistributionDistances.Sinkhorn(p, q, 10, tolerance: 1e-9), 1e-7);
    }

    private static TestCaseData Case(string name, Func<float[,], float[,], double> distance, double tolerance) =>
        new TestCaseData(distance, tolerance).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Distances))]
    public void IsSymmetric(Func<float[,], float[,], double> distance, double tolerance)
    {
        var p = Dyadic(30, 3, seed: 41);
        var q = Shift(Dyadic(25, 3, seed: 42), 0.5f);
        Assert.That(distance(q, p), Is.EqualTo(distance(p, q)).Within(tolerance));
    }

    [TestCaseSource(nameof(Distances))]
    public void IgnoresRowOrder(Func<float[,], float[,], double> distance, double tolerance)
    {
        var p = Dyadic(30, 3, seed: 43);
        var q = Shift(Dyadic(25, 3, seed: 44), 0.5f);
        Assert.That(distance(PermuteRows(p, 1), PermuteRows(q, 2)), Is.EqualTo(distance(p, q)).Within(tolerance));
    }

    [TestCaseSource(nameof(Distances))]
    public void IgnoresACommonTranslation(Func<float[,], float[,], double> distance, double tolerance)
    {
        // Dyadic entries shifted by 8 stay exact in float, so every pairwise difference is unchanged.
        var p = Dyadic(30, 3, seed: 45);
        var q = Shift(Dyadic(25, 3, seed: 46), 0.5f);
        Assert.That(distance(Shift(p, 8f), Shift(q, 8f)), Is.EqualTo(distance(p, q)).Within(tolerance));
    }

    [TestCaseSource(nameof(Distances))]
    public void IsPositiveForShiftedSets(Func<float[,], float[,], double> distance, double tolerance)
    {
        // q is drawn independently: with q = p + shift the paired rows would inflate the unbiased
        // statistic's cross term relative to its (diagonal-free) within terms and can make it negative.
        var p = Dyadic(30, 3, seed: 47);
        var q = Shift(Dyadic(30, 3, seed: 48), 2f);
        Assert.That(distance(p, q), Is.GreaterThan(100 * tolerance));
    }
}
