namespace Gim.MLNet.Causal;

/// <summary>
/// What a perturbation does to the mechanisms it declares as its targets (<see cref="GimOptions.KnownTargets"/>; docs/method.md,
/// "Known targets"). A feature whose name is a variable's name is that variable's target indicator: a context whose value
/// is 1 there targets the variable. The strength comes from the features through the encoder's strength head plus one
/// strength shared by every target, so a variable never perturbed in training gets the typical strength, and the learned
/// causal model carries its effect downstream.
/// </summary>
public enum KnownTargetKind
{
    /// <summary>No known targets (the default): GIM learns every target from the features.</summary>
    None,

    /// <summary>A shift of the target's intercept, x_j = Bⱼᵀx + b_j + ψ + s_j ε_j (standardised units).</summary>
    Shift,

    /// <summary>
    /// A knockdown: the target's whole mechanism scaled by its remaining fraction h ∈ (0, 1] around the zero of the original
    /// units, x_j = h·(Bⱼᵀx + b_j + s_j ε_j) in original units — inputs, intercept and noise alike (CRISPRi, RNAi).
    /// </summary>
    Knockdown,

    /// <summary>
    /// A hard intervention: the target's inputs are cut and it is held at a fraction h of its control level with noise
    /// scaled by h, x_j = h·(x̄_j + s_j ε_j) in original units (do(x_j) up to noise; a knockout as h → 0).
    /// </summary>
    Hard,
}
