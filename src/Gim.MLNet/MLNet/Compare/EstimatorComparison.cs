using System.Diagnostics;
using System.Reflection;
using Gim.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Gim.MLNet;

/// <summary>
/// Runs <see cref="PerturbationCatalog.Compare"/>: fits every method on the same training data, transforms and
/// evaluates every split, and records each failure in its method's row instead of aborting the others.
/// </summary>
internal static class EstimatorComparison
{
    /// <summary>A method to compare; creating the estimator may itself fail (a tuning factory), which counts as a fit failure.</summary>
    public sealed record Method(string Name, Func<IEstimator<ITransformer>> Create);

    public static Leaderboard Run(MLContext mlContext, IReadOnlyList<Method> methods, IDataView trainingData,
        IReadOnlyList<KeyValuePair<string, IDataView>> splits, ComparisonOptions options)
    {
        Validate(methods, trainingData, splits, options);
        CancellationToken token = options.CancellationToken;
        PerturbationEvaluationOptions evaluation = options.Evaluation.Clone();
        evaluation.CancellationToken = token;
        evaluation.Validate();
        // One evaluation space for every method and split: the training controls (test splits rarely have any).
        if (evaluation.ControlStatistics is null)
        {
            try { evaluation.ControlStatistics = ControlStatistics.FromData(trainingData, evaluation); }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Compare: the control statistics of the evaluation space come from the training data's control rows, but: {e.Message} " +
                    "Set ComparisonOptions.Evaluation.ControlStatistics to give them explicitly.", e);
            }
        }

        IHost host = ((IHostEnvironment)mlContext).Register("Compare");
        using IChannel channel = host.Start("Compare");
        var clock = Stopwatch.StartNew();
        void Report(int index, string? split, ComparisonStage stage, string? error = null)
        {
            var progress = new ComparisonProgress(methods[index].Name, index, methods.Count, split, stage, clock.Elapsed, error);
            channel.Info(MessageSensitivity.None, progress.ToString());
            options.Progress?.Report(progress);
        }

        var rows = new List<LeaderboardRow>();
        for (int i = 0; i < methods.Count; i++)
        {
            token.ThrowIfCancellationRequested();
            var row = new LeaderboardRow(methods[i].Name);
            rows.Add(row);
            Report(i, null, ComparisonStage.Fitting);
            ITransformer model;
            var watch = Stopwatch.StartNew();
            try
            {
                model = methods[i].Create().Fit(trainingData);
                row.FitSeconds = watch.Elapsed.TotalSeconds;
            }
            catch (Exception e) when (!IsOurCancellation(e, token))
            {
                row.FitError = Describe(e);
                Report(i, null, ComparisonStage.Failed, row.FitError);
                continue;
            }
            Report(i, null, ComparisonStage.Fitted);
            try
            {
                foreach (var (split, data) in splits)
                {
                    token.ThrowIfCancellationRequested();
                    Report(i, split, ComparisonStage.Evaluating);
                    try
                    {
                        watch.Restart();
                        // Transform is lazy: reading the predictions is what runs the model, so it is timed with it.
                        EvaluationData read = EvaluationData.Read(model.Transform(data), evaluation, readPredictions: true);
                        double predictSeconds = watch.Elapsed.TotalSeconds;
                        row.AddSplit(split, predictSeconds, PerturbationEvaluator.Score(read, evaluation), options.KeepEvaluations);
                        Report(i, split, ComparisonStage.Evaluated);
                    }
                    catch (Exception e) when (!IsOurCancellation(e, token))
                    {
                        row.AddSplitError(split, Describe(e));
                        Report(i, split, ComparisonStage.Failed, row.SplitErrors[split]);
                    }
                }
            }
            finally
            {
                (model as IDisposable)?.Dispose();
            }
        }
        return new Leaderboard(splits.Select(s => s.Key).ToList(), rows);
    }

    private static void Validate(IReadOnlyList<Method> methods, IDataView trainingData, IReadOnlyList<KeyValuePair<string, IDataView>> splits, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(trainingData);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Evaluation, "options.Evaluation");
        if (methods.Count == 0) throw new ArgumentException("Compare: give at least one estimator.");
        if (splits.Count == 0) throw new ArgumentException("Compare: give at least one test split.");
        CheckNames(methods.Select(m => m.Name), "estimator");
        CheckNames(splits.Select(s => s.Key), "split");
        foreach (var (name, data) in splits)
            if (data is null) throw new ArgumentNullException(nameof(splits), $"Compare: the data of split '{name}' is null.");
    }

    private static void CheckNames(IEnumerable<string> names, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"Compare: every {what} needs a non-empty name.");
            if (!seen.Add(name)) throw new ArgumentException($"Compare: the {what} name '{name}' is used twice; names label the leaderboard and must be unique.");
        }
    }

    private static bool IsOurCancellation(Exception e, CancellationToken token) =>
        e is OperationCanceledException && token.IsCancellationRequested;

    /// <summary>The innermost meaningful exception as "Type: message" (ML.NET and reflection wrap the real cause).</summary>
    internal static string Describe(Exception e)
    {
        while (e is TargetInvocationException or AggregateException { InnerExceptions.Count: 1 } && e.InnerException is not null)
            e = e.InnerException;
        return $"{e.GetType().Name}: {e.Message}";
    }
}
