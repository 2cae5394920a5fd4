namespace Gim.MLNet.Causal;

/// <summary>
/// The mechanistic read-out of a GIM for one feature vector: which mechanisms the perturbation
/// hits, how hard, and what that does to the mean.
/// </summary>
public sealed class InterventionExplanation
{
    internal InterventionExplanation(float[] targetProbabilities, float[] shift, float[]? logScaleChange,
        float[] totalEffect, IReadOnlyList<string> variableNames, double? familiarity = null, float[]? shiftStandardDeviation = null,
        DoseCurvePoint? dose = null, float[]? remainingFraction = null)
    {
        RemainingFraction = remainingFraction;
        Dose = dose;
        Familiarity = familiarity;
        ShiftStandardDeviation = shiftStandardDeviation;
        TargetProbabilities = targetProbabilities;
        Shift = shift;
        LogScaleChange = logScaleChange;
        TotalEffect = totalEffect;
        VariableNames = variableNames;
    }

    /// <summary>π_j(γ): probability that mechanism j is targeted.</summary>
    public float[] TargetProbabilities { get; }

    /// <summary>
    /// ψ_j(γ): shift of mechanism j if targeted, in control standard deviations (for a calibrated model, the shift it
    /// applies: α(γ)·ψ_j(γ), see <see cref="NoveltyCalibration"/>). With known targets (<see cref="GimOptions.KnownTargets"/>)
    /// a declared target's entry is the change of its intercept the kind applies, δ_j (docs/method.md, "Known targets").
    /// </summary>
    public float[] Shift { get; }

    /// <summary>ρ_j(γ): log-scale change of mechanism j's noise if targeted (ShiftScale only).</summary>
    public float[]? LogScaleChange { get; }

    /// <summary>
    /// E[x | γ] − E[x | control] under MAP targets, in the variables' original units. With covariates
    /// (<see cref="GimOptions.CovariateFeatures"/>) the control is the reference level's, so this includes
    /// <see cref="CovariateEffect"/>; TotalEffect − CovariateEffect is the perturbation's effect within its own level.
    /// </summary>
    public float[] TotalEffect { get; }

    /// <summary>
    /// E[x | the covariates alone] − E[x | control], original units: how the cells of this feature vector's covariate level
    /// (its cell line's vehicle) differ from the reference level's control, the part of <see cref="TotalEffect"/> that is
    /// not the perturbation's; null for a model without <see cref="GimOptions.CovariateFeatures"/>.
    /// </summary>
    public float[]? CovariateEffect { get; internal init; }

    /// <summary>
    /// w(γ) ∈ (0, 1]: how close the features are to a training perturbation's (1 on the training data, → 0 far from it);
    /// null for a model without calibration.
    /// </summary>
    public double? Familiarity { get; }

    /// <summary>
    /// The standard deviation of each mechanism's shift (control standard deviations) that comes from not having seen
    /// this perturbation: 0 on the training data, growing with unfamiliarity; null for a model without calibration.
    /// </summary>
    public float[]? ShiftStandardDeviation { get; }

    /// <summary>
    /// The central <paramref name="level"/> interval of each mechanism's shift, Shift_j ± z·ShiftStandardDeviation_j
    /// (normal); null for a model without calibration.
    /// </summary>
    /// <param name="level">Coverage, strictly between 0 and 1 (default 0.9).</param>
    public (float Lower, float Upper)[]? ShiftIntervals(double level = 0.9)
    {
        double z = Runtime.NormalDistribution.HalfWidth(level);
        return ShiftStandardDeviation?.Select((sd, j) => ((float)(Shift[j] - z * sd), (float)(Shift[j] + z * sd))).ToArray();
    }

    /// <summary>
    /// Where this dose sits on the perturbation's learned dose curve (<see cref="GimOptions.DoseFeature"/>); null for a
    /// model without a dose path. <see cref="Shift"/> is already the shift at this dose.
    /// </summary>
    public DoseCurvePoint? Dose { get; }

    /// <summary>
    /// h_j: the share of mechanism j a declared Knockdown or Hard target keeps (<see cref="GimOptions.KnownTargets"/>);
    /// NaN for variables this perturbation does not declare; null for a model without Knockdown or Hard known targets.
    /// </summary>
    public float[]? RemainingFraction { get; }

    /// <summary>The variables, in the order of every array here.</summary>
    public IReadOnlyList<string> VariableNames { get; }

    /// <summary>MAP targets: π_j &gt; 0.5.</summary>
    public bool[] MapTargets => TargetProbabilities.Select(p => p > 0.5f).ToArray();

    /// <summary>The variables most likely targeted, most likely first.</summary>
    public IEnumerable<(string Variable, float Probability, float Shift)> RankedTargets() =>
        Enumerable.Range(0, VariableNames.Count)
            .OrderByDescending(j => TargetProbabilities[j])
            .Select(j => (VariableNames[j], TargetProbabilities[j], Shift[j]));
}

/// <summary>A perturbation's learned Hill curve H(c) = cⁿ/(Kⁿ + cⁿ) and where one dose sits on it (docs/method.md, "Dose").</summary>
/// <param name="Fraction">H(c) ∈ [0, 1]: the share of the perturbation's maximal shifts reached at this dose.</param>
/// <param name="HalfEffectDose">K: the dose of half the maximal effect (EC50), as a concentration in the dose's unit (for a
/// log10(1 + c) dose feature, <see cref="GimOptions.DoseEncoding"/>, in c's unit, not the feature's).</param>
/// <param name="HillExponent">n: the curve's steepness (Hill coefficient).</param>
public sealed record DoseCurvePoint(double Fraction, double HalfEffectDose, double HillExponent);
