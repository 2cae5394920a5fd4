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

    /// <summary>
    /// Scale-free DAG (hubs): a random node order, then each node in turn draws its number of parents
    /// exactly as in <see cref="Dag"/> (Binomial(t, 2·ExpectedParents/(d − 1)) for the node at position t,
    /// so the edge count has the same distribution, d·ExpectedParents on average), but picks them by
    /// preferential attachment: one after another without replacement, each earlier node with weight
    /// (its children so far + 1). Nodes that already have children gain more, so the out-degree is
    /// heavy-tailed: at d = 20 and 2 expected parents the largest out-degree of a graph is 9.2 on
    /// average against the Erdős–Rényi DAG's 5.8 (seeds 0–499, 40.0 edges on average for both).
    /// In-degrees by position in the order are distributed as the Dag's.
    /// </summary>
    ScaleFree = 2,
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

/// <summary>How a drug's descriptor (its features, before the dose) is made from what the drug does.</summary>
public enum DescriptorKind
{
    /// <summary>
    /// Dense real-valued embeddings (the benchmark's map): [Σ_{j∈T} e_j, Σ_{j∈T} a_hj e'_j / 4, K_h, n_h]
    /// with fixed random unit vectors e_j, e'_j ∈ R^<see cref="HillScreenOptions.EmbeddingDimension"/>,
    /// plus N(0, FeatureNoise²) on every entry. Feature names bind0.., effect0.., hill_K, hill_n, dose.
    /// </summary>
    Embedding = 0,

    /// <summary>
    /// Sparse binary fingerprints, like a chemical structure fingerprint: <see cref="HillScreenOptions.FingerprintBits"/>
    /// bits, each (variable, direction of shift) key owning <see cref="HillScreenOptions.FingerprintBitsPerTarget"/>
    /// random bit positions (drawn once per screen and independently per key, so keys collide on some bits).
    /// A drug sets each bit of each of its (target, sign of a_hj) keys with probability
    /// <see cref="HillScreenOptions.FingerprintBitProbability"/>, and every bit with probability
    /// <see cref="HillScreenOptions.FingerprintBackgroundDensity"/> (unrelated structure). Bits are exactly
    /// 0 or 1 (no feature noise); the size |a_hj| of a shift is not encoded. Two numeric columns follow,
    /// hill_K and hill_n with N(0, FeatureNoise²) noise, as potency and steepness are measured in any
    /// dose-response assay; then the dose. Feature names fp0.., hill_K, hill_n, dose.
    /// </summary>
    Fingerprint = 1,
}
