namespace Gim.MLNet.Causal;

/// <summary>
/// What a perturbation does to the mechanisms it declares as its targets (<see cref="GimOptions.KnownTargets"/>; docs/method.md,
/// "Known targets"). A feature whose name is a variable's name is that variable's target indicator: a context whose value
/// is 1 there targets the variable. A target's strength r comes from the features through the known-target head when a
/// training context declares it; a variable never declared in training gets r̄, the average strength of the training
/// targets, and the learned causal model carries its effect downstream.
/// </summary>
public enum KnownTargetKind
{
    /// <summary>No known targets (the default): GIM learns every target from the features.</summary>
    None,

    /// <summary>A shift of the target by r in its original units (the same change, e.g. log fold change, whatever the gene's spread): x_j = f_j(x) + r.</summary>
    Shift,

    /// <summary>
    /// A knockdown: the target's whole mechanism scaled by its remaining fraction h = sigmoid(r) ∈ (0, 1) around the zero of
    /// the original units, x_j = h·f_j(x) in original units — inputs, intercept and noise alike (CRISPRi, RNAi).
    /// </summary>
    Knockdown,

    /// <summary>
    /// A hard intervention: the target's inputs are cut and it is held at the fraction h = sigmoid(r) of its control mean x̄_j
    /// with its noise scaled by h, x_j = h·(x̄_j + σ_j s_j ε_j) in original units (σ_j its control standard deviation; a
    /// knockout as h → 0, held at h ≥ 10⁻³).
    /// </summary>
    Hard,
}
