using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>
/// The TrainingMean peer: every perturbation is predicted as the resampled control cells moved by one shift, the mean
/// shift of the training perturbations, whatever its features. It is the yardstick a method must beat to show that it
/// learned something perturbation-specific rather than "perturbations move cells this way on average".
/// </summary>
public sealed class TrainingMeanModel : ControlShiftModel
{
    private readonly float[] _shift;

    internal TrainingMeanModel(PerturbationDataset train, Standardizer variables, Standardizer features, float[] shift, CellTable controls, TimeSpan fitTime)
        : base(train, variables, features, controls, fitTime) => _shift = shift;

    internal override string Description => "TrainingMean peer";

    /// <summary>The mean shift of the training perturbations, in control standard deviations (the same for every perturbation).</summary>
    public IReadOnlyList<float> Shift => _shift;

    /// <summary>The training perturbations' mean shift; the features are only checked.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] MeanShift(float[] features)
    {
        StandardizeFeatures(features);
        return (float[])_shift.Clone();
    }

    /// <summary>A map with zero weights and the shift as bias: the graph ignores the features but passes on a non-finite one as NaN.</summary>
    internal override MlpParameters ShiftMap() =>
        new(Array.Empty<(float[,], float[])>(), new float[VariableCount, FeatureCount], (float[])_shift.Clone());
}
