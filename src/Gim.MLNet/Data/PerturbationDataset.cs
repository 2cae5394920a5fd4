namespace Gim.MLNet.Data;

/// <summary>
/// A set of contexts over the same measured variables and the same perturbation features.
/// </summary>
public sealed class PerturbationDataset
{
    /// <summary>Creates a data set; call <see cref="Validate"/> (training does) to check it.</summary>
    public PerturbationDataset(IReadOnlyList<PerturbationContext> contexts, IReadOnlyList<string>? variableNames = null,
        IReadOnlyList<string>? featureNames = null)
    {
        Contexts = contexts ?? throw new ArgumentNullException(nameof(contexts));
        int d = contexts.Count > 0 ? contexts[0].VariableCount : variableNames?.Count ?? 0;
        int p = contexts.Count > 0 ? contexts[0].Features.Length : featureNames?.Count ?? 0;
        VariableNames = variableNames ?? Enumerable.Range(0, d).Select(j => $"x{j}").ToArray();
        FeatureNames = featureNames ?? Enumerable.Range(0, p).Select(j => $"f{j}").ToArray();
    }

    /// <summary>The contexts.</summary>
    public IReadOnlyList<PerturbationContext> Contexts { get; }

    /// <summary>Names of the measured variables (columns of every context's samples).</summary>
    public IReadOnlyList<string> VariableNames { get; }

    /// <summary>Names of the features.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Number of measured variables d.</summary>
    public int VariableCount => VariableNames.Count;

    /// <summary>Number of features p.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Total number of cells.</summary>
    public int SampleCount => Contexts.Sum(c => c.SampleCount);

    /// <summary>
    /// True when every context holds its cells; false when the data set was made from statistics
    /// (<see cref="PerturbationStatistics.ToDataset"/>), which only the linear GIM with shift interventions fits from.
    /// </summary>
    public bool HasCells => Contexts.All(c => c.HasCells);

    /// <summary>The within-context covariance the contexts' statistics share, or null when they hold cells.</summary>
    public WithinContextCovariance? PooledCovariance => Contexts.Count == 0 ? null : Contexts[0].PooledCovariance;

    /// <summary>The control contexts.</summary>
    public IEnumerable<PerturbationContext> Controls => Contexts.Where(c => c.IsControl);

    /// <summary>The perturbed (non-control) contexts.</summary>
    public IEnumerable<PerturbationContext> Perturbed => Contexts.Where(c => !c.IsControl);

    /// <summary>
    /// Checks shapes and values and throws <see cref="ArgumentException"/> naming the context, row
    /// and column at fault.
    /// </summary>
    /// <param name="requireControl">Training needs at least one control context; test sets do not.</param>
    /// <param name="minSamplesPerContext">Training needs at least 2 cells per context.</param>
    public void Validate(bool requireControl = true, int minSamplesPerContext = 2)
    {
        if (Contexts.Count == 0)
            throw new ArgumentException("The data set has no contexts; expected at least one control context and one perturbed context.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in VariableNames)
            if (!seen.Add(name))
                throw new ArgumentException($"Variable name '{name}' appears more than once; variable names must be unique.");
        seen.Clear();
        foreach (string name in FeatureNames)
            if (!seen.Add(name))
                throw new ArgumentException($"Feature name '{name}' appears more than once; feature names must be unique.");
        seen.Clear();
        int d = VariableCount, p = FeatureCount;
        if (d == 0)
            throw new ArgumentException("The data set has no measured variables (d = 0).");
        WithinContextCovariance? pool = Contexts[0].PooledCovariance;
        foreach (PerturbationContext context in Contexts)
        {
            if (!seen.Add(context.Name))
                throw new ArgumentException($"Context name '{context.Name}' appears more than once; context names must be unique.");
            if (context.VariableCount != d)
                throw new ArgumentException($"Context '{context.Name}' has {context.VariableCount} measured variables; expected {d} ({string.Join(", ", VariableNames.Take(5))}{(d > 5 ? ", ..." : "")}).");
            if (context.HasCells != Contexts[0].HasCells)
                throw new ArgumentException($"Context '{context.Name}' {(context.HasCells ? "holds cells" : "holds statistics")} and context '{Contexts[0].Name}' " +
                    $"{(Contexts[0].HasCells ? "cells" : "statistics")}; a data set holds one or the other. Compute statistics for all contexts " +
                    "(PerturbationStatistics.Compute) or read all cells.");
            if (!ReferenceEquals(context.PooledCovariance, pool))
                throw new ArgumentException($"Contexts '{Contexts[0].Name}' and '{context.Name}' come from different statistics (each with its own pooled " +
                    "covariance); one fit reads one pool. Compute the statistics of all contexts together.");
            if (context.Features.Length != p)
                throw new ArgumentException($"Context '{context.Name}' has {context.Features.Length} features; expected {p}.");
            if (context.SampleCount < minSamplesPerContext)
                throw new ArgumentException($"Context '{context.Name}' has {context.SampleCount} cell(s); at least {minSamplesPerContext} are needed per context.");
            for (int j = 0; j < p; j++)
                if (!float.IsFinite(context.Features[j]))
                    throw new ArgumentException($"Context '{context.Name}': feature '{FeatureNames[j]}' is {context.Features[j]}; features must be finite.");
            if (!context.HasCells)
            {
                ContextMoments m = context.Moments;
                for (int j = 0; j < d; j++)
                    if (!double.IsFinite(m.Mean[j]) || !(m.Variance[j] >= 0) || double.IsPositiveInfinity(m.Variance[j]))
                        throw new ArgumentException($"Context '{context.Name}': variable '{VariableNames[j]}' has mean {m.Mean[j]} and variance {m.Variance[j]}; " +
                            "expected a finite mean and a finite variance ≥ 0.");
                foreach (var (target, row) in m.CovarianceRows)
                {
                    ContextMoments.CheckRowShape(context.Name, target, row, VariableNames);
                    int bad = Array.FindIndex(row, v => !double.IsFinite(v));
                    if (bad >= 0)
                        throw new ArgumentException($"Context '{context.Name}': the covariance row of '{VariableNames[target]}' is {row[bad]} at variable '{VariableNames[bad]}'; expected finite numbers.");
                }
                continue;
            }
            float[,] samples = context.Samples;
            for (int i = 0; i < context.SampleCount; i++)
                for (int j = 0; j < d; j++)
                    if (!float.IsFinite(samples[i, j]))
                        throw new ArgumentException($"Context '{context.Name}', cell {i}: variable '{VariableNames[j]}' is {samples[i, j]}; measurements must be finite.");
        }
        if (pool is not null && pool.VariableCount != d)
            throw new ArgumentException($"The statistics' pooled covariance is {pool.VariableCount} × {pool.VariableCount}; the data set has {d} variables.");
        if (requireControl && !Contexts.Any(c => c.IsControl))
            throw new ArgumentException("No control context: mark at least one context as control (observational, unperturbed); GIM standardises by the controls and uses them to learn the unperturbed system.");
    }
}
