namespace Gim.MLNet.Scoring;

/// <summary>One method's line of a <see cref="Leaderboard"/>: its fit time and, per split, its metrics and predict time, or what failed.</summary>
public sealed class LeaderboardRow
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, double>> _metrics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _predictSeconds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PerturbationEvaluation> _evaluations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _splitErrors = new(StringComparer.Ordinal);

    internal LeaderboardRow(string method) => Method = method;

    /// <summary>The name the method was given.</summary>
    public string Method { get; }

    /// <summary>Seconds the method's fit took; null when it failed.</summary>
    public double? FitSeconds { get; internal set; }

    /// <summary>Why the fit failed (exception type and message); null when it succeeded.</summary>
    public string? FitError { get; internal set; }

    /// <summary>Per split: seconds to transform the split and read the predictions (the transformer runs lazily, so both count).</summary>
    public IReadOnlyDictionary<string, double> PredictSeconds => _predictSeconds;

    /// <summary>Per split: the averaged metrics (<see cref="PerturbationEvaluation.Metrics"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics => _metrics;

    /// <summary>Per split: the full evaluation with per-context rows (when the comparison keeps them, its default).</summary>
    public IReadOnlyDictionary<string, PerturbationEvaluation> Evaluations => _evaluations;

    /// <summary>Per split: why predicting or evaluating it failed.</summary>
    public IReadOnlyDictionary<string, string> SplitErrors => _splitErrors;

    /// <summary>Everything that failed, in one line ("fit: ..." or "split 'x': ..."); null when nothing did.</summary>
    public string? Error => FitError is not null ? $"fit: {FitError}"
        : _splitErrors.Count == 0 ? null
        : string.Join("; ", _splitErrors.Select(e => $"split '{e.Key}': {e.Value}"));

    /// <summary>True when Fit and every split succeeded.</summary>
    public bool Succeeded => Error is null;

    /// <summary>
    /// A value of the row: <see cref="PerturbationMetrics.FitSeconds"/> (any split), <see cref="PerturbationMetrics.PredictSeconds"/>,
    /// or a metric of <paramref name="split"/>. NaN when absent (a failure, a metric not computed) or undefined.
    /// </summary>
    /// <param name="split">The split's name.</param>
    /// <param name="metric">A <see cref="PerturbationMetrics"/> name.</param>
    public double Value(string split, string metric)
    {
        if (metric == PerturbationMetrics.FitSeconds) return FitSeconds ?? double.NaN;
        if (metric == PerturbationMetrics.PredictSeconds) return _predictSeconds.TryGetValue(split, out double s) ? s : double.NaN;
        return _metrics.TryGetValue(split, out var values) && values.TryGetValue(metric, out double v) ? v : double.NaN;
    }

    internal void AddSplit(string split, double predictSeconds, PerturbationEvaluation evaluation, bool keep)
    {
        _predictSeconds[split] = predictSeconds;
        _metrics[split] = evaluation.Metrics;
        if (keep) _evaluations[split] = evaluation;
    }

    internal void AddSplitError(string split, string error) => _splitErrors[split] = error;

    /// <summary>Scores that are not an evaluation of predicted cells (a learned graph's), under a split name of their own.</summary>
    internal void AddScores(string split, IReadOnlyDictionary<string, double> scores) => _metrics[split] = scores;

    internal bool HasValue(string split, string metric) =>
        metric == PerturbationMetrics.FitSeconds ? FitSeconds is not null
        : metric == PerturbationMetrics.PredictSeconds ? _predictSeconds.ContainsKey(split)
        : _metrics.TryGetValue(split, out var values) && values.ContainsKey(metric);
}
