using Gim.MLNet.Interventions;

namespace Gim.MLNet.Prediction;

/// <summary>
/// Every number of a fitted nonlinear GIM (<see cref="Causal.CausalModelKind.Nonlinear"/>) as plain arrays:
/// what its ONNX exporter, persistence and inspection need, with no TorchSharp types.
/// </summary>
/// <remarks>
/// Encoder and standardisation exactly as in <see cref="LinearGimParameters"/>. Causal model in standardised
/// units, H = <see cref="HiddenWidth"/>: W_jhi = FirstWeight[j·H + h, i] for i ≠ j (the diagonal groups are
/// ignored), c_jh = FirstBias[j·H + h], v_jh = OutputWeight[j, h], log w_i = 3·tanh(NormWeight[i] / 3);
/// L_ji = LinearWeight[j, i] for i ≠ j (0 when LinearWeight is null);
/// C_ji = |L_ji| + Σ_h |v_jh||W_jhi|, R_j = Σ_i C_ji w_i / w_j, r_j = min(1, κ / R_j);
/// f_j(x) = r_j (Σ_{i≠j} L_ji x_i + Σ_h v_jh tanh(Σ_{i≠j} W_jhi x_i + c_jh)). A cell is the fixed point of x = f(x) + Bias + t⊙ψ +
/// exp(LogScale + t⊙ρ)⊙ε, reached by <see cref="FixedPointIterations"/> steps from x = Bias + t⊙ψ + noise.
/// </remarks>
public sealed class NonlinearGimParameters : IEncoderParameters
{
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

    /// <summary>First-layer weights, (d·H) × d: row j·H + h holds unit h of variable j's MLP; column i is cause i.</summary>
    public required float[,] FirstWeight { get; init; }

    /// <summary>First-layer biases, d·H.</summary>
    public required float[] FirstBias { get; init; }

    /// <summary>Output weights before the contraction rescaling, d × H.</summary>
    public required float[,] OutputWeight { get; init; }

    /// <summary>
    /// The mechanisms' linear term before the contraction rescaling, d × d: [j, i] is effect j, cause i (the diagonal
    /// is ignored); null for a model without it (<see cref="Causal.NonlinearCausalOptions.LinearTerm"/> false).
    /// </summary>
    public float[,]? LinearWeight { get; init; }

    /// <summary>Raw weights θ of the weighted max-norm in which f contracts (log w = 3 tanh(θ/3)), d.</summary>
    public required float[] NormWeight { get; init; }

    /// <summary>κ, the contraction factor.</summary>
    public required double ContractionFactor { get; init; }

    /// <summary>Fixed-point iterations K of every equilibrium solve (and of the ONNX graph).</summary>
    public required int FixedPointIterations { get; init; }

    /// <summary>Monte Carlo draws M behind the predicted mean.</summary>
    public required int MeanSamples { get; init; }

    /// <summary>Seed of the mean's fixed standard-normal draws.</summary>
    public required int MeanSeed { get; init; }

    /// <summary>Intercepts b (standardised units).</summary>
    public required float[] Bias { get; init; }

    /// <summary>Log noise scales log s (standardised units).</summary>
    public required float[] LogScale { get; init; }

    /// <summary>The learned graph read-out, d × d: [i, j] = ‖(L_ji, W_j·i)‖₂ (informational; not read on import).</summary>
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

    /// <summary>Number of variables d.</summary>
    public int VariableCount => VariableNames.Length;

    /// <summary>Number of features p.</summary>
    public int FeatureCount => FeatureNames.Length;

    /// <summary>Hidden units H per mechanism.</summary>
    public int HiddenWidth => OutputWeight.GetLength(1);

    /// <summary>Number of heads: 2 (logits, shift) or 3 (logits, shift, log-scale).</summary>
    public int HeadCount => Interventions == InterventionKind.ShiftScale ? 3 : 2;
}
