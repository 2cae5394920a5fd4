using Gim.MLNet.Scoring;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// <see cref="PerturbationCatalog.Evaluate(IDataView, PerturbationEvaluationOptions)"/>: reads transformed rows grouped
/// by context (<see cref="EvaluationData"/>) and scores them with the library's one scorer (<see cref="PerturbationScorer"/>).
/// </summary>
internal static class PerturbationEvaluator
{
    public static PerturbationEvaluation Evaluate(IDataView data, PerturbationEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Score(EvaluationData.Read(data, options, readPredictions: true), options);
    }

    public static PerturbationEvaluation Score(EvaluationData data, PerturbationEvaluationOptions options)
    {
        if (data.Groups.Count == 0)
            throw new ArgumentException("The evaluated data has no rows.");
        PerturbationEvaluationOptions scoring = options.Clone();
        scoring.ControlStatistics ??= data.ControlStatisticsFromRows()
            ?? throw new ArgumentException($"The evaluated data has no control rows ({data.ControlDescription}), and no ControlStatistics were given. " +
                "Evaluation works in units standardised by the control cells: include control rows, or set PerturbationEvaluationOptions.ControlStatistics " +
                "(e.g. ControlStatistics.FromData(trainingData)).");
        if (scoring.ControlStatistics.Count != data.Variables)
            throw new ArgumentException($"The ControlStatistics describe {scoring.ControlStatistics.Count} variables but column '{options.MeasurementsColumnName}' has {data.Variables}.");
        return PerturbationScorer.Score(data.Groups.Select(g => g.ToScored(data.HasTargetProbabilities)).ToList(), scoring);
    }
}

/// <summary><c>ControlStatistics.FromData(trainingData)</c>: the control statistics of one-row-per-cell data.</summary>
public static class ControlStatisticsData
{
    extension(ControlStatistics)
    {
        /// <summary>
        /// Computes the statistics from the control rows of <paramref name="data"/> (typically the training data):
        /// the observed cells in <see cref="PerturbationEvaluationOptions.MeasurementsColumnName"/> of the rows that
        /// <see cref="PerturbationEvaluationOptions.ControlColumnName"/> or <see cref="PerturbationEvaluationOptions.ControlContextValue"/> mark.
        /// </summary>
        /// <param name="data">One row per cell, with the measurements, context and control columns.</param>
        /// <param name="options">Column names (only the measurements, context and control settings are read); null = defaults.</param>
        /// <exception cref="ArgumentException">A column is missing or mistyped, or no row is a control row.</exception>
        public static ControlStatistics FromData(IDataView data, PerturbationEvaluationOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(data);
            options = (options ?? new PerturbationEvaluationOptions()).Clone();
            options.ControlStatistics = null;
            options.Validate();
            EvaluationData read = EvaluationData.Read(data, options, readPredictions: false);
            return read.ControlStatisticsFromRows()
                ?? throw new ArgumentException($"ControlStatistics.FromData: no control rows ({read.ControlDescription}); the control statistics need the control cells.");
        }
    }
}

/// <summary><c>CovariateControls.FromData(trainingData, covariateFeatures)</c>: each covariate level's control mean from one-row-per-cell data.</summary>
public static class CovariateControlsData
{
    extension(CovariateControls)
    {
        /// <summary>
        /// Finds each covariate level of <paramref name="data"/> (typically the training data) and its own control's mean
        /// (<see cref="Data.CovariateLevels"/>), for <see cref="ScoringOptions.CovariateControls"/> in Evaluate and Compare.
        /// </summary>
        /// <param name="data">One row per cell, with the features (slot names naming them), measurements, context and control columns.</param>
        /// <param name="covariateFeatures">The feature slots that encode the covariates, e.g. <c>design.CovariateFeatureNames(...)</c>.</param>
        /// <param name="options">Column names (features, measurements, context, control); null = defaults.</param>
        /// <exception cref="ArgumentException">A column is missing or mistyped, an unknown covariate feature, no control, or a level without its own control.</exception>
        public static CovariateControls FromData(IDataView data, IReadOnlyList<string> covariateFeatures, PerturbationEvaluationOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(data);
            ArgumentNullException.ThrowIfNull(covariateFeatures);
            options ??= new PerturbationEvaluationOptions();
            if (options.ControlContextValue is null && string.IsNullOrWhiteSpace(options.ControlColumnName))
                throw new ArgumentException("CovariateControls.FromData: set PerturbationEvaluationOptions.ControlColumnName (or ControlContextValue): " +
                    "each covariate level's control is found from the control rows.", nameof(options));
            var columns = new Peers.ControlOptions
            {
                FeatureColumnName = options.FeatureColumnName, MeasurementsColumnName = options.MeasurementsColumnName,
                ContextColumnName = options.ContextColumnName, ControlColumnName = options.ControlColumnName, ControlContextValue = options.ControlContextValue,
            };
            PerturbationInputColumns.Check(data.Schema, columns, "CovariateControls.FromData", nameof(data));
            return CovariateControls.FromData(PerturbationDataReader.Read(data, columns, options.CancellationToken), covariateFeatures);
        }
    }
}
