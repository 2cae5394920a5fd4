using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>
/// The LinearFeatures peer: resampled control cells moved by a linear map of the standardised features,
/// s(γ) = Wᵀz(γ) + b, fitted by ridge regression on the training contexts' mean shifts.
/// </summary>
public sealed class LinearFeaturesModel : ControlShiftModel
{
    private readonly double[,] _weight;
    private readonly double[] _intercept;

    internal LinearFeaturesModel(PerturbationDataset train, Standardizer variables, Standardizer features, double[,] weight, double[] intercept,
        double penalty, IReadOnlyDictionary<double, double> heldOutErrors, CellTable controls, ControlLevels? levels, TimeSpan fitTime)
        : base(train, variables, features, controls, fitTime, levels)
    {
        _weight = weight;
        _intercept = intercept;
        Penalty = penalty;
        HeldOutErrors = heldOutErrors;
    }

    internal override string Description => "LinearFeatures peer";

    /// <summary>The ridge penalty λ chosen by cross-validation over held-out perturbation groups.</summary>
    public double Penalty { get; }

    /// <summary>Each penalty tried and its held-out squared error per context and variable (empty when there was nothing to hold out).</summary>
    public IReadOnlyDictionary<double, double> HeldOutErrors { get; }

    /// <summary>Wᵀz + b: the predicted mean shift in control standard deviations (with covariates, plus the level's control offset).</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] MeanShift(float[] features)
    {
        float[] z = StandardizeFeatures(features);
        var shift = new float[VariableCount];
        for (int j = 0; j < VariableCount; j++)
        {
            double s = _intercept[j];
            for (int a = 0; a < FeatureCount; a++) s += z[a] * _weight[a, j];
            shift[j] = (float)s;
        }
        return PlusLevelShift(features, shift);
    }

    /// <summary>The ridge map (the graph adds the level's offset with covariates).</summary>
    internal override MlpParameters ShiftMap()
    {
        var weight = new float[VariableCount, FeatureCount];
        for (int j = 0; j < VariableCount; j++)
            for (int a = 0; a < FeatureCount; a++) weight[j, a] = (float)_weight[a, j];
        return new MlpParameters(Array.Empty<(float[,], float[])>(), weight, _intercept.Select(v => (float)v).ToArray());
    }
}
