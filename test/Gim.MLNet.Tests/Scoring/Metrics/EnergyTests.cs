using Gim.MLNet.Scoring;
using static Gim.MLNet.Tests.Support.SampleData;

namespace Gim.MLNet.Tests.Scoring.Metrics;

public class EnergyTests
{
    [Test]
    public void OneDimension_MatchesHandComputation()
    {
        // P = {0, 1}, Q = {3}: E|X−Y| = (3 + 2)/2 = 2.5; E|X−X'| = (0 + 1 + 1 + 0)/4 = 0.5 (V-statistic,
        // i = j included); E|Y−Y'| = 0 → 2·2.5 − 0.5 − 0 = 4.5.
        Assert.That(DistributionDistances.Energy(Column(0, 1), Column(3)), Is.EqualTo(4.5).Within(1e-12));
    }

    [Test]
    public void UsesEuclideanNotSquaredDistance()
    {
        // P = {(0,0)}, Q = {(3,4)}: 2·5 − 0 − 0 = 10 (squared distances would give 50).
        Assert.That(DistributionDistances.Energy(Rows([0, 0]), Rows([3, 4])), Is.EqualTo(10).Within(1e-12));
    }

    [Test]
    public void IdenticalSets_GiveZero()
    {
        var p = Gaussian(60, 4, seed: 21);
        Assert.That(DistributionDistances.Energy(p, p), Is.EqualTo(0).Within(1e-12));
    }

    [Test]
    public void DifferentSets_GivePositiveValues()
    {
        Assert.That(DistributionDistances.Energy(Gaussian(50, 3, seed: 22), Gaussian(50, 3, seed: 23)), Is.GreaterThan(0));
    }

    [Test]
    public void GrowsWithAMeanShift()
    {
        // E‖X − X' − δe₁‖ over all ordered pairs is convex and even in δ, so energy(P, P + δe₁) increases in δ ≥ 0.
        var p = Gaussian(80, 3, seed: 24);
        var values = new[] { 0f, 0.25f, 0.5f, 1f, 2f, 4f }.Select(s => DistributionDistances.Energy(p, Shift(p, s, column: 0))).ToArray();
        Assert.That(values[0], Is.EqualTo(0).Within(1e-12));
        Assert.That(values, Is.Ordered.Ascending);
        Assert.That(values.Distinct().Count(), Is.EqualTo(values.Length));
    }
}
