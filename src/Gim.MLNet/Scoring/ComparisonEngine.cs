using System.Diagnostics;
using System.Reflection;

namespace Gim.MLNet.Scoring;

/// <summary>
/// The loop every comparison runs, in process (<see cref="ModelComparison"/>) or through ML.NET
/// (<c>mlContext.Perturbation().Compare</c>): fit each method (timed), predict each split (timed), score it with
/// <see cref="PerturbationScorer"/>, report progress, and record a failure in its method's row instead of
/// aborting the others. What "fit" and "predict" mean is the caller's.
/// </summary>
internal static class ComparisonEngine
{
    /// <summary>A method to compare: its name and how to fit it (which may itself fail).</summary>
    public sealed record Method<TFitted>(string Name, Func<TFitted> Fit);

    /// <param name="methods">The methods, in leaderboard order.</param>
    /// <param name="splits">The split names, in order.</param>
    /// <param name="predict">A fitted method's predictions on split i, as the scorer takes them (timed as "predict").</param>
    /// <param name="scoring">The scoring settings (control statistics already set).</param>
    /// <param name="progress">Optional progress sink.</param>
    /// <param name="log">Optional log of each progress line.</param>
    /// <param name="keepEvaluations">Keep each split's full evaluation in the rows.</param>
    /// <param name="afterFit">Optional extra scores of a fitted method (e.g. its graph), added as the split "graph"; a failure is recorded as that split's error.</param>
    /// <param name="annotate">Optional untimed additions to a split's predictions before scoring (e.g. the model's density of the observed cells), so "predict" times prediction only.</param>
    public static Leaderboard Run<TFitted>(IReadOnlyList<Method<TFitted>> methods, IReadOnlyList<string> splits,
        Func<TFitted, int, IReadOnlyList<ScoredContext>> predict, ScoringOptions scoring, IProgress<ComparisonProgress>? progress,
        Action<string>? log, bool keepEvaluations, Func<TFitted, IReadOnlyDictionary<string, double>?>? afterFit = null,
        Func<TFitted, int, IReadOnlyList<ScoredContext>, IReadOnlyList<ScoredContext>>? annotate = null)
    {
        CancellationToken token = scoring.CancellationToken;
        var clock = Stopwatch.StartNew();
        void Report(int index, string? split, ComparisonStage stage, string? error = null)
        {
            var report = new ComparisonProgress(methods[index].Name, index, methods.Count, split, stage, clock.Elapsed, error);
            log?.Invoke(report.ToString());
            progress?.Report(report);
        }

        var rows = new List<LeaderboardRow>();
        bool anyGraph = false;
        for (int i = 0; i < methods.Count; i++)
        {
            token.ThrowIfCancellationRequested();
            var row = new LeaderboardRow(methods[i].Name);
            rows.Add(row);
            Report(i, null, ComparisonStage.Fitting);
            TFitted model;
            var watch = Stopwatch.StartNew();
            try
            {
                model = methods[i].Fit();
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
                for (int s = 0; s < splits.Count; s++)
                {
                    token.ThrowIfCancellationRequested();
                    Report(i, splits[s], ComparisonStage.Evaluating);
                    try
                    {
                        watch.Restart();
                        IReadOnlyList<ScoredContext> predicted = predict(model, s);
                        double predictSeconds = watch.Elapsed.TotalSeconds;
                        if (annotate is not null) predicted = annotate(model, s, predicted);
                        row.AddSplit(splits[s], predictSeconds, PerturbationScorer.Score(predicted, scoring), keepEvaluations);
                        Report(i, splits[s], ComparisonStage.Evaluated);
                    }
                    catch (Exception e) when (!IsOurCancellation(e, token))
                    {
                        row.AddSplitError(splits[s], Describe(e));
                        Report(i, splits[s], ComparisonStage.Failed, row.SplitErrors[splits[s]]);
                    }
                }
                if (afterFit is not null)
                {
                    try
                    {
                        if (afterFit(model) is { } extra)
                        {
                            row.AddScores(PerturbationMetrics.GraphSplit, extra);
                            anyGraph = true;
                        }
                    }
                    catch (Exception e) when (!IsOurCancellation(e, token))
                    {
                        row.AddSplitError(PerturbationMetrics.GraphSplit, Describe(e));
                        Report(i, PerturbationMetrics.GraphSplit, ComparisonStage.Failed, row.SplitErrors[PerturbationMetrics.GraphSplit]);
                        anyGraph = true;
                    }
                }
            }
            finally
            {
                (model as IDisposable)?.Dispose();
            }
        }
        return new Leaderboard(anyGraph ? splits.Append(PerturbationMetrics.GraphSplit).ToList() : splits, rows);
    }

    /// <summary>Checks what a comparison is given: at least one method and split, distinct non-empty names, no null split.</summary>
    /// <param name="methods">The methods' names.</param>
    /// <param name="what">What a method is called in messages ("estimator", "method").</param>
    /// <param name="splits">The splits' names and data.</param>
    public static void CheckInputs(IReadOnlyList<string> methods, string what, IReadOnlyList<(string Name, object? Data)> splits)
    {
        if (methods.Count == 0) throw new ArgumentException($"Compare: give at least one {what}.");
        if (splits.Count == 0) throw new ArgumentException("Compare: give at least one test split.");
        CheckNames(methods, what);
        CheckNames(splits.Select(s => s.Name), "split");
        foreach (var (name, data) in splits)
            if (data is null) throw new ArgumentNullException("testSplits", $"Compare: the data of split '{name}' is null.");
    }

    /// <summary>Throws when a name is empty or used twice (names label the leaderboard).</summary>
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
