namespace Gim.MLNet.Scoring;

/// <summary>
/// Two-sample distances between a predicted sample set P and an observed sample set Q (rows = samples,
/// columns = variables). All arithmetic is in double precision. The MMD and energy statistics stream over
/// pairs of rows and never hold an n×m matrix; the Sinkhorn divergence does (see
/// <see cref="Sinkhorn"/>).
/// </summary>
/// <remarks>
/// Every method copies its inputs once to double precision and rejects empty sets, zero columns,
/// mismatched column counts and non-finite entries with an <see cref="ArgumentException"/> naming the
/// offending argument. The work is single-threaded and deterministic.
/// </remarks>
public static partial class DistributionDistances
{
    /// <summary>
    /// The RBF bandwidths {2, 1, 0.5, 0.1, 0.01, 0.005} of the CellOT/CellFlow multi-scale MMD, for
    /// k(x, y) = exp(−γ‖x − y‖²).
    /// </summary>
    public static readonly IReadOnlyList<double> DefaultGammas = Array.AsReadOnly(new[] { 2.0, 1.0, 0.5, 0.1, 0.01, 0.005 });

    /// <summary>
    /// Squared maximum mean discrepancy with the RBF kernel k(x, y) = exp(−γ‖x − y‖²), averaged over
    /// <paramref name="gammas"/> (equivalently, the MMD² of the averaged kernel).
    /// </summary>
    /// <param name="p">Predicted samples, n × d.</param>
    /// <param name="q">Observed samples, m × d.</param>
    /// <param name="gammas">One or more positive, finite bandwidths γ.</param>
    /// <param name="unbiased">
    /// <c>false</c> (default): the biased V-statistic, mean k over all n² (resp. m²) pairs including i = j;
    /// it is ≥ 0 (tiny negative rounding is clamped to 0) and 0 for identical sets. <c>true</c>: the unbiased U-statistic, which drops the
    /// i = j terms and divides by n(n − 1), m(m − 1); it can be slightly negative and needs n, m ≥ 2.
    /// For the RBF kernel the two differ by exactly (1 − k̄_PP)/n + (1 − k̄_QQ)/m ≥ 0, where k̄ is the mean
    /// off-diagonal kernel value, so biased ≥ unbiased always.
    /// </param>
    /// <returns>MMD², in the same units as the kernel (dimensionless, at most 2).</returns>
    /// <remarks>O((n + m)²·d) time, O((n + m)·d) memory: each squared distance is computed once per pair
    /// and reused for every γ; kernel values are summed row by row.</remarks>
    public static double Mmd(float[,] p, float[,] q, IReadOnlyList<double> gammas, bool unbiased = false)
    {
        var g = ValidateGammas(gammas);
        var (x, y) = RowMatrix.Pair(p, q);
        return Mmd(x, y, g, unbiased);
    }

    /// <summary>
    /// <see cref="Mmd(float[,], float[,], IReadOnlyList{double}, bool)"/> with <see cref="DefaultGammas"/>,
    /// the benchmark's headline MMD.
    /// </summary>
    /// <param name="p">Predicted samples, n × d.</param>
    /// <param name="q">Observed samples, m × d.</param>
    /// <param name="unbiased">Use the unbiased U-statistic instead of the biased V-statistic.</param>
    /// <returns>MMD² averaged over the six default bandwidths.</returns>
    public static double MmdMultiScale(float[,] p, float[,] q, bool unbiased = false) =>
        Mmd(p, q, DefaultGammas, unbiased);

    /// <summary>
    /// MMD² with a single RBF bandwidth chosen by the median heuristic, see
    /// <see cref="MedianHeuristicGamma(float[,], float[,])"/>.
    /// </summary>
    /// <param name="p">Predicted samples, n × d.</param>
    /// <param name="q">Observed samples, m × d.</param>
    /// <param name="unbiased">Use the unbiased U-statistic instead of the biased V-statistic.</param>
    /// <returns>MMD²; 0 when every pooled row is identical.</returns>
    public static double MmdMedianHeuristic(float[,] p, float[,] q, bool unbiased = false)
    {
        var (x, y) = RowMatrix.Pair(p, q);
        return Mmd(x, y, [MedianHeuristicGamma(x, y)], unbiased);
    }

    /// <summary>
    /// <see cref="MmdMedianHeuristic"/> both ways from one bandwidth and one pass over the kernel sums: the biased
    /// V-statistic and the unbiased U-statistic (NaN when either set has fewer than 2 rows).
    /// </summary>
    internal static (double Biased, double Unbiased) MmdMedianHeuristicBoth(float[,] p, float[,] q)
    {
        var (x, y) = RowMatrix.Pair(p, q);
        TwoSampleSums sums = RbfSums(x, y, [MedianHeuristicGamma(x, y)]);
        return (sums.Mmd(unbiased: false), x.Rows < 2 || y.Rows < 2 ? double.NaN : sums.Mmd(unbiased: true));
    }

