using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>log|det A| of one matrix [d, d] or a batch [..., d, d], differentiable.</summary>
internal static class LogDeterminant
{
    /// <summary>
    /// From this size on, a batch is determined one matrix at a time. libtorch 2.10's CPU build (MKL) intermittently fails
    /// the backward pass of a batched <c>slogdet</c> of large matrices — MKL reports an invalid argument to SLASWP and
    /// libtorch throws "Pivots given to lu_solve must all be greater or equal to 1" — seen for 4 matrices of 500 × 500 and
    /// larger (the stacked calibration replicas at 1,500–2,000 genes), never for a single matrix. The LU's d³ work dwarfs
    /// the extra calls at these sizes; below it the batched call stays (it is on the small screens' critical path).
    /// </summary>
    public const int OneAtATimeFrom = 128;

    /// <summary>log|det A| for every matrix of <paramref name="a"/>: [d, d] → scalar, [..., d, d] → [...].</summary>
    public static Tensor LogAbs(Tensor a)
    {
        long d = a.shape[^1];
        if (a.dim() <= 2 || d < OneAtATimeFrom) return linalg.slogdet(a).Item2;
        long[] leading = a.shape[..^2];
        Tensor[] each = a.reshape(-1, d, d).unbind(0).Select(m => linalg.slogdet(m).Item2).ToArray();
        return stack(each).reshape(leading);
    }
}
