namespace Gim.MLNet.Causal;

/// <summary>The family of causal models a GIM learns (METHOD.md §2).</summary>
public enum CausalModelKind
{
    /// <summary>Linear-Gaussian SCM with a learned, possibly cyclic graph: exact likelihood, sampling and moments.</summary>
    Linear,

    /// <summary>
    /// Contractive masked-MLP mechanisms (one per variable) with a learned adjacency: exact likelihood by change
    /// of variables, fixed-point sampling, Monte Carlo mean. Settings in <c>GimOptions.Nonlinear</c>; docs/nonlinear.md.
    /// </summary>
    Nonlinear,
}
