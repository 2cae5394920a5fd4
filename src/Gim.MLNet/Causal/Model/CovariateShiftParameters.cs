namespace Gim.MLNet.Causal;

/// <summary>
/// The covariates' intercept shift of a GIM fitted with <see cref="GimOptions.CovariateFeatures"/> (docs/method.md,
/// "Covariates"): every variable's intercept moves by β = <see cref="Weight"/>·x_cov, x_cov the raw values of the features
/// <see cref="FeatureIndices"/> (x = z·FeatureScale + FeatureMean), whatever the targets; neither the dose curve nor the
/// novelty calibration scales it.
/// </summary>
public sealed class CovariateShiftParameters
{
    /// <summary>Which features are covariates (indices into <see cref="GimParameters.FeatureNames"/>), c of them.</summary>
    public required int[] FeatureIndices { get; init; }

    /// <summary>U, d × c (standardised variable units per unit of each covariate).</summary>
    public required float[,] Weight { get; init; }

    /// <summary>Throws through <paramref name="check"/> when the shapes do not fit d variables and p features.</summary>
    internal void Validate(int variables, int features, Action<bool, string> check)
    {
        check(FeatureIndices is { Length: > 0 } && FeatureIndices.All(q => q >= 0 && q < features) && FeatureIndices.Distinct().Count() == FeatureIndices.Length,
            "CovariateShift.FeatureIndices must name distinct features among the p");
        check(Weight is not null && Weight.GetLength(0) == variables && Weight.GetLength(1) == (FeatureIndices?.Length ?? -1),
            "CovariateShift.Weight must be d × (number of covariates)");
        check(Weight is not null && Weight.Cast<float>().All(float.IsFinite), "the covariate shift must be finite");
    }
}
