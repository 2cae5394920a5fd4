using Gim.MLNet.Data;

namespace Gim.MLNet.Causal;

/// <summary>
/// The saturating dose path of a GIM fitted with <see cref="GimOptions.DoseFeature"/> (docs/method.md, "Dose"): the
/// shifts (and log-scale changes) of a perturbation at dose c are its heads times H(c) = σ(n·(log c − log K)), with
/// [log K; log n] = <see cref="Weight"/>·z' + <see cref="Bias"/>, z' the standardised features with the dose slot set to
/// zero, log n clipped to ±3, and c = z_q·FeatureScale[q] + FeatureMean[q] floored at 10⁻⁶·FeatureScale[q] (q =
/// <see cref="FeatureIndex"/>). The encoder's heads also read z', not z.
/// </summary>
public sealed class DoseResponseParameters
{
    /// <summary>q: which feature is the dose (an index into <see cref="GimParameters.FeatureNames"/>).</summary>
    public required int FeatureIndex { get; init; }

    /// <summary>[u_K; u_n], 2 × p: how the other features move the log half-effect dose and the log steepness.</summary>
    public required float[,] Weight { get; init; }

    /// <summary>[b_K; b_n]: the log half-effect dose and log steepness of a perturbation whose other features are at their training means.</summary>
    public required float[] Bias { get; init; }

    /// <summary>
    /// How the dose feature holds the concentration c (<see cref="GimOptions.DoseEncoding"/>): c itself (the default, and
    /// every model saved before 0.10.0), or log10(1 + c), whence c = 10^v − 1.
    /// </summary>
    public DoseEncoding Encoding { get; init; } = DoseEncoding.Concentration;

    /// <summary>Throws through <paramref name="check"/> when the shapes do not fit p features.</summary>
    internal void Validate(int features, Action<bool, string> check)
    {
        check(FeatureIndex >= 0 && FeatureIndex < features, $"DoseResponse.FeatureIndex {FeatureIndex} must name one of the p features");
        check(Weight is not null && Weight.GetLength(0) == 2 && Weight.GetLength(1) == features, "DoseResponse.Weight must be 2 × p");
        check(Bias is not null && Bias.Length == 2, "DoseResponse.Bias must have 2 entries");
        check(Enum.IsDefined(Encoding), "DoseResponse.Encoding must be Concentration or Log10OnePlus");
        check(Weight is not null && Bias is not null && Weight.Cast<float>().Concat(Bias).All(float.IsFinite), "the dose response must be finite");
    }
}
