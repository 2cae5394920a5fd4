namespace Gim.MLNet.Data;

/// <summary>
/// One experimental condition: a perturbation (drug at a dose, reagent combination) described by
/// its features, with the cells measured under it. Controls are unperturbed contexts.
/// </summary>
public sealed class PerturbationContext
{
    /// <summary>Creates a context. Arrays are kept, not copied.</summary>
    /// <param name="name">A name unique within its data set, used in error messages and reports.</param>
    /// <param name="features">The perturbation's feature vector γ (length p; zeros for a control is typical).</param>
    /// <param name="samples">Measured cells, one row per cell, one column per variable (n × d).</param>
    /// <param name="isControl">True for an observational (unperturbed) context.</param>
    /// <param name="group">
    /// The perturbation the context belongs to, e.g. the drug of a drug-at-dose context; null (the default): the
    /// context is its own group. Splits by perturbation keep a group on one side.
    /// </param>
    public PerturbationContext(string name, float[] features, float[,] samples, bool isControl = false, string? group = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Group = group ?? name;
        Features = features ?? throw new ArgumentNullException(nameof(features));
        _samples = samples ?? throw new ArgumentNullException(nameof(samples));
        IsControl = isControl;
    }

    /// <summary>
    /// Creates a context known by its statistics instead of its cells (<see cref="PerturbationStatistics"/>): what the
    /// linear GIM fits from under shift interventions and with known Knockdown targets (whose covariance rows
    /// <see cref="ContextMoments.CovarianceRows"/> holds). Methods that need the cells refuse such a context, saying so.
    /// </summary>
    /// <param name="name">A name unique within its data set.</param>
    /// <param name="features">The perturbation's feature vector γ.</param>
    /// <param name="moments">The cells' count, means and variances.</param>
    /// <param name="covariance">The within-context covariance pooled over this context and the others of its statistics.</param>
    /// <param name="isControl">True for an observational (control) context.</param>
    /// <param name="group">The perturbation the context belongs to; null: its own name.</param>
    public PerturbationContext(string name, float[] features, ContextMoments moments, WithinContextCovariance covariance, bool isControl = false,
        string? group = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Group = group ?? name;
        Features = features ?? throw new ArgumentNullException(nameof(features));
        _moments = moments ?? throw new ArgumentNullException(nameof(moments));
        PooledCovariance = covariance ?? throw new ArgumentNullException(nameof(covariance));
        IsControl = isControl;
    }

    private readonly float[,]? _samples;
    private readonly ContextMoments? _moments;

    /// <summary>The context's name.</summary>
    public string Name { get; }

    /// <summary>The perturbation's feature vector γ.</summary>
    public float[] Features { get; }

    /// <summary>The measured cells (n × d); a context made from statistics has none and says so.</summary>
    public float[,] Samples => _samples ?? throw new InvalidOperationException(
        $"Context '{Name}' holds statistics (cell count, means, variances and a pooled covariance), not cells, and this operation needs the " +
        "cells. Fit from statistics with the linear GIM and shift interventions (GimOptions defaults), or read the cells instead.");

    /// <summary>True when the context holds its cells; false when it was made from statistics.</summary>
    public bool HasCells => _samples is not null;

    /// <summary>
    /// The cells' count, means and variances: computed from the cells at each call when the context holds them (they are the
    /// caller's array, which may change), else the statistics it was made from.
    /// </summary>
    public ContextMoments Moments => _moments ?? ContextMoments.Of(_samples!);

    /// <summary>For a context made from statistics, the within-context covariance pooled over its statistics' contexts; else null.</summary>
    public WithinContextCovariance? PooledCovariance { get; }

    /// <summary>Number of measured variables.</summary>
    public int VariableCount => _samples?.GetLength(1) ?? _moments!.VariableCount;

    /// <summary>True for an observational (control) context.</summary>
    public bool IsControl { get; }

    /// <summary>
    /// The perturbation this context belongs to (the drug across all its doses, the guide across its cell lines...);
    /// its own <see cref="Name"/> unless one was given. A split by perturbation never puts one group on both sides.
    /// </summary>
    public string Group { get; }

    /// <summary>Number of cells.</summary>
    public int SampleCount => _samples?.GetLength(0) ?? (int)Math.Min(_moments!.Count, int.MaxValue);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({SampleCount} cells{(IsControl ? ", control" : "")})";
}
