namespace Gim.MLNet.Scoring;

/// <summary>
/// Errors of per-variable means: the predicted mean vector against the observed one, optionally relative
/// to the control mean. Vectors are indexed by variable; all arithmetic is in double precision and every
/// input must be finite.
/// </summary>
public static class MeanMetrics
{
    /// <summary>Per-column means of a sample matrix (rows = samples, columns = variables).</summary>
    /// <param name="samples">At least one row and one column, finite entries.</param>
    /// <returns>A vector with one mean per column.</returns>
    public static double[] ColumnMeans(float[,] samples)
    {
        var x = RowMatrix.From(samples, nameof(samples));
        var mean = new double[x.Columns];
        for (int i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (int c = 0; c < mean.Length; c++) mean[c] += row[c];
        }
        for (int c = 0; c < mean.Length; c++) mean[c] /= x.Rows;
        return mean;
    }

    /// <summary>Root-mean-square error over variables: sqrt(mean_j (predicted_j − observed_j)²).</summary>
    /// <param name="predicted">Predicted per-variable means.</param>
    /// <param name="observed">Observed per-variable means, same length.</param>
    /// <returns>The RMSE, ≥ 0.</returns>
    public static double Rmse(double[] predicted, double[] observed)
    {
        CheckPair(predicted, observed);
        double sum = 0;
        for (int j = 0; j < predicted.Length; j++)
        {
            double e = predicted[j] - observed[j];
            sum += e * e;
        }
        return Math.Sqrt(sum / predicted.Length);
    }

    /// <summary>
    /// Coefficient of determination of the per-variable means (chemCPA's convention):
    /// R² = 1 − SS_res / SS_tot with SS_res = Σ_j (observed_j − predicted_j)² and
    /// SS_tot = Σ_j (observed_j − mean(observed))², the sums running over variables.
    /// </summary>
    /// <param name="predicted">Predicted per-variable means.</param>
    /// <param name="observed">Observed per-variable means, same length.</param>
    /// <param name="clipAtZero">Return max(0, R²), so a prediction worse than the observed grand mean scores 0.</param>
    /// <returns>
    /// R² ∈ (−∞, 1]. When SS_tot = 0 (all observed means equal, e.g. a single variable) R² is undefined; as
    /// scikit-learn does, 1 is returned if SS_res = 0 (a perfect prediction) and 0 otherwise.
    /// </returns>
    public static double RSquared(double[] predicted, double[] observed, bool clipAtZero = false)
    {
        CheckPair(predicted, observed);
        double mean = 0;
        for (int j = 0; j < observed.Length; j++) mean += observed[j];
        mean /= observed.Length;
        double ssRes = 0, ssTot = 0;
        for (int j = 0; j < observed.Length; j++)
        {
            double r = observed[j] - predicted[j];
            double t = observed[j] - mean;
            ssRes += r * r;
            ssTot += t * t;
        }
        return Finish(ssRes, ssTot, clipAtZero);
    }

    /// <summary>
    /// <see cref="RSquared(double[], double[], bool)"/> restricted to the variables in
    /// <paramref name="subset"/> (e.g. from <see cref="TopKMostShifted"/>); SS_tot uses the mean of the
    /// observed values over the subset only.
    /// </summary>
    /// <param name="predicted">Predicted per-variable means (all variables).</param>
    /// <param name="observed">Observed per-variable means (all variables), same length.</param>
    /// <param name="subset">Distinct variable indices, at least one, each in [0, length).</param>
    /// <param name="clipAtZero">Return max(0, R²).</param>
    /// <returns>R² over the subset, with the same SS_tot = 0 convention.</returns>
    public static double RSquared(double[] predicted, double[] observed, IReadOnlyList<int> subset, bool clipAtZero = false)
    {
        CheckPair(predicted, observed);
        ArgumentNullException.ThrowIfNull(subset);
        if (subset.Count == 0) throw new ArgumentException("The subset of variables is empty.", nameof(subset));
        var seen = new bool[observed.Length];
        double mean = 0;
        for (int s = 0; s < subset.Count; s++)
        {
            int j = subset[s];
            if ((uint)j >= (uint)observed.Length)
                throw new ArgumentException($"subset[{s}] = {j} is outside [0, {observed.Length}).", nameof(subset));
            if (seen[j]) throw new ArgumentException($"subset[{s}] = {j} is repeated; indices must be distinct.", nameof(subset));
            seen[j] = true;
            mean += observed[j];
        }
        mean /= subset.Count;
        double ssRes = 0, ssTot = 0;
        for (int s = 0; s < subset.Count; s++)
        {
            int j = subset[s];
            double r = observed[j] - predicted[j];
            double t = observed[j] - mean;
            ssRes += r * r;
            ssTot += t * t;
        }
        return Finish(ssRes, ssTot, clipAtZero);
    }

