using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Settings of the LinearFeatures peer: each variable's mean shift is a ridge regression on the perturbation's
/// standardised features, its penalty chosen inside Fit by cross-validation over held-out perturbation groups (a
/// "linear model on the embedding"; Ahlmann-Eltze, Huber and Anders, Nature Methods 2025, found such a model on
/// perturbation embeddings beat every deep model they tested).
/// </summary>
public sealed class LinearFeaturesOptions : PerturbationOptions
{
    /// <summary>
    /// The ridge penalties λ tried (each weighting ‖W‖² against the squared error summed over the training contexts,
    /// features standardised to unit variance, intercept unpenalised). Default 10⁻² … 10⁴ in steps of ×10: it spans
    /// "barely regularised" to "predicts the training mean", so the choice is the data's, not ours.
    /// </summary>
    public IReadOnlyList<double> Penalties { get; set; } = new[] { 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4 };

    /// <summary>
    /// Folds of the cross-validation that picks λ: the training perturbation groups (e.g. drugs with all their doses)
    /// are dealt into this many folds, each held out in turn with the controls always kept in training; capped at the
    /// number of groups. Default 5. With fewer than 2 groups there is nothing to hold out and the median penalty is used.
    /// </summary>
    public int Folds { get; set; } = 5;

    /// <summary>
    /// Names of the features that encode covariates such as the cell line (with a <c>ScreenDesign</c>,
    /// <c>cell_type=LineB</c>, ...). With them, each training context's shift is measured from its own covariate
    /// level's control (its line's vehicle; <see cref="Data.CovariateLevels"/>), the ridge map (on every feature,
    /// covariates included) is fitted to those shifts, and a prediction is the level's own control cells moved by it.
    /// Null (default): shifts from the pooled control, and the pooled control cells for every prediction.
    /// </summary>
    public IReadOnlyList<string>? CovariateFeatures { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequireCovariateNames(CovariateFeatures, nameof(CovariateFeatures));
        Require(Penalties is { Count: > 0 } && Penalties.All(l => l > 0 && double.IsFinite(l)), nameof(Penalties),
            Penalties is null ? "null" : string.Join(", ", Penalties), "at least one finite value > 0");
        Require(Folds >= 2, nameof(Folds), Folds, "≥ 2");
    }

    /// <summary>A copy with its own penalty and covariate lists, so the trainer's validated copy cannot change after validation.</summary>
    public override LinearFeaturesOptions Clone()
    {
        var copy = (LinearFeaturesOptions)MemberwiseClone();
        copy.Penalties = Penalties?.ToArray()!;
        copy.CovariateFeatures = CovariateFeatures?.ToArray();
        return copy;
    }
}
