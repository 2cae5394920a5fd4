using Gim.MLNet.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// Where the dose is among the features, in the units the model sees it: the raw dose feature of a row is v = z_q·Scale +
/// Mean for its standardised features z (slot q = <see cref="Index"/>), and its concentration c = v, or c = 10^v − 1
/// when the feature holds log10(1 + c) (<see cref="Encoding"/>).
/// </summary>
/// <param name="Index">The dose feature's index q.</param>
/// <param name="Mean">The dose feature's training mean (standardisation).</param>
/// <param name="Scale">The dose feature's training standard deviation (standardisation).</param>
/// <param name="Encoding">How the feature holds the concentration (<see cref="GimOptions.DoseEncoding"/>).</param>
internal sealed record DoseSlot(int Index, double Mean, double Scale, DoseEncoding Encoding = DoseEncoding.Concentration)
{
    /// <summary>ln 10, float32 as the graph and the model compute with it.</summary>
    public const float Ln10 = 2.30258509f;

    /// <summary>The concentration c for raw dose-feature values v (a tensor of any shape): v, or exp(v·ln 10) − 1.</summary>
    public Tensor Concentration(Tensor value) => Encoding == DoseEncoding.Log10OnePlus ? (value * Ln10).exp() - 1 : value;

    /// <summary>The concentration of one raw dose-feature value (as <see cref="Concentration(Tensor)"/>, in double).</summary>
    public double Concentration(double value) => Encoding == DoseEncoding.Log10OnePlus ? Math.Pow(10, value) - 1 : value;

    /// <summary>
    /// The smallest concentration the curve is evaluated at, 10⁻⁶ of the dose feature's spread (for a log10(1 + c)
    /// feature of spread s, 10⁻⁶·(10^s − 1), the concentration that spread stands for): a vehicle (c = 0) then gets H ≈ 0
    /// with finite gradients, in whatever unit the doses are given. (exp(v·ln 10) − 1 in float32 keeps about 1% of c at
    /// c ≈ 10⁻⁵ of the unit: give tiny concentrations in a smaller unit.)
    /// </summary>
    public double Floor => 1e-6 * (Encoding == DoseEncoding.Log10OnePlus ? Math.Pow(10, Scale) - 1 : Scale);

    /// <summary>1 for every feature but the dose, 0 for the dose: z' = z ⊙ mask, what the encoder's heads read.</summary>
    public float[] Mask(int features)
    {
        var mask = Enumerable.Repeat(1f, features).ToArray();
        mask[Index] = 0;
        return mask;
    }
}

