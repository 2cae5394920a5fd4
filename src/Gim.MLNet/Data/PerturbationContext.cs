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
    public PerturbationContext(string name, float[] features, float[,] samples, bool isControl = false)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
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

    /// <summary>Number of cells.</summary>
    public int SampleCount => Samples.GetLength(0);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({SampleCount} cells{(IsControl ? ", control" : "")})";
}
