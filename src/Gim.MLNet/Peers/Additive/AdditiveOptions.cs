using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Settings of the Additive peer, the field's baseline for combinations (a pair predicted as the control plus the two
/// single perturbations' effects: Norman et al. 2019; Ahlmann-Eltze, Huber and Anders, Nature Methods 2025, found no deep
/// model that beat it on pairs whose singles were measured).
/// </summary>
public sealed class AdditiveOptions : PerturbationOptions
{
    /// <summary>
    /// What a feature contributes when no training context had it as its only active feature (a gene never perturbed
    /// alone). <see cref="AdditiveUnseen.None"/> (default): nothing, the classic additive model, which assumes every
    /// single was measured. <see cref="AdditiveUnseen.SingleMean"/>: the mean per-unit effect of the features that were
    /// seen alone ("additive with the training mean" for pairs with one unseen single).
    /// </summary>
    public AdditiveUnseen Unseen { get; set; } = AdditiveUnseen.None;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(Enum.IsDefined(Unseen), nameof(Unseen), Unseen, $"one of {string.Join(", ", Enum.GetNames<AdditiveUnseen>())}");
    }
}

/// <summary>What the Additive peer gives a feature never seen alone in training (<see cref="AdditiveOptions.Unseen"/>).</summary>
public enum AdditiveUnseen
{
    /// <summary>No effect.</summary>
    None,

    /// <summary>The mean per-unit effect of the features seen alone.</summary>
    SingleMean,
}
