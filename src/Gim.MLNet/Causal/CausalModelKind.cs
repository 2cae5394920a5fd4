namespace Gim.MLNet.Causal;

/// <summary>The family of causal models a GIM learns (METHOD.md §2).</summary>
public enum CausalModelKind
{
    /// <summary>Linear-Gaussian SCM with a learned, possibly cyclic graph: exact likelihood, sampling and moments.</summary>
    Linear,
}