    /// <summary>Indices of the <paramref name="k"/> variables with the largest |observed − control| mean shift.</summary>
    /// <param name="observedMean">Observed per-variable means of the perturbed context.</param>
    /// <param name="controlMean">Per-variable means of the control, same length.</param>
    /// <param name="k">How many indices, 0 ≤ k ≤ length.</param>
    /// <returns>Indices ordered by decreasing |shift|; equal shifts are ordered by lower index first, so the
    /// result is deterministic.</returns>
    public static int[] TopKMostShifted(double[] observedMean, double[] controlMean, int k)
    {
        CheckPair(observedMean, controlMean, nameof(observedMean), nameof(controlMean));
        if (k < 0 || k > observedMean.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [0, {observedMean.Length}].");
        var shift = new double[observedMean.Length];
        var order = new int[observedMean.Length];
        for (int j = 0; j < shift.Length; j++)
        {
            shift[j] = Math.Abs(observedMean[j] - controlMean[j]);
            order[j] = j;
        }
        Array.Sort(order, (a, b) =>
        {
            int bySize = shift[b].CompareTo(shift[a]);
            return bySize != 0 ? bySize : a.CompareTo(b);
        });
        return order[..k];
    }

    /// <summary>
    /// <see cref="PearsonDelta(double[], double[], double[])"/> over the variables in <paramref name="subset"/> only (the
    /// top-k differentially expressed genes of CPA and chemCPA: <see cref="TopKMostShifted"/>).
    /// </summary>
    /// <param name="predictedMean">Predicted mean per variable.</param>
    /// <param name="observedMean">Observed mean per variable.</param>
    /// <param name="controlMean">Control mean per variable.</param>
    /// <param name="subset">The variables to correlate over (at least 2).</param>
    public static double PearsonDelta(double[] predictedMean, double[] observedMean, double[] controlMean, IReadOnlyList<int> subset)
    {
        CheckPair(predictedMean, observedMean, nameof(predictedMean), nameof(observedMean));
        CheckPair(predictedMean, controlMean, nameof(predictedMean), nameof(controlMean));
        ArgumentNullException.ThrowIfNull(subset);
        double[] Pick(double[] values) => subset.Select(j => values[j]).ToArray();
        return subset.Count < 2 ? double.NaN : PearsonDelta(Pick(predictedMean), Pick(observedMean), Pick(controlMean));
    }

    /// <summary>
    /// Pearson correlation of the predicted and observed mean shifts, (predicted − control) against
    /// (observed − control), over variables (GEARS' "Pearson delta").
    /// </summary>
    /// <param name="predictedMean">Predicted per-variable means.</param>
    /// <param name="observedMean">Observed per-variable means.</param>
    /// <param name="controlMean">Control per-variable means. All three have the same length.</param>
    /// <returns>
    /// The correlation in [−1, 1]; invariant to rescaling the predicted shift by any positive factor.
    /// <see cref="double.NaN"/> when either shift vector has zero variance across variables (including a
    /// single variable), because the correlation is then undefined; callers aggregating over contexts
    /// should skip or report NaN, not treat it as 0.
    /// </returns>
    public static double PearsonDelta(double[] predictedMean, double[] observedMean, double[] controlMean)
    {
        CheckPair(predictedMean, observedMean, nameof(predictedMean), nameof(observedMean));
        CheckPair(predictedMean, controlMean, nameof(predictedMean), nameof(controlMean));
        int d = predictedMean.Length;
        double meanP = 0, meanO = 0;
        for (int j = 0; j < d; j++)
        {
            meanP += predictedMean[j] - controlMean[j];
            meanO += observedMean[j] - controlMean[j];
        }
        meanP /= d;
        meanO /= d;
        double sPP = 0, sOO = 0, sPO = 0;
        for (int j = 0; j < d; j++)
        {
            double a = predictedMean[j] - controlMean[j] - meanP;
            double b = observedMean[j] - controlMean[j] - meanO;
            sPP += a * a;
            sOO += b * b;
            sPO += a * b;
        }
        if (sPP == 0 || sOO == 0) return double.NaN;
        // Rounding can nudge |r| a hair past 1.
        return Math.Clamp(sPO / Math.Sqrt(sPP * sOO), -1.0, 1.0);
    }

    private static double Finish(double ssRes, double ssTot, bool clipAtZero)
    {
        double r2 = ssTot > 0 ? 1 - ssRes / ssTot : (ssRes == 0 ? 1.0 : 0.0);
        return clipAtZero ? Math.Max(0.0, r2) : r2;
    }

    private static void CheckPair(double[] a, double[] b, string aName = "predicted", string bName = "observed")
    {
        VectorChecks.NonEmptyFinite(a, aName);
        VectorChecks.NonEmptyFinite(b, bName);
        VectorChecks.SameLength(a.Length, aName, b.Length, bName);
    }
}
