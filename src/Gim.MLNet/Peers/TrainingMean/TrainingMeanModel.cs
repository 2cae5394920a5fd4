using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>
/// The TrainingMean peer: every perturbation is predicted as the resampled control cells moved by one shift, the mean
/// shift of the training perturbations, whatever its features (with covariates: one shift per covariate level, from
/// that level's own control cells). It is the yardstick a method must beat to show that it learned something
/// perturbation-specific rather than "perturbations move cells this way on average".
/// </summary>
public sealed class TrainingMeanModel : ControlShiftModel
{
    private readonly float[] _shift;

    internal TrainingMeanModel(PerturbationDataset train, Standardizer variables, Standardizer features, float[] shift, CellTable controls, TimeSpan fitTime,
        ControlLevels? levels = null, double[][]? levelShifts = null)
        : base(train, variables, features, controls, fitTime, levels, levelShifts) => _shift = shift;

    internal override string Description => "TrainingMean peer";

    /// <summary>
    /// The mean shift of the training perturbations, in control standard deviations (the same for every perturbation;
    /// with covariates, that of the control's own level).
    /// </summary>
    public IReadOnlyList<float> Shift => _shift;

    /// <summary>The training perturbations' mean shift (of the features' covariate level, with covariates); the features are otherwise only checked.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] MeanShift(float[] features)
    {
        StandardizeFeatures(features);
        return Levels is not null ? PlusLevelShift(features, new float[VariableCount]) : (float[])_shift.Clone();
    }

    /// <summary>A map with zero weights and the shift as bias (zero with covariates: the levels carry it): a non-finite feature passes on as NaN.</summary>
    internal override MlpParameters ShiftMap() =>
        new(Array.Empty<(float[,], float[])>(), new float[VariableCount, FeatureCount], Levels is not null ? new float[VariableCount] : (float[])_shift.Clone());
}