/// <summary>
/// GIM's saturating dose path (docs/method.md, "Dose"): the fraction of a perturbation's maximal intervention reached at
/// dose c, a Hill curve H(c) = cⁿ/(Kⁿ + cⁿ) = σ(n·(log c − log K)), whose half-effect dose K(γ) and steepness n(γ)
/// come from the perturbation's other features: log K = u_K·z' + b_K, log n = clip(u_n·z' + b_n, ±<see cref="LogSteepnessLimit"/>),
/// z' the standardised features with the dose slot set to zero; or, for a shared curve (the default,
/// <see cref="GimOptions.DoseCurveFromFeatures"/> false), u_K = u_n = 0: one K and n for every perturbation, whose
/// maximal shifts still differ.
/// </summary>
/// <remarks>
/// H is monotone in the dose, exactly 0 at the vehicle (c ≤ <see cref="DoseSlot.Floor"/>) and 1 at saturation, so the
/// shifts ψ(γ)·H(c) cannot grow without bound at doses above the training range, unlike a shift linear in the dose feature.
/// </remarks>
internal sealed class DoseResponse : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>|log n| ≤ 3: n in [0.05, 20], from nearly flat to nearly a step; keeps the curve finite in float32.</summary>
    public const double LogSteepnessLimit = 3;

    private readonly Linear _curve;
    private readonly bool _fromFeatures;

    /// <param name="features">p, the number of features.</param>
    /// <param name="slot">Where the dose is.</param>
    /// <param name="initialHalfDose">K at the start of training (the median training dose): H starts at ½ there, n at 1.</param>
    /// <param name="fromFeatures">Whether K and n depend on the other features; false keeps u_K = u_n = 0 (frozen: no gradient, no decay).</param>
    /// <param name="dtype">The parameters' element type.</param>
    /// <param name="device">The parameters' device.</param>
    public DoseResponse(int features, DoseSlot slot, double initialHalfDose, bool fromFeatures = true, ScalarType dtype = ScalarType.Float32, Device? device = null)
        : base(nameof(DoseResponse))
    {
        Slot = slot;
        _fromFeatures = fromFeatures;
        _curve = nn.Linear(features, 2, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
        using (no_grad())
        {
            _curve.weight!.zero_();
            using Tensor start = tensor(new[] { (float)Math.Log(initialHalfDose), 0f }, dtype: dtype, device: device);
            _curve.bias!.copy_(start);
        }
        // A shared curve keeps its weights at zero (frozen): the ONNX graph's Gemm reads them, and Compute skips them (the
        // same numbers for finite features; a non-finite feature gives NaN in the graph's product but not here).
        if (!fromFeatures) _curve.weight!.requires_grad_(false);
    }

    /// <summary>Whether K and n read the other features (<see cref="GimOptions.DoseCurveFromFeatures"/>).</summary>
    public bool FromFeatures => _fromFeatures;

    public DoseSlot Slot { get; }

    /// <summary>[u_K; u_n], 2 × p (the dose slot's column is never used).</summary>
    public Linear Curve => _curve;

    /// <summary>H(c) per row, [..., 1], for standardised features <paramref name="features"/> and <paramref name="masked"/> = z'.</summary>
    public override Tensor forward(Tensor features, Tensor masked) => Compute(Input(features), masked, CurveWeight, _curve.bias!).Fraction;

    /// <summary>u_K, u_n (2 × p) when K and n read the features; null for a shared curve, whose weights are frozen zeros.</summary>
    private Tensor? CurveWeight => _fromFeatures ? _curve.weight : null;

    /// <summary>H(c), K and n per row, [..., 1] each (K in the dose's own unit): what <see cref="forward"/> computes, and K.</summary>
    public (Tensor Fraction, Tensor HalfEffectDose, Tensor Steepness) Evaluate(Tensor features, Tensor masked)
    {
        var (fraction, logHalfEffect, steepness) = Compute(Input(features), masked, CurveWeight, _curve.bias!);
        return (fraction, logHalfEffect.exp(), steepness);
    }

    /// <summary>The dose of each row of standardised features, as the curve reads it: log max(c, floor) and [c > floor].</summary>
    public DoseInput Input(Tensor features) => DoseInput.Of(Slot.Concentration(features.narrow(-1, Slot.Index, 1) * Slot.Scale + Slot.Mean), Slot.Floor);

    /// <summary>
    /// H(c), log K and n per row: the one place the curve is computed (log K stays a log: training needs no K), for the
    /// curve's weights [2, p] and bias [2] (or R stacked ones, [R, 2, p] and [R, 2], with <paramref name="masked"/> [R, K, p]);
    /// a shared curve (no weights: they are zeros) is its bias on every row.
    /// </summary>
    public static (Tensor Fraction, Tensor LogHalfEffect, Tensor Steepness) Compute(DoseInput dose, Tensor masked, Tensor? curveWeight, Tensor curveBias)
    {
        Tensor[] curve = (curveWeight is null
            ? curveBias.unsqueeze(-2).expand(masked.shape[..^1].Append(curveBias.shape[^1]).ToArray())
            : InterventionEncoder.Affine(masked, curveWeight, curveBias)).split(1, -1);
        Tensor steepness = curve[1].clamp(-LogSteepnessLimit, LogSteepnessLimit).exp();
        // Exactly 0 at the vehicle, however shallow the curve (at n = 0.05, σ(n·(log floor − log K)) is still ≈ 0.3).
        return ((steepness * (dose.LogDose - curve[0])).sigmoid() * dose.Dosed, curve[0], steepness);
    }
}

/// <summary>
/// A dose as the curve reads it: <see cref="LogDose"/> = log max(c, floor) and <see cref="Dosed"/> = [c &gt; floor] (1 or 0),
/// per row ([..., 1]). Data, not parameters: training computes them once, prediction per call.
/// </summary>
internal sealed record DoseInput(Tensor LogDose, Tensor Dosed)
{
    /// <summary>The input for raw doses <paramref name="dose"/> ([..., 1]) and the slot's floor.</summary>
    public static DoseInput Of(Tensor dose, double floor) => new(dose.clamp_min(floor).log(), (dose > floor).to_type(dose.dtype));
}
