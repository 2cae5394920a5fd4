using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// The GIM network g_φ (METHOD §4): perturbation features γ → target logits a(γ), shifts ψ(γ) and,
/// for <see cref="InterventionKind.ShiftScale"/>, log-scale changes ρ(γ).
/// </summary>
/// <remarks>
/// Every head is the sum of a linear map of γ (the skip path) and, when <c>depth</c> &gt; 0, a linear map
/// of an MLP's last hidden layer. With few training perturbations the skip path carries most of the
/// signal; the MLP adds what is not linear in the features.
/// With a dose slot (<see cref="GimOptions.DoseFeature"/>), the heads see the features with the dose set to zero (the
/// perturbation's identity), and the shifts and log-scale changes are multiplied by the saturating dose curve H(c) of
/// <see cref="DoseResponse"/>: targets are a property of the perturbation, how far it moves them one of its dose.
/// </remarks>
internal sealed class InterventionEncoder : nn.Module<Tensor, InterventionParameters>
{
    private readonly Sequential? _hidden;
    private readonly Linear _skip;
    private readonly Linear? _fromHidden;
    private readonly List<Linear> _hiddenLinears = new();
    private readonly int _variables;
    private readonly int _heads;
    private readonly DoseResponse? _dose;
    private readonly Tensor? _doseMask;
    private readonly KnownTargetHead? _known;
    private readonly CovariateShift? _covariates;

    public InterventionEncoder(int features, int variables, int depth, int width, InterventionKind kind,
        double initialLogit, ScalarType dtype = ScalarType.Float32, Device? device = null, DoseSlot? dose = null, double initialHalfDose = 1,
        bool doseCurveFromFeatures = true, KnownTargetHead? known = null, CovariateSlots? covariates = null)
        : base(nameof(InterventionEncoder))
    {
        _known = known;
        if (covariates is not null)
        {
            if (covariates.Indices.Length == 0 || covariates.Indices.Any(q => q < 0 || q >= features) || covariates.Indices.Contains(dose?.Index ?? -1))
                throw new ArgumentOutOfRangeException(nameof(covariates), "The covariate slots must be some of the features, not the dose.");
            _covariates = new CovariateShift(variables, covariates, dtype, device);
        }
        _variables = variables;
        Kind = kind;
        _heads = kind == InterventionKind.ShiftScale ? 3 : 2;
        _skip = nn.Linear(features, _heads * variables, hasBias: true, device: device, dtype: dtype);
        if (depth > 0)
        {
            var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
            int inputs = features;
            for (int layer = 0; layer < depth; layer++)
            {
                Linear linear = nn.Linear(inputs, width, device: device, dtype: dtype);
                _hiddenLinears.Add(linear);
                layers.Add(($"linear{layer}", linear));
                layers.Add(($"silu{layer}", nn.SiLU()));
                inputs = width;
            }
            _hidden = nn.Sequential(layers);
            _fromHidden = nn.Linear(width, _heads * variables, hasBias: false, device: device, dtype: dtype);
        }
        if (dose is not null)
        {
            if (dose.Index < 0 || dose.Index >= features)
                throw new ArgumentOutOfRangeException(nameof(dose), $"The dose slot {dose.Index} is not one of the {features} features.");
            _dose = new DoseResponse(features, dose, initialHalfDose, doseCurveFromFeatures, dtype, device);
            _doseMask = tensor(dose.Mask(features), dtype: dtype, device: device);
        }
        RegisterComponents();
        InitialiseHeads(initialLogit);
    }

    public InterventionKind Kind { get; }

    public Linear Skip => _skip;

    public IReadOnlyList<Linear> HiddenLayers => _hiddenLinears;

    public Linear? FromHidden => _fromHidden;

    /// <summary>The saturating dose path, or null when the features have no dose slot.</summary>
    public DoseResponse? Dose => _dose;

    /// <summary>The dose curve's fraction H(c), half-effect dose K and steepness n per row ([..., 1] each), or null without a dose path.</summary>
    public (Tensor Fraction, Tensor HalfEffectDose, Tensor Steepness)? DoseCurve(Tensor features) =>
        _dose is null ? null : _dose.Evaluate(features, features * _doseMask!);

    /// <summary>The tensors <see cref="Heads"/> reads, this encoder's own.</summary>
    public EncoderTensors Tensors => new(_skip.weight!, _skip.bias!, _hiddenLinears.Select(l => ((Tensor)l.weight!, (Tensor)l.bias!)).ToArray(),
        _fromHidden?.weight, _dose is { FromFeatures: true } ? _dose.Curve.weight : null, _dose?.Curve.bias, _doseMask)
    {
        CovariateWeight = _covariates?.Map.weight,
        Covariates = _covariates?.Input,
    };

    /// <summary>The covariates' intercept shift β (<see cref="GimOptions.CovariateFeatures"/>), or null.</summary>
    public CovariateShift? Covariates => _covariates;

