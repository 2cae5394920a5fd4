namespace Gim.MLNet.Data.Synthetic;

/// <summary>The true intervention behind one generated context.</summary>
/// <param name="Name">The context's name, the same as the matching <see cref="Data.PerturbationContext.Name"/>.</param>
/// <param name="Drug">The drug's index into <see cref="HillScreen.Drugs"/>, or −1 for the control.</param>
/// <param name="Dose">The dose c (0 for the control).</param>
/// <param name="Targets">True for each variable whose mechanism the drug shifts (all false for the control).</param>
/// <param name="Shift">The actual shift of each mechanism at this dose, a_hj·cⁿ/(Kⁿ + cⁿ); zero off target.</param>
public sealed record ContextTruth(string Name, int Drug, double Dose, bool[] Targets, double[] Shift)
{
    /// <summary>True for the control context.</summary>
    public bool IsControl => Drug < 0;

    /// <inheritdoc />
    public override string ToString() => Name;
}
