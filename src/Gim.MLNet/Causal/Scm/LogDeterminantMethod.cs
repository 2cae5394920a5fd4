namespace Gim.MLNet.Causal;

/// <summary>How the nonlinear model computes log|det(I − J_f(x))| in its likelihood.</summary>
public enum LogDeterminantMethod
{
    /// <summary>Exact up to <see cref="NonlinearCausalOptions.ExactLogDeterminantMaxVariables"/> variables, the power series beyond.</summary>
    Auto,

    /// <summary>Batched LU (slogdet) of the analytic Jacobian, O(n d³): exact.</summary>
    Exact,

    /// <summary>
    /// −Σ_{k=1..K} tr(J^k)/k with Hutchinson probes: unbiased for the truncated series, whose bias is
    /// at most d·κ^(K+1)/((K+1)(1 − κ)) because the spectral radius of J is at most the contraction factor κ.
    /// </summary>
    PowerSeries,
}
