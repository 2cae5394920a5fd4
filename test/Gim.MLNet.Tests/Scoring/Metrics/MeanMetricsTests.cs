using Gim.MLNet.Scoring;
using static Gim.MLNet.Tests.Support.SampleData;

namespace Gim.MLNet.Tests.Scoring.Metrics;

public class MeanMetricsTests
{
    [Test]
    public void ColumnMeans_AveragesEachColumn()
    {
        // Columns (1, 3) → 2 and (2, 6) → 4.
        Assert.That(MeanMetrics.ColumnMeans(Rows([1, 2], [3, 6])), Is.EqualTo(new[] { 2.0, 4.0 }));
    }

    [Test]
    public void Rmse_MatchesHandComputation()
    {
        // Errors 1, −2, 2 → mean square (1 + 4 + 4)/3 = 3 → √3.
        Assert.That(MeanMetrics.Rmse([1, 0, 5], [0, 2, 3]), Is.EqualTo(Math.Sqrt(3)).Within(1e-15));
    }

    [Test]
    public void RSquared_MatchesHandComputation()
    {
        // observed (1, 2, 3): mean 2, SS_tot = 1 + 0 + 1 = 2. predicted (1, 2, 4): SS_res = 1 → R² = 1 − ½ = 0.5.
        Assert.That(MeanMetrics.RSquared([1, 2, 4], [1, 2, 3]), Is.EqualTo(0.5).Within(1e-15));
    }

    [Test]
    public void RSquared_CanBeNegativeUnlessClipped()
    {
        // predicted (3, 2, 1) vs observed (1, 2, 3): SS_res = 4 + 0 + 4 = 8, SS_tot = 2 → R² = 1 − 4 = −3.
        Assert.That(MeanMetrics.RSquared([3, 2, 1], [1, 2, 3]), Is.EqualTo(-3).Within(1e-15));
        Assert.That(MeanMetrics.RSquared([3, 2, 1], [1, 2, 3], clipAtZero: true), Is.EqualTo(0));
    }

    [Test]
    public void RSquared_ConstantObservedFollowsScikitLearn()
    {
        // SS_tot = 0: 1 for a perfect prediction, 0 otherwise.
        Assert.That(MeanMetrics.RSquared([2, 2], [2, 2]), Is.EqualTo(1.0));
        Assert.That(MeanMetrics.RSquared([2, 3], [2, 2]), Is.EqualTo(0.0));
    }

    [Test]
    public void RSquared_OnSubsetUsesTheSubsetMean()
    {
        // Subset {0, 2}: observed (1, 5), mean 3, SS_tot = 4 + 4 = 8; predicted (2, 5): SS_res = 1 → 1 − 1/8.
        double r2 = MeanMetrics.RSquared([2, 100, 5], [1, -7, 5], [0, 2]);
        Assert.That(r2, Is.EqualTo(0.875).Within(1e-15));
    }

    [Test]
    public void RSquared_SubsetRejectsBadIndices()
    {
        Assert.Throws<ArgumentException>(() => MeanMetrics.RSquared([1, 2], [1, 2], [0, 2]));
        Assert.Throws<ArgumentException>(() => MeanMetrics.RSquared([1, 2], [1, 2], [1, 1]));
        Assert.Throws<ArgumentException>(() => MeanMetrics.RSquared([1, 2], [1, 2], Array.Empty<int>()));
    }

    [Test]
    public void TopKMostShifted_OrdersByAbsoluteShiftThenIndex()
    {
        // |observed − control| = (1, 3, 0.5, 3, 2) → order 1, 3 (tie: lower index first), 4, 0, 2.
        double[] control = [0, 0, 0, 0, 0];
        double[] observed = [1, -3, 0.5, 3, 2];
        Assert.That(MeanMetrics.TopKMostShifted(observed, control, 3), Is.EqualTo(new[] { 1, 3, 4 }));
        Assert.That(MeanMetrics.TopKMostShifted(observed, control, 0), Is.Empty);
        Assert.Throws<ArgumentOutOfRangeException>(() => MeanMetrics.TopKMostShifted(observed, control, 6));
    }

    [Test]
    public void PearsonDelta_MatchesHandComputation()
    {
        // Shifts: predicted (1, 2, 3), observed (1, 3, 2). Centred: (−1, 0, 1) and (−1, 1, 0):
        // Σab = 1, Σa² = 2, Σb² = 2 → r = 1/2.
        double[] control = [10, 10, 10];
        Assert.That(MeanMetrics.PearsonDelta([11, 12, 13], [11, 13, 12], control), Is.EqualTo(0.5).Within(1e-15));
    }

    [Test]
    public void PearsonDelta_IsInvariantToPositiveScalingAndFlipsUnderNegative()
    {
        double[] control = [0.3, -1, 2, 0.5];
        double[] observed = [1.3, -0.2, 2.5, -1];
        double[] predicted = [0.9, -0.5, 2.8, -0.1];
        double r = MeanMetrics.PearsonDelta(predicted, observed, control);
        double[] scaled = predicted.Select((p, j) => control[j] + 7.5 * (p - control[j])).ToArray();
        double[] flipped = predicted.Select((p, j) => control[j] - 0.2 * (p - control[j])).ToArray();
        Assert.That(MeanMetrics.PearsonDelta(scaled, observed, control), Is.EqualTo(r).Within(1e-12));
        Assert.That(MeanMetrics.PearsonDelta(flipped, observed, control), Is.EqualTo(-r).Within(1e-12));
    }

    [Test]
    public void PearsonDelta_ZeroVarianceIsNaN()
    {
        // Predicted shift (1, 1, 1) is constant across variables: the correlation is undefined.
        Assert.That(MeanMetrics.PearsonDelta([1, 1, 1], [1, 2, 3], [0, 0, 0]), Is.NaN);
        Assert.That(MeanMetrics.PearsonDelta([1], [2], [0]), Is.NaN);
    }

    [Test]
    public void RejectsMismatchedLengthsAndNaN()
    {
        var ex = Assert.Throws<ArgumentException>(() => MeanMetrics.Rmse([1, 2], [1]));
        Assert.That(ex!.Message, Does.Contain("2").And.Contain("1"));
        var nan = Assert.Throws<ArgumentException>(() => MeanMetrics.RSquared([1, double.NaN], [1, 2]));
        Assert.That(nan!.ParamName, Is.EqualTo("predicted"));
        Assert.Throws<ArgumentException>(() => MeanMetrics.Rmse([], []));
    }

    /// <summary>Over a subset (the top-k DEGs) the correlation ignores the other variables, however wrong they are.</summary>
    [Test]
    public void PearsonDeltaOverASubset_SeesOnlyThoseVariables()
    {
        double[] control = [0, 0, 0, 0], observed = [3, -2, 1, 0.1], predicted = [6, -4, 2, -50];
        Assert.That(MeanMetrics.PearsonDelta(predicted, observed, control, [0, 1, 2]), Is.EqualTo(1).Within(1e-12));
        Assert.That(MeanMetrics.PearsonDelta(predicted, observed, control), Is.LessThan(0.5));
        Assert.That(MeanMetrics.PearsonDelta(predicted, observed, control, [2]), Is.NaN, "one variable has no correlation");
        Assert.That(MeanMetrics.TopKMostShifted(observed, control, 3), Is.EquivalentTo(new[] { 0, 1, 2 }));
    }
}
