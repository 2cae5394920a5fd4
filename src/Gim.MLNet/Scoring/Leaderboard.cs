using Gim.MLNet.Runtime;

namespace Gim.MLNet.Scoring;

/// <summary>
/// The result of a comparison (<see cref="ModelComparison"/>, or <c>mlContext.Perturbation().Compare</c>): one row per
/// method; columns are the fit time, then every metric and the predict time per split (and the graph metrics under
/// "graph" when the true graph was given). Prints as an aligned text table and saves as CSV and Markdown.
/// </summary>
public sealed class Leaderboard
{
    internal Leaderboard(IReadOnlyList<string> splits, IReadOnlyList<LeaderboardRow> rows, IReadOnlyCollection<string>? only = null)
    {
        Splits = splits;
        Rows = rows;
        // A metric gets a column when any method reported it on any split, so a method that has no notion of
        // targets leaves its target cells empty instead of removing the column for everyone.
        Metrics = PerturbationMetrics.All.Concat(PerturbationMetrics.Graph)
            .Where(m => (only is null || only.Contains(m)) && rows.Any(r => splits.Any(s => r.HasValue(s, m)))).ToList();
        var columns = new List<LeaderboardColumn> { new(null, PerturbationMetrics.FitSeconds) };
        foreach (string split in splits)
        {
            bool graph = split == PerturbationMetrics.GraphSplit;
            columns.AddRange(Metrics.Where(m => PerturbationMetrics.Graph.Contains(m) == graph).Select(m => new LeaderboardColumn(split, m)));
            if (!graph) columns.Add(new LeaderboardColumn(split, PerturbationMetrics.PredictSeconds));
        }
        Columns = columns;
    }

    /// <summary>The test splits, in the order given.</summary>
    public IReadOnlyList<string> Splits { get; }

    /// <summary>The metrics that have columns, in <see cref="PerturbationMetrics.All"/> order (then the graph metrics).</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>The numeric columns, in table order (the tables add "method" first and "error" last).</summary>
    public IReadOnlyList<LeaderboardColumn> Columns { get; }

    /// <summary>One row per method, in the order given.</summary>
    public IReadOnlyList<LeaderboardRow> Rows { get; }

    /// <summary>The row of a method.</summary>
    /// <param name="method">The name the estimator was given.</param>
    /// <exception cref="KeyNotFoundException">No such method.</exception>
    public LeaderboardRow this[string method] =>
        Rows.FirstOrDefault(r => r.Method == method)
        ?? throw new KeyNotFoundException($"The leaderboard has no method '{method}'; methods: {string.Join(", ", Rows.Select(r => $"'{r.Method}'"))}.");

    /// <summary>
    /// The best row on a metric of a split (lowest or highest per <see cref="PerturbationMetrics.IsLowerBetter"/>),
    /// among rows where the value exists and is not NaN; the first such row wins ties. Null when no row has a value.
    /// </summary>
    /// <param name="split">The split's name (ignored for <see cref="PerturbationMetrics.FitSeconds"/>).</param>
    /// <param name="metric">A <see cref="PerturbationMetrics"/> name.</param>
    public LeaderboardRow? Best(string split, string metric)
    {
        bool lower = PerturbationMetrics.IsLowerBetter(metric);
        LeaderboardRow? best = null;
        double bestValue = double.NaN;
        foreach (LeaderboardRow row in Rows)
        {
            double v = row.Value(split, metric);
            if (double.IsNaN(v)) continue;
            if (PerturbationMetrics.Nominal(metric) is double nominal) v = Math.Abs(v - nominal);
            if (best is null || (lower ? v < bestValue : v > bestValue)) (best, bestValue) = (row, v);
        }
        return best;
    }

    /// <summary>
    /// The same rows with only the given metric columns (fit and predict seconds are always kept): a narrower table
    /// to print, e.g. <c>board.Select(PerturbationMetrics.Mmd, PerturbationMetrics.Energy).Print(Console.Out)</c>.
    /// </summary>
    /// <param name="metrics">Metric names (<see cref="PerturbationMetrics"/>); each must be a known metric.</param>
    public Leaderboard Select(params string[] metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        foreach (string metric in metrics) PerturbationMetrics.IsLowerBetter(metric); // rejects unknown names
        return new Leaderboard(Splits, Rows, metrics.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The table as aligned plain text (numbers with 4 significant digits, "-" where a value is missing).</summary>
    public override string ToString() => LeaderboardText.Table(this);

    /// <summary>Writes <see cref="ToString"/> to <paramref name="writer"/>.</summary>
    /// <param name="writer">E.g. <see cref="Console.Out"/>.</param>
    public void Print(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(ToString());
    }

    /// <summary>
    /// The table as CSV (RFC 4180): header "method,fit_seconds,split/metric,...,error"; numbers in round-trip
    /// invariant format; empty cells where a value is missing, "NaN" where it is undefined.
    /// </summary>
    public string ToCsv() => LeaderboardText.Csv(this);

    /// <summary>The table as a GitHub-flavoured Markdown table (4 significant digits).</summary>
    public string ToMarkdown() => LeaderboardText.Markdown(this);

    /// <summary>Writes <see cref="ToCsv"/> to a file atomically (temporary file in the same directory, then rename).</summary>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    public void SaveCsv(string path) => Save(path, ToCsv());

    /// <summary>Writes <see cref="ToMarkdown"/> to a file atomically (temporary file in the same directory, then rename).</summary>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    public void SaveMarkdown(string path) => Save(path, ToMarkdown());

    private static void Save(string path, string text)
    {
        byte[] bytes = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
