using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Settings of the TrainingMean peer (the "perturbed mean" of Ahlmann-Eltze, Huber and Anders, Nature Methods 2025:
/// for unseen perturbations nothing they tested beat it): every perturbation is predicted as the control cells shifted
/// by the mean shift of the training perturbations — pooled, or per covariate level with <see cref="CovariateFeatures"/>.
/// </summary>
public sealed class TrainingMeanOptions : PerturbationOptions
{
    /// <summary>
    /// Names of the features that encode covariates such as the cell line (with a <c>ScreenDesign</c>,
    /// <c>cell_type=LineB</c>, ...). With them, a perturbation in level L is predicted by L's own control cells (its
    /// vehicle; <see cref="Data.CovariateLevels"/>) moved by the mean shift of L's training perturbations from them (all
    /// levels' where L has none). Null (default): the pooled controls moved by the mean of every perturbed context.
    /// </summary>
    public IReadOnlyList<string>? CovariateFeatures { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequireCovariateNames(CovariateFeatures, nameof(CovariateFeatures));
    }

    /// <summary>A copy with its own list of covariate features.</summary>
    public override TrainingMeanOptions Clone()
    {
        var copy = (TrainingMeanOptions)MemberwiseClone();
        copy.CovariateFeatures = CovariateFeatures?.ToArray();
        return copy;
    }
}
