namespace Gim.MLNet.Data.Synthetic;

/// <summary>The Hill dose–response curve that turns a drug's maximal shift into the shift at a dose.</summary>
public static class HillCurve
{
    /// <summary>
    /// effect(c) = a·cⁿ/(Kⁿ + cⁿ): 0 at c = 0, a/2 at c = K, tending to a as c grows.
    /// Evaluated as a/(1 + (K/c)ⁿ), which is exact at c = K and cannot overflow for large doses.
    /// </summary>
    /// <param name="maxShift">The maximal shift a (signed).</param>
    /// <param name="halfEffectDose">K &gt; 0, the dose of half the maximal effect.</param>
    /// <param name="exponent">n &gt; 0, the Hill coefficient (steepness).</param>
    /// <param name="dose">c ≥ 0.</param>
    public static double Effect(double maxShift, double halfEffectDose, double exponent, double dose)
    {
        if (dose <= 0) return 0;
        return maxShift / (1 + Math.Pow(halfEffectDose / dose, exponent));
    }
}
