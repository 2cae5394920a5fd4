namespace Gim.MLNet.Causal;

/// <summary>
/// Every number of a fitted nonlinear GIM (<see cref="CausalModelKind.Nonlinear"/>) as plain arrays:
/// what its ONNX exporter, persistence and inspection need, with no TorchSharp types.
/// </summary>
/// <remarks>
/// Encoder and standardisation as in <see cref="GimParameters"/>; <see cref="GimParameters.Graph"/> is the read-out
/// [i, j] = r_j C_ji, the bound on |∂f_j/∂x_i| (informational: import checks its shape, not its values). Causal model in standardised
/// units, H = <see cref="HiddenWidth"/>: W_jhi = FirstWeight[j·H + h, i] for i ≠ j (the diagonal groups are
/// ignored), c_jh = FirstBias[j·H + h], v_jh = OutputWeight[j, h], log w_i = 3·tanh(NormWeight[i] / 3);
/// L_ji = LinearWeight[j, i] for i ≠ j (0 when LinearWeight is null);
/// C_ji = |L_ji| + Σ_h |v_jh||W_jhi|, R_j = Σ_i C_ji w_i / w_j, r_j = min(1, κ / R_j);
/// f_j(x) = r_j (Σ_{i≠j} L_ji x_i + Σ_h v_jh tanh(Σ_{i≠j} W_jhi x_i + c_jh)). A cell is the fixed point of x = f(x) + Bias + t⊙ψ +
/// exp(LogScale + t⊙ρ)⊙ε, reached by <see cref="FixedPointIterations"/> steps from x = Bias + t⊙ψ + noise.
/// </remarks>
public sealed class NonlinearGimParameters : GimParameters
{
    /// <summary>First-layer weights, (d·H) × d: row j·H + h holds unit h of variable j's MLP; column i is cause i.</summary>
    public required float[,] FirstWeight { get; init; }

    /// <summary>First-layer biases, d·H.</summary>
    public required float[] FirstBias { get; init; }

    /// <summary>Output weights before the contraction rescaling, d × H.</summary>
    public required float[,] OutputWeight { get; init; }

    /// <summary>
    /// The mechanisms' linear term before the contraction rescaling, d × d: [j, i] is effect j, cause i (the diagonal
    /// is ignored); null for a model without it (<see cref="NonlinearCausalOptions.LinearTerm"/> false).
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

    /// <summary>Hidden units H per mechanism.</summary>
    public int HiddenWidth => OutputWeight.GetLength(1);
}
