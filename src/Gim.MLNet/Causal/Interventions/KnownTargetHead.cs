using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// Known targets (<see cref="GimOptions.KnownTargets"/>, docs/method.md "Known targets"): which variables a context declares
/// as its targets — read from the features named like variables — and how strongly each is hit, the strength
/// r_j(z) = W_j z + u_j for a variable declared as a target in training (W z from the perturbation's standardised
/// features, u_j its own), and r̄ for one never declared there: the average over the training targets of their mean
/// strength (<see cref="SetTypical"/>, after the fit). A variable's own u_j and the shared r̄ are not both free: a shared
/// parameter learned next to per-variable ones is not identified (any split of θ + u_j fits equally well), so the typical
/// strength is measured on the fitted targets instead.
/// </summary>
internal sealed class KnownTargetHead : nn.Module
{
    /// <summary>log h is held at or above log 10⁻³: a knocked-out gene measured as constant would otherwise drive its noise scale to zero.</summary>
    public const double MinimumLogFraction = -6.907755278982137;

    private readonly Linear _map;
    private readonly Tensor _seen;
    private readonly Tensor _typical;
    private readonly Tensor _index;
    private readonly Tensor _featureMean;
    private readonly Tensor _featureScale;
    private readonly Tensor _zero;
    private readonly Tensor _inverseScale;

    /// <param name="kind">The kind of intervention on declared targets (not None).</param>
    /// <param name="featureOfVariable">For each variable, the index of its indicator feature, or −1.</param>
    /// <param name="seen">For each variable, whether a training context declares it as a target.</param>
    /// <param name="featureMean">The features' standardisation (to read the 0/1 indicators back from standardised input).</param>
    /// <param name="featureScale">See <paramref name="featureMean"/>.</param>
    /// <param name="variableMean">The variables' standardisation: the zero of the original units is −mean/scale in standardised units.</param>
    /// <param name="variableScale">See <paramref name="variableMean"/>; a known shift of r original units is r/scale standardised ones.</param>
    /// <param name="dtype">Tensor type.</param>
    /// <param name="device">Device.</param>
    public KnownTargetHead(KnownTargetKind kind, int[] featureOfVariable, bool[] seen, double[] featureMean, double[] featureScale, double[] variableMean, double[] variableScale,
        ScalarType dtype = ScalarType.Float32, Device? device = null) : base(nameof(KnownTargetHead))
    {
        if (kind == KnownTargetKind.None) throw new ArgumentOutOfRangeException(nameof(kind), "A known-target head needs a kind.");
        device ??= CPU;
        Kind = kind;
        FeatureOfVariable = (int[])featureOfVariable.Clone();
        int p = featureMean.Length;
        _map = nn.Linear(p, featureOfVariable.Length, hasBias: true, device: device, dtype: dtype);
        // Strengths start at r = 0: half the mechanism left (h = ½) or no shift.
        _seen = tensor(seen.Select(v => v ? 1.0 : 0.0).ToArray(), dtype: dtype, device: device);
        _typical = zeros(1, dtype: dtype, device: device);
        _index = tensor(featureOfVariable.Select(q => (long)(q < 0 ? p : q)).ToArray(), device: device);
        _featureMean = tensor(featureMean, dtype: dtype, device: device);
        _featureScale = tensor(featureScale, dtype: dtype, device: device);
        _zero = tensor(variableMean.Select((m, j) => -m / variableScale[j]).ToArray(), dtype: dtype, device: device);
        _inverseScale = tensor(variableScale.Select(v => 1 / v).ToArray(), dtype: dtype, device: device);
        RegisterComponents();
        using var _ = no_grad();
        _map.weight!.mul_(0.1);
        _map.bias!.zero_();
    }

    public KnownTargetKind Kind { get; }

    /// <summary>For each variable, the index of its indicator feature, or −1.</summary>
    public IReadOnlyList<int> FeatureOfVariable { get; }

    /// <summary>The strength map W, u (for export and inspection).</summary>
    public Linear Map => _map;

    /// <summary>r̄, the strength of a variable never declared as a target in training (a [1] tensor).</summary>
    public Tensor Typical => _typical;

    /// <summary>Which variables a training context declares as a target (1) — the ones with a strength of their own.</summary>
    public Tensor Seen => _seen;

    /// <summary>Which variables each row declares as targets, 0/1 [..., d], from standardised features [..., p].</summary>
    public Tensor Mask(Tensor standardized)
    {
        Tensor raw = standardized * _featureScale + _featureMean;
        Tensor padded = cat(new[] { raw, zeros_like(raw.narrow(-1, 0, 1)) }, -1);
        return (padded.index_select(-1, _index) > 0.5).to_type(standardized.dtype);
    }

    /// <summary>
    /// The variables a context's raw features <paramref name="raw"/> declare as targets (indicator 1), in order; an indicator
    /// other than 0 or 1 is an error naming <paramref name="context"/> (where <see cref="Mask"/>'s ½ rule and this one could
    /// disagree, a target would have no covariance row).
    /// </summary>
    public int[] Declared(float[] raw, string context)
    {
        var declared = new List<int>();
        for (int j = 0; j < FeatureOfVariable.Count; j++)
        {
            if (FeatureOfVariable[j] < 0) continue;
            float value = raw[FeatureOfVariable[j]];
            if (value is not (0 or 1))
                throw new ArgumentException($"Context '{context}' has the target indicator of variable {j} = {value}; with GimOptions.KnownTargets a feature " +
                    "named like a variable is that variable's 0/1 target indicator.", nameof(raw));
            if (value == 1) declared.Add(j);
        }
        return declared.ToArray();
    }

