namespace Gim.MLNet.Peers;

/// <summary>
/// The weights of a peer's feature MLP as plain arrays (for ONNX export and inspection):
/// h₀ = standardised features; hₗ = SiLU(Wₗ hₗ₋₁ + bₗ); output = W_out h_L + b_out. Weights are out × in.
/// </summary>
/// <param name="HiddenLayers">Weight (out × in) and bias of each hidden layer; empty for a linear map.</param>
/// <param name="OutputWeight">Output layer weight, outputs × (width or features).</param>
/// <param name="OutputBias">Output layer bias.</param>
public sealed record MlpParameters(IReadOnlyList<(float[,] Weight, float[] Bias)> HiddenLayers, float[,] OutputWeight, float[] OutputBias);
