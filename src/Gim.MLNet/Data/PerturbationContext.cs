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
        Samples = samples ?? throw new ArgumentNullException(nameof(samples));
        IsControl = isControl;
    }

    /// <summary>The context's name.</summary>
    public string Name { get; }

    /// <summary>The perturbation's feature vector γ.</summary>
    public float[] Features { get; }

    /// <summary>The measured cells (n × d).</summary>
    public float[,] Samples { get; }

    /// <summary>True for an observational (control) context.</summary>
    public bool IsControl { get; }

    /// <summary>
    /// The perturbation this context belongs to (the drug across all its doses, the guide across its cell lines...);
    /// its own <see cref="Name"/> unless one was given. A split by perturbation never puts one group on both sides.
    /// </summary>
    public string Group { get; }

    /// <summary>Number of cells.</summary>
    public int SampleCount => Samples.GetLength(0);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({SampleCount} cells{(IsControl ? ", control" : "")})";
}
