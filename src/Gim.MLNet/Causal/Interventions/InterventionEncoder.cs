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

    public InterventionEncoder(int features, int variables, int depth, int width, InterventionKind kind,
        double initialLogit, ScalarType dtype = ScalarType.Float32, Device? device = null, DoseSlot? dose = null, double initialHalfDose = 1,
        bool doseCurveFromFeatures = true)
        : base(nameof(InterventionEncoder))
    {
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

    public override InterventionParameters forward(Tensor features)
    {
        Tensor identity = _doseMask is null ? features : features * _doseMask;
        Tensor output = _skip.forward(identity);
        if (_hidden is not null && _fromHidden is not null)
            output = output + _fromHidden.forward(_hidden.forward(identity));
        Tensor[] heads = output.split(_variables, -1);
        Tensor shift = heads[1];
        Tensor? logScale = Kind == InterventionKind.ShiftScale ? heads[2] : null;
        if (_dose is not null)
        {
            Tensor curve = _dose.forward(features, identity);
            shift = shift * curve;
            logScale = logScale is null ? null : logScale * curve;
        }
        return new InterventionParameters(heads[0], shift, logScale);
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
