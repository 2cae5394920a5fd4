using Gim.MLNet.Scoring;
using static Gim.MLNet.Tests.Support.SampleData;

namespace Gim.MLNet.Tests.Scoring.Metrics;

public class SinkhornTests
{
    [TestCase(0.1)]
    [TestCase(1.0)]
    [TestCase(10.0)]
    public void SinglePoints_GiveTheSquaredDistance(double epsilon)
    {
        // One point each: the only plan moves all mass x → y, so OT_ε(P,Q) = ‖x − y‖² = 25 and the
        // self terms are 0 (cost 0, no entropy to pay) → S = 25 for every ε.
        Assert.That(DistributionDistances.Sinkhorn(Rows([0, 0]), Rows([3, 4]), epsilon), Is.EqualTo(25).Within(1e-9));
    }

    [Test]
    public void OnePointAgainstTwo_MatchesHandComputation()
    {
        // P = {0}, Q = {1, 3}: the plan is forced (everything leaves 0), OT_ε(P,Q) = mean cost = (1 + 9)/2 = 5.
        // OT_ε(P,P) = 0. OT_ε(Q,Q) with ε = 1: symmetric potential f on {1, 3}, cost [[0,4],[4,0]]:
        // f = −log(½e^{f} + ½e^{f−4}) (by symmetry both entries equal) → e^{−f} = ½e^{f}(1 + e^{−4})
        // → f = ½·log(2/(1 + e^{−4})), OT = 2f.  S = 5 − ½·2f = 5 − f.
        double f = 0.5 * Math.Log(2 / (1 + Math.Exp(-4)));
        Assert.That(DistributionDistances.Sinkhorn(Column(0), Column(1, 3), epsilon: 1), Is.EqualTo(5 - f).Within(1e-6));
    }

    [Test]
    public void LargeEpsilon_TendsToTheSquaredMeanDifference()
    {
        // As ε → ∞ the plans become a⊗b, so S → E C(X,Y) − ½E C(X,X') − ½E C(Y,Y') = ‖μ_P − μ_Q‖² for C = ‖·‖².
        var p = Gaussian(30, 2, seed: 31);
        var q = Gaussian(25, 2, seed: 32, mean: 1.5);
        var mp = MeanMetrics.ColumnMeans(p);
        var mq = MeanMetrics.ColumnMeans(q);
        double expected = (mp[0] - mq[0]) * (mp[0] - mq[0]) + (mp[1] - mq[1]) * (mp[1] - mq[1]);
        Assert.That(DistributionDistances.Sinkhorn(p, q, epsilon: 1e5), Is.EqualTo(expected).Within(1e-2 * expected));
    }

    [TestCase(1.0)]
    [TestCase(10.0)]
    public void IdenticalSets_GiveZero(double epsilon)
    {
        var p = Gaussian(40, 3, seed: 33);
        Assert.That(DistributionDistances.Sinkhorn(p, p, epsilon), Is.EqualTo(0).Within(1e-5));
    }

    [TestCase(1.0)]
    [TestCase(10.0)]
    public void DifferentSets_GivePositiveValuesThatGrowWithShift(double epsilon)
    {
        var p = Gaussian(40, 3, seed: 34);
        double near = DistributionDistances.Sinkhorn(p, Shift(p, 0.5f), epsilon);
        double far = DistributionDistances.Sinkhorn(p, Shift(p, 2f), epsilon);
        Assert.That(near, Is.GreaterThan(1e-3));
        Assert.That(far, Is.GreaterThan(near));
    }

    [Test]
    public void RejectsNonPositiveEpsilon()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => DistributionDistances.Sinkhorn(Column(0), Column(1), 0));
        Assert.That(ex!.ParamName, Is.EqualTo("epsilon"));
    }
}
