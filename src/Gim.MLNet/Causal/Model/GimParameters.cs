namespace Gim.MLNet.Causal;

/// <summary>
/// The numbers every fitted GIM has, as plain arrays: standardisation, intercepts and noise scales of the causal
/// model, the learned graph, and the intervention encoder (same network and layout for every causal model).
/// <see cref="LinearGimParameters"/> and <see cref="NonlinearGimParameters"/> add their mechanisms.
/// </summary>
/// <remarks>
/// Encoder, for raw features γ: z = (γ − FeatureMean) / FeatureScale; h = SiLU layers of z;
/// heads = SkipWeight·z + SkipBias (+ FromHiddenWeight·h); heads split into [logits | shift | logScale] of d each.
/// With a <see cref="DoseResponse"/>, z is replaced by z' (the dose slot zeroed) in the heads, and shift and logScale are
/// multiplied by the dose curve H(c). With a <see cref="CovariateShift"/>, every variable's intercept also moves by
/// β = U·x_cov, whatever the targets.
/// The causal model works in standardised units; its output x maps back as x·VariableScale + VariableMean.
/// </remarks>
public abstract class GimParameters
{
    // Only the library's own kinds: the exporters and FromParameters know no others.
    private protected GimParameters()
    {
    }

    /// <summary>Names of the d measured variables.</summary>
    public required string[] VariableNames { get; init; }

    /// <summary>Names of the p features.</summary>
    public required string[] FeatureNames { get; init; }

    /// <summary>Control means of the variables (standardisation).</summary>
    public required double[] VariableMean { get; init; }

    /// <summary>Control standard deviations of the variables (standardisation).</summary>
    public required double[] VariableScale { get; init; }

    /// <summary>Training means of the features.</summary>
    public required double[] FeatureMean { get; init; }

    /// <summary>Training standard deviations of the features.</summary>
    public required double[] FeatureScale { get; init; }

    /// <summary>Intercepts b (standardised units).</summary>
    public required float[] Bias { get; init; }

    /// <summary>Log noise scales log s (standardised units).</summary>
    public required float[] LogScale { get; init; }

    /// <summary>
    /// The learned graph, d × d: [i, j] is how strongly variable i acts on variable j in standardised units (zero
    /// diagonal). For the linear model these are the weights B themselves; for the nonlinear model, a read-out.
    /// </summary>
    public required float[,] Graph { get; init; }

    /// <summary>The intervention kind (2 heads for Shift, 3 for ShiftScale).</summary>
    public required InterventionKind Interventions { get; init; }

    /// <summary>Linear skip path of the encoder, (heads·d) × p.</summary>
    public required float[,] SkipWeight { get; init; }

    /// <summary>Bias of the heads, heads·d.</summary>
    public required float[] SkipBias { get; init; }

    /// <summary>Encoder hidden layers (weight out × in, bias), each followed by SiLU; empty for a linear encoder.</summary>
    public required IReadOnlyList<(float[,] Weight, float[] Bias)> HiddenLayers { get; init; }

    /// <summary>Map from the encoder's last hidden layer to the heads, (heads·d) × width; null for a linear encoder.</summary>
    public float[,]? FromHiddenWeight { get; init; }

    /// <summary>
    /// How far the model's predictions carry: familiarity, shrinkage of unfamiliar interventions and the predictive
    /// standard deviations (<see cref="NoveltyCalibration"/>); null for a model fitted without calibration folds or saved
    /// before 0.4.0 (its predictions then apply ψ(γ) as it is and have no standard deviation).
    /// </summary>
    public NoveltyCalibration? Calibration { get; init; }

    /// <summary>
    /// The saturating dose path (<see cref="GimOptions.DoseFeature"/>); null for a model fitted without one or saved
    /// before 0.5.0 (its shifts then read the dose as any other feature).
    /// </summary>
    public DoseResponseParameters? DoseResponse { get; init; }

    /// <summary>
    /// The known targets (<see cref="GimOptions.KnownTargets"/>; linear model only); null for a model fitted without them or
    /// saved before 0.7.0.
    /// </summary>
    public KnownTargetParameters? KnownTargets { get; init; }

    /// <summary>
    /// The covariates' intercept shift (<see cref="GimOptions.CovariateFeatures"/>); null for a model fitted without
    /// covariates or saved before 0.10.0.
    /// </summary>
    public CovariateShiftParameters? CovariateShift { get; init; }

    /// <summary>Number of variables d.</summary>
    public int VariableCount => VariableNames.Length;

    /// <summary>Number of features p.</summary>
    public int FeatureCount => FeatureNames.Length;

    /// <summary>Number of heads: 2 (logits, shift) or 3 (logits, shift, log-scale).</summary>
    public int HeadCount => Interventions == InterventionKind.ShiftScale ? 3 : 2;
}
