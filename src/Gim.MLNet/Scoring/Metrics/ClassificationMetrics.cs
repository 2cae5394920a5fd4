namespace Gim.MLNet.Scoring;

/// <summary>
/// Ranking and threshold metrics of scores against binary labels, used for target recovery (π against
/// the true targets) and, through <see cref="GraphMetrics"/>, edge recovery.
/// </summary>
/// <remarks>
/// Degenerate inputs follow AVICI's conventions (Lorch et al., 2022), where "predicts nothing" means every
/// score is 0 (scores are expected to be probabilities or magnitudes):
/// <list type="table">
/// <listheader><term>case</term><description>AUROC / AUPRC</description></listheader>
/// <item><term>every score 0, no positives</term><description>1 / 1 (nothing to find, nothing claimed)</description></item>
/// <item><term>every score 0, some positives</term><description>0.5 / 0</description></item>
/// <item><term>some score ≠ 0, no positives</term><description>0.5 / 0</description></item>
/// <item><term>some score ≠ 0, no negatives</term><description>0.5 / computed (which gives 1)</description></item>
/// </list>
/// Otherwise both are computed normally, including when all scores are equal but non-zero
/// (AUROC 0.5, AUPRC (1 + prevalence)/2 from the (recall 0, precision 1) anchor).
/// Inputs must be non-empty, of equal length and finite.
/// </remarks>
public static class ClassificationMetrics
{
    /// <summary>
    /// Area under the ROC curve as the Mann–Whitney statistic U / (n₊·n₋): the probability that a random
    /// positive outscores a random negative, ties counting ½. This equals the trapezoid area under the ROC
    /// curve with tied scores grouped into one step (average ranks).
    /// </summary>
    /// <param name="scores">Higher means more likely positive.</param>
    /// <param name="labels">True labels, same length.</param>
    /// <returns>AUROC in [0, 1]; degenerate cases as in the class remarks.</returns>
    public static double Auroc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var (s, positives, allZero) = Prepare(scores, labels);
        int negatives = s.Length - positives;
        if (allZero) return positives == 0 ? 1.0 : 0.5;
        if (positives == 0 || negatives == 0) return 0.5;

        var order = Order(s);
        var sorted = new double[s.Length];
        for (int k = 0; k < s.Length; k++) sorted[k] = s[order[k]];
        double positiveRankSum = 0;
        for (int start = 0; start < s.Length;)
        {
            int end = start;
            while (end + 1 < s.Length && sorted[end + 1] == sorted[start]) end++;
            // 1-based ranks start+1 … end+1 share their average.
            double midRank = 0.5 * (start + end) + 1;
            for (int k = start; k <= end; k++)
                if (labels[order[k]]) positiveRankSum += midRank;
            start = end + 1;
        }
        double u = positiveRankSum - 0.5 * positives * (positives + 1.0);
        return u / ((double)positives * negatives);
    }

    /// <summary>
    /// Area under the precision–recall curve by the trapezoid rule. Thresholds run over the distinct
    /// scores from high to low; at each, every item scoring at least that much is predicted positive, so
    /// tied scores enter together as one point (recall, precision). The curve starts at
    /// (recall 0, precision 1), as scikit-learn's <c>precision_recall_curve</c> does, and the area is
    /// Σ Δrecall · (precision + previous precision) / 2. This is AVICI's "auprc" (not average precision).
    /// </summary>
    /// <param name="scores">Higher means more likely positive.</param>
    /// <param name="labels">True labels, same length.</param>
    /// <returns>AUPRC in [0, 1]; degenerate cases as in the class remarks.</returns>
    public static double Auprc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var (s, positives, allZero) = Prepare(scores, labels);
        if (allZero) return positives == 0 ? 1.0 : 0.0;
        if (positives == 0) return 0.0;

        var order = Order(s);
        double area = 0, previousRecall = 0, previousPrecision = 1;
        long tp = 0, fp = 0;
        for (int end = s.Length - 1; end >= 0;)
        {
            int start = end;
            while (start > 0 && s[order[start - 1]] == s[order[end]]) start--;
            for (int k = start; k <= end; k++)
            {
                if (labels[order[k]]) tp++;
                else fp++;
            }
            double recall = (double)tp / positives;
            double precision = (double)tp / (tp + fp);
            area += (recall - previousRecall) * 0.5 * (precision + previousPrecision);
            previousRecall = recall;
            previousPrecision = precision;
            end = start - 1;
        }
        return area;
    }

    /// <summary>
    /// F1 score 2·TP / (2·TP + FP + FN) of the hard prediction score &gt; <paramref name="threshold"/>.
    /// </summary>
    /// <param name="scores">Scores or probabilities.</param>
    /// <param name="labels">True labels, same length.</param>
    /// <param name="threshold">Strict threshold: a score equal to it is predicted negative.</param>
    /// <returns>
    /// F1 in [0, 1]. Following AVICI, when nothing is predicted positive and nothing is positive, F1 = 1
    /// (perfect agreement on an empty set); when exactly one of the two is empty, F1 = 0.
    /// </returns>
    public static double F1(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double threshold = 0.5)
    {
        if (!double.IsFinite(threshold))
            throw new ArgumentException($"The threshold is {threshold}; it must be finite.", nameof(threshold));
        var (s, _, _) = Prepare(scores, labels);
        long tp = 0, fp = 0, fn = 0;
        for (int k = 0; k < s.Length; k++)
        {
            bool predicted = s[k] > threshold;
            if (predicted && labels[k]) tp++;
            else if (predicted) fp++;
            else if (labels[k]) fn++;
        }
        if (tp + fp + fn == 0) return 1.0;
        return 2.0 * tp / (2.0 * tp + fp + fn);
    }

    private static (double[] Scores, int Positives, bool AllZero) Prepare(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        VectorChecks.NonEmptyFinite(scores, nameof(scores));
        ArgumentNullException.ThrowIfNull(labels);
        VectorChecks.SameLength(scores.Count, nameof(scores), labels.Count, nameof(labels));
        var s = new double[scores.Count];
        int positives = 0;
        bool allZero = true;
        for (int k = 0; k < s.Length; k++)
        {
            s[k] = scores[k];
            if (s[k] != 0) allZero = false;
            if (labels[k]) positives++;
        }
        return (s, positives, allZero);
    }

    /// <summary>Indices sorted by ascending score (order within ties is irrelevant: ties are grouped).</summary>
    private static int[] Order(double[] scores)
    {
        var keys = (double[])scores.Clone();
        var order = new int[scores.Length];
        for (int k = 0; k < order.Length; k++) order[k] = k;
        Array.Sort(keys, order);
        return order;
    }
}
