using Gim.MLNet.Scoring;

namespace Gim.MLNet.Tests.Scoring.Metrics;

public class ClassificationMetricsTests
{
    [Test]
    public void Auroc_MatchesHandComputation()
    {
        // Positives score {0.35, 0.8}, negatives {0.1, 0.4}: of the 4 (pos, neg) pairs, 0.35 < 0.4 is the only
        // loss → AUROC = 3/4.
        Assert.That(ClassificationMetrics.Auroc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), Is.EqualTo(0.75).Within(1e-15));
    }

    [Test]
    public void Auroc_TiesCountHalf()
    {
        // Positive 1 vs negatives {1, 0}: one tie (½) and one win (1) → 1.5 / 2 = 0.75.
        Assert.That(ClassificationMetrics.Auroc([1, 1, 0], [true, false, false]), Is.EqualTo(0.75).Within(1e-15));
    }

    [Test]
    public void Auroc_PerfectReversedAndRandom()
    {
        bool[] labels = [false, false, false, true, true];
        Assert.That(ClassificationMetrics.Auroc([0.1, 0.2, 0.3, 0.4, 0.5], labels), Is.EqualTo(1.0));
        Assert.That(ClassificationMetrics.Auroc([0.5, 0.4, 0.3, 0.2, 0.1], labels), Is.EqualTo(0.0));

        // 20,000 random scores and labels: AUROC's standard error is √((n₊ + n₋ + 1)/(12 n₊ n₋)) ≈ 0.004,
        // so ±0.02 is 5 standard errors.
        var random = new Random(51);
        var scores = Enumerable.Range(0, 20_000).Select(_ => random.NextDouble()).ToArray();
        var randomLabels = Enumerable.Range(0, 20_000).Select(_ => random.NextDouble() < 0.3).ToArray();
        Assert.That(ClassificationMetrics.Auroc(scores, randomLabels), Is.EqualTo(0.5).Within(0.02));
    }

    [Test]
    public void Auroc_AllScoresEqualButNonZeroIsOneHalf()
    {
        Assert.That(ClassificationMetrics.Auroc([0.3, 0.3, 0.3], [true, false, false]), Is.EqualTo(0.5));
    }

    [Test]
    public void Auprc_MatchesHandComputation()
    {
        // Descending: 0.8(+), 0.4(−), 0.35(+), 0.1(−), P = 2. Points (recall, precision):
        // (0, 1) → (½, 1) → (½, ½) → (1, ⅔) → (1, ½).
        // Trapezoids: ½·(1 + 1)/2 = ½; 0; ½·(½ + ⅔)/2 = 7/24; 0 → 19/24.
        Assert.That(ClassificationMetrics.Auprc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), Is.EqualTo(19.0 / 24).Within(1e-15));
    }

    [Test]
    public void Auprc_GroupsTiedScores()
    {
        // Scores {1(+), 1(−)} tie, then 0(−): points (0, 1) → (1, ½) → (1, ⅓); area 1·(1 + ½)/2 = ¾.
        // Splitting the tie with + first would wrongly give 1.
        Assert.That(ClassificationMetrics.Auprc([1, 1, 0], [true, false, false]), Is.EqualTo(0.75).Within(1e-15));
        Assert.That(ClassificationMetrics.Auprc([1, 1, 0], [false, true, false]), Is.EqualTo(0.75).Within(1e-15));
    }

    [Test]
    public void Auprc_PerfectIsOne()
    {
        Assert.That(ClassificationMetrics.Auprc([0.1, 0.2, 0.9, 0.8], [false, false, true, true]), Is.EqualTo(1.0).Within(1e-15));
    }

    [Test]
    public void DegenerateCases_FollowAvici()
    {
        // Every score 0 ("predicts nothing").
        Assert.That(ClassificationMetrics.Auroc([0, 0, 0], [false, false, false]), Is.EqualTo(1.0));
        Assert.That(ClassificationMetrics.Auprc([0, 0, 0], [false, false, false]), Is.EqualTo(1.0));
        Assert.That(ClassificationMetrics.Auroc([0, 0, 0], [true, false, false]), Is.EqualTo(0.5));
        Assert.That(ClassificationMetrics.Auprc([0, 0, 0], [true, false, false]), Is.EqualTo(0.0));
        // Some score, but no positives.
        Assert.That(ClassificationMetrics.Auroc([0.2, 0.7], [false, false]), Is.EqualTo(0.5));
        Assert.That(ClassificationMetrics.Auprc([0.2, 0.7], [false, false]), Is.EqualTo(0.0));
        // No negatives: AUROC undefined → ½; precision is 1 everywhere → AUPRC 1.
        Assert.That(ClassificationMetrics.Auroc([0.2, 0.7], [true, true]), Is.EqualTo(0.5));
        Assert.That(ClassificationMetrics.Auprc([0.2, 0.7], [true, true]), Is.EqualTo(1.0));
        // All equal, non-zero: AUPRC from the (0, 1) anchor to (1, prevalence ⅓) = (1 + ⅓)/2.
        Assert.That(ClassificationMetrics.Auprc([0.3, 0.3, 0.3], [true, false, false]), Is.EqualTo(2.0 / 3).Within(1e-15));
    }

    [Test]
    public void F1_MatchesHandComputation()
    {
        // Predicted positive (> 0.5): items 0, 1, 3. Labels: 0 +, 1 −, 2 +, 3 +. TP = 2, FP = 1, FN = 1 → 4/6.
        Assert.That(ClassificationMetrics.F1([0.9, 0.6, 0.2, 0.7], [true, false, true, true]), Is.EqualTo(2.0 / 3).Within(1e-15));
    }

    [Test]
    public void F1_ThresholdIsStrict()
    {
        // 0.5 is not > 0.5: nothing predicted, one positive → 0.
        Assert.That(ClassificationMetrics.F1([0.5], [true]), Is.EqualTo(0.0));
        Assert.That(ClassificationMetrics.F1([0.5], [true], threshold: 0.4), Is.EqualTo(1.0));
    }

    [Test]
    public void F1_EmptyPredictionOfAnEmptyTruthIsPerfect()
    {
        Assert.That(ClassificationMetrics.F1([0.1, 0.2], [false, false]), Is.EqualTo(1.0));
        Assert.That(ClassificationMetrics.F1([0.9, 0.2], [false, false]), Is.EqualTo(0.0));
    }

    [Test]
    public void RejectsBadInputs()
    {
        var length = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Auroc([0.1, 0.2], [true]));
        Assert.That(length!.ParamName, Is.EqualTo("labels"));
        var nan = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Auprc([double.NaN, 0.2], [true, false]));
        Assert.That(nan!.ParamName, Is.EqualTo("scores"));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.F1([], []));
    }
}
