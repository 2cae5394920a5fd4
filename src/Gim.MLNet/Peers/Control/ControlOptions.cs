using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Settings of the Control peer: it predicts the control cells whatever the perturbation, pooled or, with
/// <see cref="CovariateFeatures"/>, those of the perturbation's own covariate level.
/// </summary>
public sealed class ControlOptions : PerturbationOptions
{
    /// <summary>
    /// Names of the features that encode covariates such as the cell line (with a <c>ScreenDesign</c>,
    /// <c>cell_type=LineB</c>, ...). With them, a perturbation is predicted by the control cells of its own covariate
    /// level: the control where the level is the control's, else the contexts that differ from the control only in these
    /// features (that line's vehicle cells; <see cref="Data.CovariateLevels"/>). Null (default): the pooled control cells
    /// for every perturbation — on a screen of several lines "no effect" would then include the line's own difference.
    /// </summary>
    public IReadOnlyList<string>? CovariateFeatures { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequireCovariateNames(CovariateFeatures, nameof(CovariateFeatures));
    }

    /// <summary>A copy with its own list of covariate features.</summary>
    public override ControlOptions Clone()
    {
        var copy = (ControlOptions)MemberwiseClone();
        copy.CovariateFeatures = CovariateFeatures?.ToArray();
        return copy;
    }
}
