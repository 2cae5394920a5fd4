using Gim.MLNet.Runtime;

namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// Negative-binomial counts as a gamma–Poisson mixture: λ' ~ Gamma(θ, μ/θ), k ~ Poisson(λ'), so E k = μ and
/// Var k = μ + μ²/θ (θ = ∞: Poisson). Poisson draws use Knuth's multiplication below μ = 10 and Hörmann's transformed
/// rejection with squeeze (PTRS, 1993) above.
/// </summary>
internal static class CountSampler
{
    private static readonly double[] LogFactorials = Enumerable.Range(0, 256).Select(k => Enumerable.Range(1, k).Sum(i => Math.Log(i))).ToArray();

    /// <summary>One negative-binomial count with mean <paramref name="mean"/> and dispersion <paramref name="dispersion"/>.</summary>
    public static long NegativeBinomial(SeededRandom rng, double mean, double dispersion)
    {
        if (mean <= 0) return 0;
        double rate = double.IsPositiveInfinity(dispersion) ? mean : rng.Gamma(dispersion) * mean / dispersion;
        return Poisson(rng, rate);
    }

    /// <summary>One Poisson(<paramref name="mean"/>) count.</summary>
    public static long Poisson(SeededRandom rng, double mean)
    {
        if (mean <= 0) return 0;
        if (mean < 10)
        {
            double limit = Math.Exp(-mean), product = rng.NextDouble();
            long k = 0;
            while (product > limit)
            {
                k++;
                product *= rng.NextDouble();
            }
            return k;
        }
        double logMean = Math.Log(mean), b = 0.931 + 2.53 * Math.Sqrt(mean), a = -0.059 + 0.02483 * b;
        double inverseAlpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = rng.NextDouble() - 0.5, v = rng.NextDouble(), us = 0.5 - Math.Abs(u);
            long k = (long)Math.Floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr) return k;
            if (k < 0 || us < 0.013 && v > us) continue;
            if (Math.Log(v) + Math.Log(inverseAlpha) - Math.Log(a / (us * us) + b) <= -mean + k * logMean - LogFactorial(k)) return k;
        }
    }

    /// <summary>log k!: a table below 256, Stirling's series above (error below 1e-12 there).</summary>
    public static double LogFactorial(long k)
    {
        if (k < LogFactorials.Length) return LogFactorials[k];
        double x = k;
        return x * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI * x) + 1 / (12 * x) - 1 / (360 * x * x * x);
    }
}
