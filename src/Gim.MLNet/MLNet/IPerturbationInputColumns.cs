namespace Gim.MLNet.MLNet;

/// <summary>
/// The input columns every perturbation estimator reads (GIM and its peers), so one reader and one set of
/// schema checks serve them all.
/// </summary>
internal interface IPerturbationInputColumns
{
    string FeatureColumnName { get; }

    string MeasurementsColumnName { get; }

    string ContextColumnName { get; }

    string? ControlColumnName { get; }

    string? ControlContextValue { get; }

    /// <summary>True when the fitted transformer reads cells from the measurements column (GIM's counterfactual mode).</summary>
    bool ReadsMeasurementsAtPrediction { get; }

    /// <summary>The options type as users write it ("GimEstimator.Options"), for error messages.</summary>
    string OptionsName { get; }
}
