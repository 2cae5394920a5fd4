using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>log|det(I − J)| for a batch of Jacobians [n, d, d] whose spectral radius is at most κ &lt; 1.</summary>
internal static class LogDeterminantEstimators
{
    /// <summary>Batched LU (slogdet). det(I − J) &gt; 0 under the contraction, so log|det| = log det.</summary>
    public static Tensor Exact(Tensor jacobian)
    {
        long d = jacobian.shape[^1];
        Tensor identity = eye(d, dtype: jacobian.dtype, device: jacobian.device);
        return LogDeterminant.LogAbs(identity - jacobian);
    }

    /// <summary>
    /// log det(I − J) = −Σ_{k≥1} tr(J^k)/k, truncated after <paramref name="terms"/> terms, each trace by
    /// Hutchinson's estimator E[vᵀ J^k v] with Rademacher probes v (shared across k, as is usual, so one
    /// chain of matrix-vector products serves every term). Cost O(n·probes·terms·d²) instead of O(n d³);
    /// unbiased for the truncated sum, whose truncation error is at most d κ^(K+1) / ((K+1)(1 − κ)). The probes come from
    /// <paramref name="generator"/> (libtorch's global generator when null).
    /// </summary>
    public static Tensor PowerSeries(Tensor jacobian, int terms, int probes, Generator? generator = null)
    {
        long n = jacobian.shape[0], d = jacobian.shape[^1];
        Tensor v = randint(0, 2, new long[] { n, probes, d }, generator: generator, dtype: jacobian.dtype, device: jacobian.device) * 2 - 1;
        Tensor jt = jacobian.transpose(-1, -2);
        Tensor y = v;
        Tensor total = zeros(n, dtype: jacobian.dtype, device: jacobian.device);
        for (int k = 1; k <= terms; k++)
        {
            y = matmul(y, jt);                                    // rows of (J^k v)ᵀ
            total = total - (v * y).sum(-1).mean(new long[] { -1 }) / k;
        }
        return total;
    }
}
