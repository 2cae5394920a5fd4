using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gim.MLNet.Scoring;

/// <summary>Squared Euclidean distance between two rows, the innermost operation of every sample metric.</summary>
internal static class SquaredDistance
{
    /// <summary>
    /// Σ (a_k − b_k)², summed directly rather than as ‖a‖² + ‖b‖² − 2⟨a,b⟩: the expansion cancels
    /// catastrophically for nearby points, and the MMD kernels are most sensitive exactly there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Of(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length;
        int k = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
            var acc = Vector<double>.Zero;
            for (int v = 0; v < va.Length; v++)
            {
                var diff = va[v] - vb[v];
                acc += diff * diff;
            }
            sum = Vector.Sum(acc);
            k = va.Length * Vector<double>.Count;
        }
        for (; k < n; k++)
        {
            double diff = a[k] - b[k];
            sum += diff * diff;
        }
        return sum;
    }
}
