using Gim.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Gim.MLNet;

/// <summary>
/// Runs <see cref="PerturbationCatalog.Compare"/>: the library's comparison loop (<see cref="ComparisonEngine"/>) with
/// ML.NET estimators: fit on the training view, transform each split and read its rows back grouped by context.
/// </summary>
internal static class EstimatorComparison
{
    /// <summary>A method to compare; creating the estimator may itself fail (a tuning factory), which counts as a fit failure.</summary>
    public sealed record Method(string Name, Func<IEstimator<ITransformer>> Create);

    public static Leaderboard Run(MLContext mlContext, IReadOnlyList<Method> methods, IDataView trainingData,
        IReadOnlyList<KeyValuePair<string, IDataView>> splits, ComparisonOptions options)
    {
        Validate(methods, trainingData, splits, options);
        PerturbationEvaluationOptions evaluation = options.Evaluation.Clone();
        evaluation.CancellationToken = options.CancellationToken;
        evaluation.Validate();
        // One evaluation space for every method and split: the training controls (test splits rarely have any); and one
        // reference for "pearson_delta_pert": the mean of the training perturbations.
        if (evaluation.ControlStatistics is null || evaluation.PerturbedReference is null)
        {
            EvaluationData train;
            try
            {
                train = EvaluationData.Read(trainingData, evaluation, readPredictions: false);
                evaluation.ControlStatistics ??= train.ControlStatisticsFromRows()
                    ?? throw new ArgumentException($"no control rows ({train.ControlDescription}); the control statistics need the control cells.");
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Compare: the control statistics of the evaluation space come from the training data's control rows, but: {e.Message} " +
                    "Set ComparisonOptions.Evaluation.ControlStatistics to give them explicitly.", e);
            }
            evaluation.PerturbedReference ??= train.PerturbedMean();
        }

        // With covariate controls, every split's contexts must be of a training level: checked here, before any fit.
        foreach (var (name, split) in splits)
            try
            {
                EvaluationData.CheckCovariateLevels(split, evaluation);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Compare: split '{name}': {e.Message}", e);
            }

        IHost host = ((IHostEnvironment)mlContext).Register("Compare");
        using IChannel channel = host.Start("Compare");
        var compared = methods.Select(m => new ComparisonEngine.Method<ITransformer>(m.Name, () => m.Create().Fit(trainingData))).ToList();
        return ComparisonEngine.Run(compared, splits.Select(s => s.Key).ToList(),
            // Transform is lazy: reading the predictions is what runs the model, so it is timed with it.
            (model, s) => EvaluationData.Read(model.Transform(splits[s].Value), evaluation, readPredictions: true)
                .Groups.Select(g => g.ToScored(g.HasTargetProbabilities)).ToList(),
            evaluation, options.Progress, line => channel.Info(MessageSensitivity.None, line), options.KeepEvaluations);
    }

    private static void Validate(IReadOnlyList<Method> methods, IDataView trainingData, IReadOnlyList<KeyValuePair<string, IDataView>> splits, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(trainingData);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Evaluation, "options.Evaluation");
        ComparisonEngine.CheckInputs(methods.Select(m => m.Name).ToList(), "estimator", splits.Select(s => (s.Key, (object?)s.Value)).ToList());
    }
}
