using System.Globalization;
using Gim.MLNet.Scoring;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// Runs <see cref="PerturbationCatalog.SearchHyperparameters{TParams}"/>: one seeded context split, then a
/// <see cref="PerturbationCatalog.Compare"/> of one estimator per candidate on it, ranked by one metric.
/// </summary>
internal static class HyperparameterSearch
{
    public const string ValidationSplit = "validation";

    public static HyperparameterSearchResult<TParams> Run<TParams>(MLContext mlContext, IDataView data, IEnumerable<TParams> candidates,
        Func<TParams, IEstimator<ITransformer>> createEstimator, HyperparameterSearchOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(createEstimator);
        ArgumentNullException.ThrowIfNull(options.Evaluation, "options.Evaluation");
        bool lowerIsBetter = PerturbationMetrics.IsLowerBetter(options.Metric); // also rejects unknown names up front
        if (PerturbationMetrics.Nominal(options.Metric) is double nominal)
            throw new ArgumentException($"HyperparameterSearchOptions.Metric '{options.Metric}' is calibrated near {nominal:0.00}, not better higher or lower; " +
                "tune on a distribution or mean metric (mmd, energy, mean_rmse...) and read the coverage in the result's table.", nameof(options));
        bool maximize = options.Maximize ?? !lowerIsBetter;
        if (options.MaxTrials < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxTrials, "HyperparameterSearchOptions.MaxTrials must be 0 (default) or positive.");
        List<TParams> trials = Choose(candidates.ToList(), options, seed);

        PerturbationEvaluationOptions evaluation = options.Evaluation;
        // With covariate controls, each level's own control (another line's vehicle) stays in training, as CrossValidate keeps it.
        ContextSplit split = ContextSplitter.Split(data, options.ValidationFraction, evaluation.ContextColumnName,
            evaluation.ControlColumnName, evaluation.ControlContextValue, seed, options.GroupColumnName,
            EvaluationData.LevelControlContexts(data, evaluation));
        var methods = trials.Select((candidate, i) => new EstimatorComparison.Method(
            string.Create(CultureInfo.InvariantCulture, $"#{i} {candidate}"), () => createEstimator(candidate))).ToList();
        Leaderboard table = EstimatorComparison.Run(mlContext, methods, split.Train,
            new[] { new KeyValuePair<string, IDataView>(ValidationSplit, split.Validation) },
            new ComparisonOptions { Evaluation = evaluation, Progress = options.Progress, CancellationToken = options.CancellationToken, KeepEvaluations = false });

        var results = table.Rows.Select((row, i) => new HyperparameterTrial<TParams>(i, row.Method, trials[i],
            row.Value(ValidationSplit, options.Metric), row.FitSeconds ?? double.NaN, row.Value(ValidationSplit, PerturbationMetrics.PredictSeconds),
            row.Error, row)).ToList();
        HyperparameterTrial<TParams>? best = null;
        foreach (var trial in results)
        {
            if (double.IsNaN(trial.Score)) continue;
            if (best is null || (maximize ? trial.Score > best.Score : trial.Score < best.Score)) best = trial;
        }
        if (best is null)
        {
            string reasons = string.Join("\n", results.Select(t => $"  {t.Name}: {t.Error ?? $"metric '{options.Metric}' not reported"}"));
            throw new InvalidOperationException($"SearchHyperparameters: no trial produced a value of '{options.Metric}' on the validation contexts:\n{reasons}");
        }
        return new HyperparameterSearchResult<TParams>(options.Metric, maximize, results, best, table, split);
    }

    private static List<TParams> Choose<TParams>(List<TParams> candidates, HyperparameterSearchOptions options, int seed)
    {
        if (candidates.Count == 0) throw new ArgumentException("SearchHyperparameters: give at least one candidate.", nameof(candidates));
        if (options.Strategy == SearchStrategy.Grid)
            return options.MaxTrials == 0 ? candidates : candidates.Take(options.MaxTrials).ToList();
        int count = Math.Min(options.MaxTrials == 0 ? 10 : options.MaxTrials, candidates.Count);
        var shuffled = candidates.ToArray();
        // A stream distinct from the split's, so changing MaxTrials does not move the validation contexts.
        new Random(unchecked(seed * 31 + 17)).Shuffle(shuffled);
        return shuffled.Take(count).ToList();
    }
}
