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
/// </remarks>
internal sealed class InterventionEncoder : nn.Module<Tensor, InterventionParameters>
{
    private readonly Sequential? _hidden;
    private readonly Linear _skip;
    private readonly Linear? _fromHidden;
    private readonly List<Linear> _hiddenLinears = new();
    private readonly int _variables;
    private readonly int _heads;

    public InterventionEncoder(int features, int variables, int depth, int width, InterventionKind kind,
        double initialLogit, ScalarType dtype = ScalarType.Float32, Device? device = null)
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
        RegisterComponents();
        InitialiseHeads(initialLogit);
    }

    public InterventionKind Kind { get; }

    public Linear Skip => _skip;

    public IReadOnlyList<Linear> HiddenLayers => _hiddenLinears;

    public Linear? FromHidden => _fromHidden;

    public override InterventionParameters forward(Tensor features)
    {
        Tensor output = _skip.forward(features);
        if (_hidden is not null && _fromHidden is not null)
            output = output + _fromHidden.forward(_hidden.forward(features));
        Tensor[] heads = output.split(_variables, -1);
        return new InterventionParameters(heads[0], heads[1], Kind == InterventionKind.ShiftScale ? heads[2] : null);
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
