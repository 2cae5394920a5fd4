namespace Gim.MLNet.Data;

/// <summary>
/// The within-context covariance of a set of contexts, pooled (in the data's own units): with C_k = (1/n_k) Σ_i (x_i − m_k)(x_i − m_k)ᵀ,
/// <see cref="EqualWeighted"/> = Σ_k C_k / K and <see cref="CellWeighted"/> = Σ_k n_k C_k / N. Under shift interventions the
/// linear GIM's likelihood reads the cells' scatter only through this pool (docs/method.md), so a fit from statistics needs
/// d² numbers for the scatter, not K·d².
/// </summary>
public sealed class WithinContextCovariance
{
    /// <summary>Creates a pool; the arrays (row-major d × d, symmetric) are kept, not copied.</summary>
    /// <param name="variableCount">d.</param>
    /// <param name="equalWeighted">Σ_k C_k / K, row-major.</param>
    /// <param name="cellWeighted">Σ_k n_k C_k / N, row-major.</param>
    /// <param name="contextNames">The contexts pooled, so that a fit can say when it trains on other ones.</param>
    public WithinContextCovariance(int variableCount, double[] equalWeighted, double[] cellWeighted, IReadOnlyList<string> contextNames)
    {
        ArgumentNullException.ThrowIfNull(equalWeighted);
        ArgumentNullException.ThrowIfNull(cellWeighted);
        ArgumentNullException.ThrowIfNull(contextNames);
        long expected = (long)variableCount * variableCount;
        foreach (var (what, m) in new[] { ("equalWeighted", equalWeighted), ("cellWeighted", cellWeighted) })
        {
            if (m.LongLength != expected)
                throw new ArgumentException($"The pooled covariance '{what}' has {m.LongLength} values; expected {variableCount} × {variableCount} = {expected}.", what);
            for (long i = 0; i < m.LongLength; i++)
                if (!double.IsFinite(m[i]))
                    throw new ArgumentException($"The pooled covariance '{what}' has {m[i]} at row {i / variableCount}, column {i % variableCount}; expected finite numbers.", what);
        }
        VariableCount = variableCount;
        EqualWeighted = equalWeighted;
        CellWeighted = cellWeighted;
        ContextNames = contextNames;
    }

    /// <summary>d.</summary>
    public int VariableCount { get; }

    /// <summary>Σ_k C_k / K (the pool of equal context weights, the default), row-major d × d.</summary>
    public double[] EqualWeighted { get; }

    /// <summary>Σ_k n_k C_k / N (the pool of weights by cell count), row-major d × d.</summary>
    public double[] CellWeighted { get; }

    /// <summary>The names of the contexts pooled.</summary>
    public IReadOnlyList<string> ContextNames { get; }
}
