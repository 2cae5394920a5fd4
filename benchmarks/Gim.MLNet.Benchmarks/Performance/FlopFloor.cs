namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>Arithmetic a full-batch moment-based GIM step cannot avoid (multiply-adds count 2).</summary>
internal static class FlopFloor
{
    public static double PerStep(int contexts, int d, int p)
    {
        double k = contexts;
        double forward =
            2.0 * k * p * 2 * d         // encoder heads (logits, shifts)
            + 2.0 * k * d * d * d       // A·C_k for every context
            + 2.0 * k * d * d           // (A·C_k)⊙A summed, and m_k·Aᵀ
            + 2.0 / 3 * d * d * d       // slogdet (LU)
            + 20.0 * k * d;             // elementwise: relaxation, residuals, scales
        return 3 * forward;             // backward ≈ twice the forward
    }
}