    /// <summary>
    /// The median-heuristic bandwidth: γ = 1 / median{‖z_i − z_j‖² : i &lt; j} over the pooled sample
    /// Z = P ∪ Q (N = n + m rows, N(N − 1)/2 distinct pairs, the mean of the two middle values when that
    /// count is even). Note the convention: γ = 1/median of <em>squared</em> distances, so
    /// k(x, y) = exp(−‖x − y‖² / median), not exp(−‖x − y‖² / (2·median)).
    /// </summary>
    /// <param name="p">Predicted samples, n × d.</param>
    /// <param name="q">Observed samples, m × d.</param>
    /// <returns>
    /// The bandwidth γ. When more than half the pairs coincide (median 0), the mean pairwise squared
    /// distance replaces the median; when every pooled row is identical, 1 is returned (any γ then
    /// gives MMD² = 0).
    /// </returns>
    /// <remarks>The median is exact and computed without storing all pairs (at most 2²⁰ values are held
    /// at once; larger inputs take a few extra passes over the pairs).</remarks>
    public static double MedianHeuristicGamma(float[,] p, float[,] q)
    {
        var (x, y) = RowMatrix.Pair(p, q);
        return MedianHeuristicGamma(x, y);
    }

    internal static double MedianHeuristicGamma(RowMatrix x, RowMatrix y, int collectLimit = PairwiseMedian.DefaultCollectLimit)
    {
        var z = RowMatrix.Concat(x, y);
        double median = PairwiseMedian.OfSquaredDistances(z, collectLimit);
        if (median > 0) return 1.0 / median;
        double mean = MeanPairwiseSquaredDistance(z);
        return mean > 0 ? 1.0 / mean : 1.0;
    }

    internal static double Mmd(RowMatrix x, RowMatrix y, double[] gammas, bool unbiased)
    {
        int n = x.Rows, m = y.Rows;
        if (unbiased && (n < 2 || m < 2))
            throw new ArgumentException(
                $"The unbiased MMD needs at least 2 samples in each set; got {n} in 'p' and {m} in 'q'.",
                n < 2 ? "p" : "q");
        return RbfSums(x, y, gammas).Mmd(unbiased);
    }

    /// <summary>The RBF kernel sums within and between two sets at <paramref name="gammas"/> (no distance sums).</summary>
    private static TwoSampleSums RbfSums(RowMatrix x, RowMatrix y, double[] gammas) =>
        new(x.Rows, y.Rows, PairwiseSums.RbfWithin(x, gammas), PairwiseSums.RbfWithin(y, gammas), PairwiseSums.RbfBetween(x, y, gammas), 0, 0, 0);

    /// <summary>
    /// The multi-scale MMD² (biased and, when both sets have two rows or more, unbiased) and the energy distance of one
    /// pair of sets in a single pass over the pairs: the same numbers as <see cref="Mmd(float[,], float[,], IReadOnlyList{double}, bool)"/>
    /// and <see cref="Energy"/>, for about half the work.
    /// </summary>
    internal static (double Mmd, double MmdUnbiased, double Energy) MmdAndEnergy(float[,] p, float[,] q, IReadOnlyList<double> gammas)
    {
        var g = ValidateGammas(gammas);
        var (x, y) = RowMatrix.Pair(p, q);
        TwoSampleSums sums = PairwiseSums.TwoSample(x, y, g);
        return (sums.Mmd(unbiased: false), x.Rows >= 2 && y.Rows >= 2 ? sums.Mmd(unbiased: true) : double.NaN, sums.Energy());
    }

    // Σ_{i<j}‖z_i − z_j‖² = N·Σ_i‖z_i − z̄‖², so the mean needs one O(N·d) pass, not a pairwise one.
    private static double MeanPairwiseSquaredDistance(RowMatrix z)
    {
        int rows = z.Rows, cols = z.Columns;
        var mean = new double[cols];
        for (int i = 0; i < rows; i++)
        {
            var r = z.Row(i);
            for (int c = 0; c < cols; c++) mean[c] += r[c];
        }
        for (int c = 0; c < cols; c++) mean[c] /= rows;
        double scatter = 0;
        for (int i = 0; i < rows; i++) scatter += SquaredDistance.Of(z.Row(i), mean);
        double pairs = (double)rows * (rows - 1) / 2;
        return rows * scatter / pairs;
    }

    private static double[] ValidateGammas(IReadOnlyList<double> gammas)
    {
        ArgumentNullException.ThrowIfNull(gammas);
        if (gammas.Count == 0) throw new ArgumentException("At least one bandwidth γ is required.", nameof(gammas));
        var result = new double[gammas.Count];
        for (int i = 0; i < result.Length; i++)
        {
            double g = gammas[i];
            if (!double.IsFinite(g) || g <= 0)
                throw new ArgumentException($"Bandwidth gammas[{i}] is {g}; every γ must be positive and finite.", nameof(gammas));
            result[i] = g;
        }
        return result;
    }
}