    /// <summary>r(z): W z + u for the variables seen as targets in training, r̄ for the others; [..., d].</summary>
    public Tensor Strength(Tensor standardized) => _seen * _map.forward(standardized) + (1 - _seen) * _typical;

    /// <summary>
    /// Sets r̄ from the training contexts (standardised features [K, p]): each seen target's mean strength over the contexts
    /// that declare it, averaged over the targets (every gene counts once, however many contexts hit it).
    /// </summary>
    public void SetTypical(Tensor standardized)
    {
        using var _ = no_grad();
        Tensor mask = Mask(standardized);
        Tensor count = mask.sum(new long[] { 0 });
        Tensor perTarget = (_map.forward(standardized) * mask).sum(new long[] { 0 }) / count.clamp_min(1);
        Tensor seen = (count > 0).to_type(perTarget.dtype);
        _typical.copy_((perTarget * seen).sum() / seen.sum().clamp_min(1));
    }

    /// <summary>
    /// The intervention the linear model reads (<see cref="LinearCausalModel"/>) for declared targets <paramref name="mask"/>,
    /// strengths <paramref name="strength"/> ([K, d]), off-targets <paramref name="offTargets"/> (t, [..., K, d]; declared
    /// targets are not off-targets) with shifts <paramref name="shift"/>, and intercepts <paramref name="bias"/>:
    /// each mechanism j becomes x_j = g_j Bⱼᵀx + b_j + δ_j + s_j e^{ρ_j} ε_j, with
    /// Shift g = 1, δ = r/σ (r in original units: a shared strength is the same change, e.g. the same log fold change, for
    /// every gene), ρ = 0; Knockdown g = h, δ = (1 − h)(o − b), ρ = log h; Hard g = 0, δ = (1 − h)·o − b, ρ = log h;
    /// h = sigmoid(r) (log h ≥ log 10⁻³), o the zero of the original units; off-targets δ = t·ψ. Gain null for Shift. With
    /// covariates <paramref name="bias"/> is each row's b + β ([K, d]), and the caller adds β to every variable's δ afterwards.
    /// </summary>
    public KnownTargetIntervention Apply(Tensor mask, Tensor strength, Tensor offTargets, Tensor shift, Tensor bias)
    {
        Tensor delta = offTargets * (1 - mask) * shift;
        if (Kind == KnownTargetKind.Shift) return new KnownTargetIntervention(null, delta + mask * strength * _inverseScale, null);
        Tensor logFraction = nn.functional.logsigmoid(strength).clamp_min(MinimumLogFraction);
        Tensor lost = 1 - logFraction.exp();                                        // 1 − h
        Tensor gain = Kind == KnownTargetKind.Knockdown ? 1 - mask * lost : 1 - mask;
        Tensor change = Kind == KnownTargetKind.Knockdown ? lost * (_zero - bias) : lost * _zero - bias;
        return new KnownTargetIntervention(gain, delta + mask * change, mask * logFraction);
    }
}

/// <summary>
/// An intervention as the linear causal model reads it, per row: the gain g on each mechanism's inputs (null: all 1), the
/// intercept change δ and the log noise-scale change ρ (null: none).
/// </summary>
internal sealed record KnownTargetIntervention(Tensor? Gain, Tensor Shift, Tensor? LogScale)
{
    /// <summary>
    /// The intervention for targets <paramref name="targets"/> (1 or relaxed where hit): t⊙ψ and t⊙ρ, or with a known-target
    /// head the declared targets' gains, intercept changes and noise-scale changes plus the off-targets' shifts
    /// (<see cref="KnownTargetHead.Apply"/>; <paramref name="heads"/> then carry the mask and strengths, <paramref name="bias"/>
    /// is the model's intercepts). What training and every prediction read.
    /// </summary>
    public static KnownTargetIntervention Of(InterventionParameters heads, Tensor targets, KnownTargetHead? known, Tensor? bias)
    {
        if (known is not null && bias is null) throw new ArgumentNullException(nameof(bias), "Known targets need the linear model's intercepts.");
        // A declared target's kind acts on the mechanism of the cells' own line: its intercept is b + β (the covariates' β,
        // GimOptions.CovariateFeatures), so a knockdown scales the line's baseline too and a knockout removes it.
        KnownTargetIntervention applied = known is null
            ? new KnownTargetIntervention(null, targets * heads.Shift, heads.LogScale is null ? null : targets * heads.LogScale)
            : known.Apply(heads.KnownMask!, heads.Strength!, targets, heads.Shift, heads.Baseline is null ? bias! : bias! + heads.Baseline);
        // The covariates' β on every variable, targeted or not.
        return heads.Baseline is null ? applied : applied with { Shift = applied.Shift + heads.Baseline };
    }
}
