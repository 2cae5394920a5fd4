using System.Runtime.InteropServices;

namespace Gim.MLNet.Causal;

/// <summary>
/// What a fitted GIM knows about how far its predictions carry (METHOD §7, "novelty"): how familiar a feature vector is,
/// how much of the predicted intervention to trust there, and how uncertain the prediction is. Fitted after training by
/// leave-perturbation-groups-out refits (<see cref="GimOptions.CalibrationFolds"/>); every number is a plain array, so it
/// travels in the parameters, the ONNX graph and the saved .zip.
/// </summary>
/// <remarks>
/// For standardised features z(γ), with z₁…z_m the perturbed training contexts' standardised features:
/// <list type="bullet">
/// <item>familiarity w(γ) = exp(−(r/ℓ)²) ∈ [0, 1], r = minᵢ ‖z(γ) − zᵢ‖, ℓ = <see cref="LengthScale"/> (the median distance
/// from a training context to the nearest context of another perturbation group): 1 at the training contexts' own
/// features, ≈ e⁻¹ at the typical distance between two drugs, → 0 far away;</item>
/// <item>the intervention applied is α(γ)·ψ(γ) (and α(γ)·ρ(γ)), α(γ) = α_far + (1 − α_far)·w(γ), α_far =
/// <see cref="FarShrinkage"/>: a seen drug at a new dose keeps its fitted shift; an unfamiliar one keeps the share of it
/// that held-out drugs' effects supported;</item>
/// <item>the standard deviation of the predicted mean of variable j, in control standard deviations:
/// sd_j(γ)² = w·<see cref="MeanSdNear"/>_j² + (1 − w)·<see cref="MeanSdFar"/>_j²;</item>
/// <item>the standard deviation of the applied shift of mechanism j: sdψ_j(γ)² = (1 − w)·<see cref="ShiftSdFar"/>_j²
/// (zero at the training contexts' own features, small near them, e.g. a seen drug at a new dose: the uncertainty a new
/// perturbation adds; with <see cref="SampleShiftUncertainty"/>, sampled cells draw their targeted shifts from
/// N(α·ψ, sdψ²), so that one cell's predictive distribution includes it);</item>
/// <item>the target logits a(γ) tempered toward 0 (π toward ½): τ(γ)·a(γ), τ(γ) = τ_far + (1 − τ_far)·w(γ), τ_far =
/// <see cref="TargetTemperature"/>: an unfamiliar perturbation's target probabilities say how sure the refits were of
/// held-out drugs' targets; the MAP targets (π &gt; ½, a &gt; 0) are unchanged.</item>
/// </list>
/// </remarks>
public sealed class NoveltyCalibration
{
    /// <summary>The perturbed training contexts' standardised features, m × p (the points familiarity is measured from).</summary>
    public required float[,] TrainingFeatures { get; init; }

    /// <summary>ℓ, in standardised feature units (&gt; 0).</summary>
    public required double LengthScale { get; init; }

    /// <summary>α_far ∈ [0, 1]: the share of the predicted intervention kept far from the training data.</summary>
    public required double FarShrinkage { get; init; }

    /// <summary>Standard deviation of each variable's predicted mean at a training perturbation (w = 1), control SDs.</summary>
    public required float[] MeanSdNear { get; init; }

    /// <summary>Standard deviation of each variable's predicted mean far from the training data (w = 0), control SDs.</summary>
    public required float[] MeanSdFar { get; init; }

    /// <summary>Standard deviation of each mechanism's shift far from the training data (w = 0), control SDs.</summary>
    public required float[] ShiftSdFar { get; init; }

    /// <summary>
    /// Whether sampled cells draw their targeted shifts from N(α·ψ, sdψ²) (<see cref="GimOptions.SampleShiftUncertainty"/>
    /// at fit time; kept here so that a reloaded model and its ONNX graph sample as the fitted one did).
    /// </summary>
    public bool SampleShiftUncertainty { get; init; } = true;

    /// <summary>
    /// τ_far ∈ [<see cref="MinimumTargetTemperature"/>, 1]: how much of a target logit is kept far from the training data
    /// (<see cref="GimOptions.CalibrateTargets"/>); 1 (the default, and every model before 0.12.0) leaves the target
    /// probabilities as the heads give them.
    /// </summary>
    public double TargetTemperature { get; init; } = 1;

    /// <summary>
    /// The least τ_far a calibration holds (and the refits choose): a positive factor keeps each logit's sign, so the MAP
    /// targets, but float32 rounds σ(x) to ½ for x below about 6e-8, so a tiny factor could drop a target whose logit is
    /// barely positive; at 0.05 that takes a logit below about 1.2e-6.
    /// </summary>
    public const double MinimumTargetTemperature = 0.05;

    /// <summary>τ(w) = τ_far + (1 − τ_far)·w: the share of a target logit kept at familiarity w.</summary>
    public double TargetScale(double familiarity) => Kept(TargetTemperature, familiarity);

    /// <summary>
    /// far + (1 − far)·w: the share kept at familiarity w of a quantity that keeps the share <paramref name="far"/> far from
    /// every training perturbation (α and τ; the calibrator's candidates for them).
    /// </summary>
    internal static double Kept(double far, double familiarity) => far + (1 - far) * familiarity;

