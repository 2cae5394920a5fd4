using Gim.MLNet.Runtime;

namespace Gim.MLNet.Tests.Runtime;

/// <summary>The normal quantiles behind the 90% intervals, against published values of Φ⁻¹.</summary>
public class NormalDistributionTests
{
    [TestCase(0.5, 0.0)]
    [TestCase(0.95, 1.6448536269514722)]
    [TestCase(0.975, 1.959963984540054)]
    [TestCase(0.001, -3.090232306167813)]
    [TestCase(0.99999, 4.264890793922602)]
    public void Quantile_MatchesTheTables(double p, double expected) =>
        Assert.That(NormalDistribution.Quantile(p), Is.EqualTo(expected).Within(1e-8));

    [Test]
    public void HalfWidth_OfANinetyPercentInterval_Is1Point645()
    {
        Assert.That(NormalDistribution.HalfWidth(0.9), Is.EqualTo(1.6448536269514722).Within(1e-8));
        Assert.That(() => NormalDistribution.HalfWidth(1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("0.9 for 90%"));
        Assert.That(() => NormalDistribution.Quantile(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
