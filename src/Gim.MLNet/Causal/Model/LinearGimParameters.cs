namespace Gim.MLNet.Causal;

/// <summary>
/// Every number of a fitted linear GIM as plain arrays: what the ONNX exporter, persistence and
/// users who want to inspect the model need, with no TorchSharp types.
/// </summary>
/// <remarks>
/// Encoder and standardisation as in <see cref="GimParameters"/>. Causal model in standardised units:
/// A = I − Graphᵀ, x = A⁻¹(Bias + t⊙ψ + exp(LogScale + t⊙ρ)⊙ε), where <see cref="GimParameters.Graph"/> holds
/// B: B[i, j] is the effect of variable i on variable j.
/// </remarks>
public sealed class LinearGimParameters : GimParameters
{
}