    /// <summary>The known-target head (<see cref="GimOptions.KnownTargets"/>), or null.</summary>
    public KnownTargetHead? Known => _known;

    public override InterventionParameters forward(Tensor features) =>
        WithKnownTargets(Heads(Tensors, features, _dose?.Input(features), _variables, Kind), features);

    /// <summary><paramref name="heads"/> with the declared targets and their strengths for <paramref name="features"/> (as they are without known targets).</summary>
    public InterventionParameters WithKnownTargets(InterventionParameters heads, Tensor features) =>
        _known is null ? heads : heads with { KnownMask = _known.Mask(features), Strength = _known.Strength(features) };

    /// <summary>
    /// The encoder's equations, for one encoder's tensors (<paramref name="features"/> [K, p] → heads [K, d]) or for R
    /// stacked ones (weights with a leading replica dimension, <paramref name="features"/> [R, K, p] → [R, K, d]): the skip
    /// path plus the MLP on z' (z with the dose slot zeroed), split into logits, shifts and log-scale changes; with a dose,
    /// shifts and log-scale changes times H(c) (<see cref="DoseResponse.Compute"/>); with covariates, their intercept shift β
    /// (<see cref="CovariateShift.Compute"/>) beside them, unscaled.
    /// </summary>
    public static InterventionParameters Heads(EncoderTensors w, Tensor features, DoseInput? dose, int variables, InterventionKind kind)
    {
        Tensor identity = w.DoseMask is null ? features : features * w.DoseMask;
        Tensor output = Affine(identity, w.SkipWeight, w.SkipBias);
        if (w.Hidden.Count > 0)
        {
            Tensor hidden = identity;
            foreach (var (weight, bias) in w.Hidden) hidden = nn.functional.silu(Affine(hidden, weight, bias));
            output = output + Affine(hidden, w.FromHiddenWeight!, null);
        }
        Tensor[] heads = output.split(variables, -1);
        Tensor shift = heads[1];
        Tensor? logScale = kind == InterventionKind.ShiftScale ? heads[2] : null;
        if (dose is not null)
        {
            Tensor curve = DoseResponse.Compute(dose, identity, w.CurveWeight, w.CurveBias!).Fraction;
            shift = shift * curve;
            logScale = logScale is null ? null : logScale * curve;
        }
        return new InterventionParameters(heads[0], shift, logScale)
        {
            Baseline = w.Covariates is null ? null : CovariateShift.Compute(w.Covariates, features, w.CovariateWeight!),
        };
    }

    /// <summary>x Wᵀ + b for one layer's weight [out, in] (x [..., in]) or R stacked ones ([R, out, in], x [R, K, in]).</summary>
    public static Tensor Affine(Tensor x, Tensor weight, Tensor? bias)
    {
        if (weight.dim() == 2) return nn.functional.linear(x, weight, bias);
        Tensor transposed = weight.transpose(-1, -2);
        Tensor product = bmm(x, transposed);
        return bias is null ? product : product + bias.unsqueeze(-2);
    }

    private void InitialiseHeads(double initialLogit)
    {
        // Start from "almost nothing is targeted, and by almost nothing": a prior target rate of
        // sigmoid(initialLogit) and shifts near zero, so early steps do not invent interventions.
        using var _ = no_grad();
        _skip.weight!.mul_(0.1);
        Tensor bias = _skip.bias!;
        bias.zero_();
        bias.narrow(0, 0, _variables).fill_(initialLogit);
        _fromHidden?.weight!.mul_(0.1);
    }
}

/// <summary>
/// The encoder's tensors as <see cref="InterventionEncoder.Heads"/> reads them: one encoder's (weights [out, in], biases
/// [out]) or R stacked ones (a leading replica dimension on each); the dose mask [p] is shared. A shared dose curve
/// (<see cref="GimOptions.DoseCurveFromFeatures"/> false) has no curve weight here: its weights are frozen zeros.
/// </summary>
internal sealed record EncoderTensors(Tensor SkipWeight, Tensor SkipBias, IReadOnlyList<(Tensor Weight, Tensor Bias)> Hidden,
    Tensor? FromHiddenWeight, Tensor? CurveWeight, Tensor? CurveBias, Tensor? DoseMask)
{
    /// <summary>U of the covariates' intercept shift ([d, c], or [R, d, c] stacked), or null without covariates.</summary>
    public Tensor? CovariateWeight { get; init; }

    /// <summary>The covariate slots U reads and the standardisation to undo (stacked: [R, 1, c], each replica's own), or null.</summary>
    public CovariateInput? Covariates { get; init; }

    /// <summary>The weight matrices the weight decay applies to: the skip path's, the MLP's, the dose curve's and the covariates' (when there are).</summary>
    public IEnumerable<Tensor> DecayedWeights() =>
        new[] { SkipWeight }.Concat(Hidden.Select(h => h.Weight)).Concat(new[] { FromHiddenWeight, CurveWeight, CovariateWeight }.OfType<Tensor>());
}
