using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>
/// The Additive peer: resampled control cells moved by the sum of the query's features' single effects,
/// s(γ) = Σ_q γ_q δ_q, δ_q the per-unit effect of feature q measured where it was the only perturbation
/// (<see cref="AdditiveTrainer"/>). With one 0/1 feature per perturbed gene, "A+B" is the control plus A's and B's effects.
/// </summary>
public sealed class AdditiveModel : ControlShiftModel
{
    private readonly double[,] _effect;
    private readonly bool[] _seen;

    internal AdditiveModel(PerturbationDataset train, Standardizer variables, Standardizer features, double[,] effect, bool[] seen, CellTable controls,
        TimeSpan fitTime)
        : base(train, variables, features, controls, fitTime)
    {
        _effect = effect;
        _seen = seen;
    }

    internal override string Description => "Additive peer";

    /// <summary>
    /// δ: the per-unit effect of each feature on each variable's mean, in control standard deviations ([feature, variable];
    /// zero, or the mean single effect with <see cref="AdditiveUnseen.SingleMean"/>, for a feature never seen alone).
    /// </summary>
    public double[,] Effects => (double[,])_effect.Clone();

    /// <summary>Whether each feature was the only active feature of at least one training context.</summary>
    public IReadOnlyList<bool> SeenAlone => _seen;

    /// <summary>Σ_q γ_q δ_q: the predicted mean shift in control standard deviations.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] MeanShift(float[] features)
    {
        StandardizeFeatures(features); // checks length and finiteness
        var shift = new float[VariableCount];
        for (int j = 0; j < VariableCount; j++)
        {
            double s = 0;
            for (int q = 0; q < FeatureCount; q++) s += features[q] * _effect[q, j];
            shift[j] = (float)s;
        }
        return shift;
    }

    /// <summary>The same map on the standardised features z = (γ − μ)/σ: weights σ_q δ_qj and bias Σ_q μ_q δ_qj.</summary>
    internal override MlpParameters ShiftMap()
    {
        var weight = new float[VariableCount, FeatureCount];
        var bias = new float[VariableCount];
        for (int j = 0; j < VariableCount; j++)
        {
            double b = 0;
            for (int q = 0; q < FeatureCount; q++)
            {
                weight[j, q] = (float)(FeatureStandardizer.Scale[q] * _effect[q, j]);
                b += FeatureStandardizer.Mean[q] * _effect[q, j];
            }
            bias[j] = (float)b;
        }
        return new MlpParameters(Array.Empty<(float[,], float[])>(), weight, bias);
    }
}
