namespace Gim.MLNet.Data.Synthetic;

/// <summary>The true intervention behind one generated context.</summary>
public sealed class ContextTruth
{
    internal ContextTruth(string name, int drug, double dose, bool[] targets, double[] shift)
    {
        Name = name;
        Drug = drug;
        Dose = dose;
        Targets = targets;
        Shift = shift;
    }

    /// <summary>The context's name, the same as the matching <see cref="Data.PerturbationContext.Name"/>.</summary>
    public string Name { get; }

    /// <summary>The drug's index into <see cref="HillScreen.Drugs"/>, or −1 for the control.</summary>
    public int Drug { get; }

    /// <summary>The dose c (0 for the control).</summary>
    public double Dose { get; }

    /// <summary>True for each variable whose mechanism the drug shifts (all false for the control).</summary>
    public bool[] Targets { get; }

    /// <summary>The actual shift of each mechanism at this dose, a_hj·cⁿ/(Kⁿ + cⁿ); zero off target.</summary>
    public double[] Shift { get; }

    /// <summary>True for the control context.</summary>
    public bool IsControl => Drug < 0;

    /// <inheritdoc />
    public override string ToString() => Name;
}
