using System.Globalization;
using System.Text;
using Gim.MLNet.Runtime;

namespace Gim.MLNet.Scoring;

/// <summary>One line of a <see cref="SeedSummary"/>: a method's metric on a split, over seeds.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="Split">The split (or task) the metric was measured on.</param>
/// <param name="Metric">The metric's label (<see cref="PerturbationMetrics.Label"/>).</param>
/// <param name="Mean">Mean over seeds.</param>
/// <param name="Sd">Sample standard deviation over seeds (0 for one seed).</param>
/// <param name="Seeds">How many seeds.</param>
public sealed record SeedSummaryRow(string Method, string Split, string Metric, double Mean, double Sd, int Seeds);

/// <summary>
/// Results over several seeds (each seed one data set and one fit per method): the per-seed values and their mean and
/// standard deviation per (method, split, metric), as the benchmarks publish them. The CSV has the columns
/// <c>method,split,metric,mean,sd,n_seeds</c>, which scripts outside the repository read.
/// </summary>
public sealed class SeedSummary
{
    private readonly List<(string Method, string Split, string Metric, int Seed, double Value)> _values;

    private SeedSummary(List<(string Method, string Split, string Metric, int Seed, double Value)> values)
    {
        var twice = values.GroupBy(v => (v.Method, v.Split, v.Metric, v.Seed)).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (twice is { } t)
            throw new ArgumentException($"SeedSummary: seed {t.Seed} has two values for {t.Method} / {t.Split} / {t.Metric}; " +
                "each seed must count once (was a seed listed twice?).", nameof(values));
        _values = values;
        Rows = values.GroupBy(v => (v.Method, v.Split, v.Metric))
            .Select(g =>
            {
                double[] x = g.Select(v => v.Value).ToArray();
                double mean = x.Average();
                double sd = x.Length > 1 ? Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1)) : 0;
                return new SeedSummaryRow(g.Key.Method, g.Key.Split, g.Key.Metric, mean, sd, x.Length);
            })
            .ToList();
    }

    /// <summary>One row per (method, split, metric), in the order the values first appeared.</summary>
    public IReadOnlyList<SeedSummaryRow> Rows { get; }

    /// <summary>From raw values (method, split or task, metric label, seed, value).</summary>
    /// <param name="values">Every value, seed by seed.</param>
    public static SeedSummary FromValues(IEnumerable<(string Method, string Split, string Metric, int Seed, double Value)> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new SeedSummary(values.ToList());
    }

    /// <summary>
    /// From one leaderboard per seed: every metric of every split (labelled with <paramref name="topK"/>), then the fit
    /// seconds under each split (as the benchmark tables have always shown them) and the predict seconds.
    /// </summary>
    /// <param name="runs">The seed and the leaderboard of that seed's comparison.</param>
    /// <param name="topK">The k of "r2_topk" in those comparisons (it names the metric, e.g. "r2_top5").</param>
    public static SeedSummary FromLeaderboards(IEnumerable<(int Seed, Leaderboard Board)> runs, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var values = new List<(string, string, string, int, double)>();
        foreach (var (seed, board) in runs)
            foreach (LeaderboardRow row in board.Rows)
                foreach (string split in board.Splits)
                {
                    foreach (string metric in board.Metrics)
                        if (row.Metrics.TryGetValue(split, out var metrics) && metrics.TryGetValue(metric, out double v))
                            values.Add((row.Method, split, PerturbationMetrics.Label(metric, topK), seed, v));
                    if (split == PerturbationMetrics.GraphSplit) continue;
                    if (row.FitSeconds is double fit && row.Metrics.ContainsKey(split))
                        values.Add((row.Method, split, PerturbationMetrics.FitSeconds, seed, fit));
                    if (row.PredictSeconds.TryGetValue(split, out double predict))
                        values.Add((row.Method, split, PerturbationMetrics.PredictSeconds, seed, predict));
                }
        return new SeedSummary(values);
    }

    /// <summary>The per-seed values of one (method, split, metric), by seed.</summary>
    /// <param name="method">The method.</param>
    /// <param name="split">The split or task.</param>
    /// <param name="metric">The metric's label.</param>
    public IReadOnlyDictionary<int, double> Values(string method, string split, string metric) =>
        _values.Where(v => v.Method == method && v.Split == split && v.Metric == metric).ToDictionary(v => v.Seed, v => v.Value);

    /// <summary>
    /// <paramref name="method"/> against <paramref name="baseline"/> on every split and metric both have, paired over
    /// seeds (<see cref="PairedComparison"/>); the timing rows are left out.
    /// </summary>
    /// <param name="method">The method.</param>
    /// <param name="baseline">The method it is compared with.</param>
    public IReadOnlyList<PairedComparison> Paired(string method, string baseline) =>
        Rows.Where(r => r.Method == method && r.Metric is not PerturbationMetrics.FitSeconds and not PerturbationMetrics.PredictSeconds)
            .Where(r => Rows.Any(b => b.Method == baseline && b.Split == r.Split && b.Metric == r.Metric))
            .Select(r => PairedComparison.Of(method, baseline, r.Split, r.Metric, Values(method, r.Split, r.Metric), Values(baseline, r.Split, r.Metric)))
            .ToList();

    /// <summary>The table as CSV: <c>method,{groupColumn},metric,mean,sd,n_seeds</c>, numbers with 6 significant digits.</summary>
    /// <param name="groupColumn">Header of the second column: "split" (comparisons) or "task" (Sachs).</param>
    public string ToCsv(string groupColumn = "split")
    {
        var sb = new StringBuilder($"{CsvHeader(groupColumn)}\n");
        foreach (SeedSummaryRow r in Rows) sb.Append(CsvLine(r)).Append('\n');
        return sb.ToString();
    }

    /// <summary>The CSV header, <c>method,{groupColumn},metric,mean,sd,n_seeds</c>.</summary>
    internal static string CsvHeader(string groupColumn = "split") => $"method,{groupColumn},metric,mean,sd,n_seeds";

    /// <summary>One row as a CSV line (no newline), numbers with 6 significant digits.</summary>
    internal static string CsvLine(SeedSummaryRow r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Method},{r.Split},{r.Metric},{r.Mean:G6},{r.Sd:G6},{r.Seeds}");

    /// <summary>The table as Markdown, one table per split (mean ± sd), after the command that made it.</summary>
    /// <param name="command">The command line, shown above the tables.</param>
    /// <param name="note">Optional text after the command (what the run was).</param>
    public string ToMarkdown(string command, string? note = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine(note is null ? $"Command: `{command}`" : $"Command: `{command}` — {note}");
        sb.AppendLine();
        foreach (string split in Rows.Select(r => r.Split).Distinct())
        {
            var metrics = Rows.Where(r => r.Split == split).Select(r => r.Metric).Distinct().ToList();
            sb.AppendLine($"### {split}");
            sb.AppendLine();
            sb.AppendLine("| method | " + string.Join(" | ", metrics) + " |");
            sb.AppendLine("|---|" + string.Concat(metrics.Select(_ => "---|")));
            foreach (string method in Rows.Select(r => r.Method).Distinct())
            {
                if (!Rows.Any(r => r.Method == method && r.Split == split)) continue;
                var cells = metrics.Select(m => Rows.FirstOrDefault(r => r.Method == method && r.Split == split && r.Metric == m))
                    .Select(r => r is null ? "–" : string.Create(CultureInfo.InvariantCulture, $"{r.Mean:F4} ± {r.Sd:F4}"));
                sb.AppendLine($"| {method} | " + string.Join(" | ", cells) + " |");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> atomically.</summary>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    /// <param name="groupColumn">Header of the second column.</param>
    public void SaveCsv(string path, string groupColumn = "split") => AtomicFile.WriteAllText(path, ToCsv(groupColumn));

    /// <summary>Writes <see cref="ToMarkdown"/> atomically.</summary>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    /// <param name="command">The command line, shown above the tables.</param>
    /// <param name="note">Optional text after the command.</param>
    public void SaveMarkdown(string path, string command, string? note = null) => AtomicFile.WriteAllText(path, ToMarkdown(command, note));
}