    /// <summary>This calibration (a copy) with τ_far and/or <see cref="SampleShiftUncertainty"/> replaced where given.</summary>
    internal NoveltyCalibration With(double? targetTemperature = null, bool? sampleShiftUncertainty = null) => new()
    {
        TrainingFeatures = TrainingFeatures, LengthScale = LengthScale, FarShrinkage = FarShrinkage, MeanSdNear = MeanSdNear, MeanSdFar = MeanSdFar,
        ShiftSdFar = ShiftSdFar, SampleShiftUncertainty = sampleShiftUncertainty ?? SampleShiftUncertainty,
        TargetTemperature = targetTemperature ?? TargetTemperature,
    };

    /// <summary>Number of training contexts m.</summary>
    public int ContextCount => TrainingFeatures.GetLength(0);

    /// <summary>w(γ) for standardised features z (length p).</summary>
    public double Familiarity(ReadOnlySpan<float> z)
    {
        int m = TrainingFeatures.GetLength(0), p = TrainingFeatures.GetLength(1);
        if (z.Length != p) throw new ArgumentException($"Familiarity needs {p} standardised features; got {z.Length}.", nameof(z));
        double best = double.PositiveInfinity;
        for (int i = 0; i < m; i++)
            best = Math.Min(best, SquaredDistance(z, MemoryMarshal.CreateReadOnlySpan(ref TrainingFeatures[i, 0], p)));
        // Squared distance over ℓ², so that ONNX (which works with squared distances) computes the same expression.
        return m == 0 ? 0 : Math.Exp(-best / (LengthScale * LengthScale));
    }

    /// <summary>α(γ) = α_far + (1 − α_far)·w.</summary>
    public double Shrinkage(double familiarity) => Kept(FarShrinkage, familiarity);

    /// <summary>sd_j of the predicted mean (control SDs) at familiarity w.</summary>
    public float[] MeanSd(double familiarity)
    {
        var sd = new float[MeanSdFar.Length];
        for (int j = 0; j < sd.Length; j++)
            sd[j] = (float)Math.Sqrt(familiarity * MeanSdNear[j] * MeanSdNear[j] + (1 - familiarity) * MeanSdFar[j] * MeanSdFar[j]);
        return sd;
    }

    /// <summary>sdψ_j of the applied shift (control SDs) at familiarity w.</summary>
    public float[] ShiftSd(double familiarity)
    {
        var sd = new float[ShiftSdFar.Length];
        double far = Math.Sqrt(Math.Max(0, 1 - familiarity));
        for (int j = 0; j < sd.Length; j++) sd[j] = (float)(far * ShiftSdFar[j]);
        return sd;
    }

    /// <summary>ℓ: the median, over the contexts, of the distance to the nearest context of another group (1e-6 at least; 1 when no context has one).</summary>
    /// <param name="features">Standardised features, one row per perturbed context.</param>
    /// <param name="groups">Each row's perturbation group.</param>
    public static double MedianDistanceToOtherGroups(IReadOnlyList<float[]> features, IReadOnlyList<string> groups)
    {
        var nearest = new List<double>();
        for (int i = 0; i < features.Count; i++)
        {
            double best = double.PositiveInfinity;
            for (int j = 0; j < features.Count; j++)
            {
                if (groups[j] != groups[i]) best = Math.Min(best, SquaredDistance(features[i], features[j]));
            }
            if (double.IsFinite(best)) nearest.Add(Math.Sqrt(best));
        }
        if (nearest.Count == 0) return 1;
        nearest.Sort();
        double median = nearest.Count % 2 == 1 ? nearest[nearest.Count / 2] : (nearest[nearest.Count / 2 - 1] + nearest[nearest.Count / 2]) / 2;
        return Math.Max(median, 1e-6);
    }

    /// <summary>‖a − b‖², accumulated in double.</summary>
    private static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++)
        {
            double diff = a[k] - b[k];
            s += diff * diff;
        }
        return s;
    }

    /// <summary>Throws naming what does not fit a model of <paramref name="variables"/> variables and <paramref name="features"/> features.</summary>
    internal void Validate(int variables, int features, Action<bool, string> check)
    {
        check(TrainingFeatures is not null && TrainingFeatures.GetLength(1) == features && TrainingFeatures.GetLength(0) >= 1,
            $"calibration training features must have at least one row and {features} columns");
        check(double.IsFinite(LengthScale) && LengthScale > 0, $"calibration length scale {LengthScale} must be finite and > 0");
        check(FarShrinkage is >= 0 and <= 1, $"calibration far shrinkage {FarShrinkage} must lie in [0, 1]");
        foreach (var (array, name) in new[] { (MeanSdNear, "near mean SDs"), (MeanSdFar, "far mean SDs"), (ShiftSdFar, "far shift SDs") })
            check(array is not null && array.Length == variables && array.All(v => float.IsFinite(v) && v >= 0), $"calibration {name} must be {variables} finite values ≥ 0");
        foreach (float v in TrainingFeatures!)
            check(float.IsFinite(v), "calibration training features must be finite");
        check(TargetTemperature is >= MinimumTargetTemperature and <= 1, $"calibration target temperature {TargetTemperature} must lie in [{MinimumTargetTemperature}, 1]");
    }
}
