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

    /// <summary>
    /// Names of the features that encode covariates such as the cell line (<c>cell_line=K562</c>, ...; since 0.15.0). With
    /// them the model is additive within each covariate level: a perturbation in level L is L's own control cells (its
    /// vehicle; <see cref="Data.CovariateLevels"/>) moved by the sum of its singles' effects measured in L, each a shift
    /// from L's control; a single never measured alone in L takes its mean effect over the levels where it was, and only
    /// then the <see cref="Unseen"/> rule (within L). The covariate features are never counted as perturbations. Null
    /// (default): one pooled control, and a context is a single when exactly one feature is active.
    /// </summary>
    public IReadOnlyList<string>? CovariateFeatures { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(Enum.IsDefined(Unseen), nameof(Unseen), Unseen, $"one of {string.Join(", ", Enum.GetNames<AdditiveUnseen>())}");
        RequireCovariateNames(CovariateFeatures, nameof(CovariateFeatures));
    }

    /// <summary>A copy with its own list of covariate features.</summary>
    public override AdditiveOptions Clone()
    {
        var copy = (AdditiveOptions)MemberwiseClone();
        copy.CovariateFeatures = CovariateFeatures?.ToArray();
        return copy;
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
