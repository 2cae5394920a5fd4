namespace Gim.MLNet.Scoring;

/// <summary>
/// A method against a baseline on one metric of one split, paired over seeds (each seed one data set both were fitted
/// and scored on): the mean difference method − baseline with a 95% t interval over the paired differences, and how
/// many seeds the method won, tied and lost (by the metric's direction).
/// </summary>
/// <param name="Method">The method.</param>
/// <param name="Baseline">The method it is compared with.</param>
/// <param name="Split">The split.</param>
/// <param name="Metric">The metric's label.</param>
/// <param name="Seeds">Seeds with a value for both.</param>
/// <param name="MeanDifference">Mean over seeds of method − baseline.</param>
/// <param name="Lower">Lower end of the 95% interval of the mean difference (t with seeds − 1 degrees of freedom); NaN for one seed.</param>
/// <param name="Upper">Upper end of that interval.</param>
/// <param name="Wins">Seeds where the method is better.</param>
/// <param name="Ties">Seeds where the two are equal (to 1e-9 relative).</param>
/// <param name="Losses">Seeds where the method is worse.</param>
public sealed record PairedComparison(string Method, string Baseline, string Split, string Metric, int Seeds,
    double MeanDifference, double Lower, double Upper, int Wins, int Ties, int Losses)
{
    /// <summary>True when the 95% interval lies entirely on the better side of zero (never when every seed is a tie:
    /// a constant rounding-size difference has a zero-width interval but is no difference).</summary>
    public bool SignificantlyBetter(bool lowerIsBetter) => Seeds > 1 && Ties < Seeds && (lowerIsBetter ? Upper < 0 : Lower > 0);

    /// <summary>True when the 95% interval lies entirely on the worse side of zero (never when every seed is a tie).</summary>
    public bool SignificantlyWorse(bool lowerIsBetter) => Seeds > 1 && Ties < Seeds && (lowerIsBetter ? Lower > 0 : Upper < 0);

    /// <summary>Pairs two methods' per-seed values of one metric.</summary>
    /// <param name="method">The method.</param>
    /// <param name="baseline">The baseline.</param>
    /// <param name="split">The split.</param>
    /// <param name="metric">The metric's label (its direction is that of the metric it labels).</param>
    /// <param name="methodValues">The method's value per seed.</param>
    /// <param name="baselineValues">The baseline's value per seed.</param>
    public static PairedComparison Of(string method, string baseline, string split, string metric,
        IReadOnlyDictionary<int, double> methodValues, IReadOnlyDictionary<int, double> baselineValues)
    {
        bool lower = PerturbationMetrics.IsLowerBetter(PerturbationMetrics.Unlabel(metric));
        // A calibration metric (coverage90) is compared by its distance from the nominal value: the closer one wins.
        double? nominal = PerturbationMetrics.Nominal(PerturbationMetrics.Unlabel(metric));
        double Value(double v) => nominal is double n ? Math.Abs(v - n) : v;
        var pairs = methodValues.Keys.Intersect(baselineValues.Keys).OrderBy(s => s)
            .Select(s => (A: Value(methodValues[s]), B: Value(baselineValues[s]))).Where(p => !double.IsNaN(p.A) && !double.IsNaN(p.B)).ToList();
        int n = pairs.Count;
        if (n == 0) return new PairedComparison(method, baseline, split, metric, 0, double.NaN, double.NaN, double.NaN, 0, 0, 0);
        double[] differences = pairs.Select(p => p.A - p.B).ToArray();
        double mean = differences.Average();
        double half = double.NaN;
        if (n > 1)
        {
            double sd = Math.Sqrt(differences.Sum(x => (x - mean) * (x - mean)) / (n - 1));
            half = StudentT.Quantile975(n - 1) * sd / Math.Sqrt(n);
        }
        int wins = 0, ties = 0, losses = 0;
        foreach (var (a, b) in pairs)
        {
            if (Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)))) ties++;
            else if (lower ? a < b : a > b) wins++;
            else losses++;
        }
        return new PairedComparison(method, baseline, split, metric, n, mean, mean - half, mean + half, wins, ties, losses);
    }
}

/// <summary>The 0.975 quantile of Student's t, for 95% two-sided intervals.</summary>
internal static class StudentT
{
    // t_{0.975, ν} for ν = 1..30 (standard tables).
    private static readonly double[] Table =
    {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    };

    /// <summary>t_{0.975} with <paramref name="degreesOfFreedom"/> degrees of freedom (the table up to 30, Cornish–Fisher beyond).</summary>
    public static double Quantile975(int degreesOfFreedom)
    {
        if (degreesOfFreedom < 1) throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "At least one degree of freedom.");
        if (degreesOfFreedom <= Table.Length) return Table[degreesOfFreedom - 1];
        const double z = 1.959964;
        double v = degreesOfFreedom;
        return z + (z * z * z + z) / (4 * v) + (5 * Math.Pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * v * v);
    }
}
