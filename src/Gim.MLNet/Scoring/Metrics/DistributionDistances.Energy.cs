namespace Gim.MLNet.Scoring;

public static partial class DistributionDistances
{
    /// <summary>
    /// Energy distance with Euclidean (not squared) distances:
    /// 2·E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖, X, X' ~ P, Y, Y' ~ Q.
    /// </summary>
    /// <param name="p">Predicted samples, n × d.</param>
    /// <param name="q">Observed samples, m × d.</param>
    /// <returns>
    /// The V-statistic: every expectation is the plain mean over all ordered pairs, the i = j terms
    /// (which are 0) included, i.e. E‖X − X'‖ = Σ_{i,j}‖x_i − x_j‖ / n². It is ≥ 0, exactly 0 for identical
    /// sets, and in the units of the data (not squared). With squared distances it would collapse to
    /// 2‖mean(P) − mean(Q)‖², which is why the Euclidean form is reported.
    /// </returns>
    /// <remarks>O((n + m)²·d) time, O((n + m)·d) memory, streaming over row pairs.</remarks>
    public static double Energy(float[,] p, float[,] q)
    {
        var (x, y) = RowMatrix.Pair(p, q);
        return new TwoSampleSums(x.Rows, y.Rows, [], [], [],
            PairwiseSums.DistanceWithin(x), PairwiseSums.DistanceWithin(y), PairwiseSums.DistanceBetween(x, y)).Energy();
    }
}
