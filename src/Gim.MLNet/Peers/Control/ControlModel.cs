using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>
/// The Control peer: predicts the control distribution whatever the perturbation (resampled control cells). What "no
/// effect" scores; every method must beat it on perturbations with an effect. With
/// <see cref="ControlOptions.CovariateFeatures"/> "no effect" is relative to the perturbation's own covariate level:
/// a drug in line B is predicted by line B's vehicle cells.
/// </summary>
public sealed class ControlModel : ControlShiftModel
{
    internal ControlModel(PerturbationDataset train, Standardizer variables, Standardizer features, CellTable controls, ControlLevels? levels, TimeSpan fitTime)
        : base(train, variables, features, controls, fitTime, levels)
    {
    }

    internal override string Description => "Control peer";

    /// <summary>Number of cells it resamples: the control's, and with covariates every level's own control cells (other lines' vehicles) too.</summary>
    public int ControlCellCount => Controls.Counts.Sum();

    /// <summary>No shift; with covariates, the shift of the perturbation's level's control from the control (control standard deviations).</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] MeanShift(float[] features)
    {
        StandardizeFeatures(features);
        return PlusLevelShift(features, new float[VariableCount]);
    }

    /// <summary>A map with zero weights and bias: the graph passes on a non-finite feature as NaN.</summary>
    internal override MlpParameters ShiftMap() => new(Array.Empty<(float[,], float[])>(), new float[VariableCount, FeatureCount], new float[VariableCount]);
}
