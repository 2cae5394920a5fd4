using Gim.MLNet.Interventions;

namespace Gim.MLNet.Prediction;

/// <summary>
/// Every number of a fitted linear GIM as plain arrays: what the ONNX exporter, persistence and
/// users who want to inspect the model need, with no TorchSharp types.
/// </summary>
/// <remarks>
/// Prediction for raw features γ: z = (γ − FeatureMean) / FeatureScale; h = SiLU layers of z;
/// heads = SkipWeight·z + SkipBias (+ FromHiddenWeight·h); heads split into [logits | shift | logScale]
/// of d each. Causal model in standardised units: A = I − Graphᵀ, x = A⁻¹(Bias + t⊙ψ + exp(LogScale + t⊙ρ)⊙ε);
/// output x·VariableScale + VariableMean.
/// </remarks>
public sealed class LinearGimParameters : IEncoderParameters
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

    /// <summary>B (d × d): B[i, j] is the effect of variable i on variable j in standardised units; zero diagonal.</summary>
    public required float[,] Graph { get; init; }

    /// <summary>Intercepts b (standardised units).</summary>
    public required float[] Bias { get; init; }

    /// <summary>Log noise scales log s (standardised units).</summary>
    public required float[] LogScale { get; init; }

    /// <summary>The intervention kind (2 heads for Shift, 3 for ShiftScale).</summary>
    public required InterventionKind Interventions { get; init; }

    /// <summary>Linear skip path, (heads·d) × p.</summary>
    public required float[,] SkipWeight { get; init; }

    /// <summary>Bias of the heads, heads·d.</summary>
    public required float[] SkipBias { get; init; }

    /// <summary>Hidden layers (weight out × in, bias), each followed by SiLU; empty for a linear encoder.</summary>
    public required IReadOnlyList<(float[,] Weight, float[] Bias)> HiddenLayers { get; init; }

    /// <summary>Map from the last hidden layer to the heads, (heads·d) × width; null for a linear encoder.</summary>
    public float[,]? FromHiddenWeight { get; init; }

    /// <summary>Number of variables d.</summary>
    public int VariableCount => VariableNames.Length;

    /// <summary>Number of features p.</summary>
    public int FeatureCount => FeatureNames.Length;

    /// <summary>Number of heads: 2 (logits, shift) or 3 (logits, shift, log-scale).</summary>
    public int HeadCount => Interventions == InterventionKind.ShiftScale ? 3 : 2;
}
