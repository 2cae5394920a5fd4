using Gim.MLNet.Scoring;

namespace Gim.MLNet.Data.Synthetic;

/// <summary>The kind of ground-truth graph the synthetic screen draws.</summary>
public enum GraphKind
{
    /// <summary>
    /// Erdős–Rényi DAG: a random node order, then each (earlier → later) pair gets an edge
    /// independently. The system has a unique solution and is sampled in topological order.
    /// </summary>
    Dag = 0,

    /// <summary>
    /// Erdős–Rényi digraph: each ordered pair (i → j, i ≠ j) gets an edge independently, so cycles
    /// and two-node feedback loops occur. Weights are rescaled so the equilibrium is stable
    /// (see <see cref="HillScreenOptions.MaxSpectralRadius"/>).
    /// </summary>
    Cyclic = 1,
}

/// <summary>The kind of structural mechanism each variable follows.</summary>
public enum MechanismKind
{
    /// <summary>x_j = Σ_i B_ij x_i + shift_j + ε_j, i.e. x = (I − Bᵀ)⁻¹(shift + ε).</summary>
    Linear = 0,

    /// <summary>
    /// x_j = Σ_i B_ij tanh(x_i) + shift_j + ε_j, solved as a fixed point (exact topological pass
    /// for acyclic graphs, contraction iteration otherwise).
    /// </summary>
    Nonlinear = 1,
}

/// <summary>The distribution of the exogenous noise ε_j; every kind is scaled to variance σ_j².</summary>
public enum NoiseKind
{
    /// <summary>ε_j ~ N(0, σ_j²).</summary>
    Gaussian = 0,

    /// <summary>Laplace with scale σ_j/√2 (variance σ_j²): heavier tails, a sharp peak.</summary>
    Laplace = 1,

    /// <summary>
    /// Student's t with <see cref="HillScreenOptions.StudentTDegreesOfFreedom"/> degrees of freedom,
    /// multiplied by σ_j·√((ν − 2)/ν) so the variance is σ_j².
    /// </summary>
    StudentT = 2,
}
