using System.Globalization;
using System.Text;
using Gim.MLNet.Runtime;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>Aggregates per-seed values into mean ± sd and writes them as CSV and Markdown.</summary>
internal static class ResultTable
{
    public sealed record Row(string Method, string Split, string Metric, double Mean, double Sd, int Seeds);

    public static List<Row> Aggregate(IEnumerable<(string Method, string Split, string Metric, int Seed, double Value)> values) =>
        values.GroupBy(v => (v.Method, v.Split, v.Metric))
            .Select(g =>
            {
                double[] x = g.Select(v => v.Value).ToArray();
                double mean = x.Average();
                double sd = x.Length > 1 ? Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1)) : 0;
                return new Row(g.Key.Method, g.Key.Split, g.Key.Metric, mean, sd, x.Length);
            })
            .ToList();

    /// <param name="groupColumn">Header of the second column: "split" for compare, "task" for sachs.</param>
    public static void WriteCsv(IEnumerable<Row> rows, string path, string groupColumn = "split")
    {
        var sb = new StringBuilder($"method,{groupColumn},metric,mean,sd,n_seeds\n");
        foreach (Row r in rows)
            sb.Append(CultureInfo.InvariantCulture, $"{r.Method},{r.Split},{r.Metric},{r.Mean:G6},{r.Sd:G6},{r.Seeds}\n");
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    public static void WriteMarkdown(IReadOnlyList<Row> rows, string path, string commandLine)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Command: `dotnet run --project benchmarks/Gim.MLNet.Benchmarks -c Release -- {commandLine}`");
        sb.AppendLine();
        foreach (string split in rows.Select(r => r.Split).Distinct())
        {
            var metrics = rows.Where(r => r.Split == split).Select(r => r.Metric).Distinct().ToList();
            sb.AppendLine($"### {split}");
            sb.AppendLine();
            sb.AppendLine("| method | " + string.Join(" | ", metrics) + " |");
            sb.AppendLine("|---|" + string.Concat(metrics.Select(_ => "---|")));
            foreach (string method in rows.Select(r => r.Method).Distinct())
            {
                var cells = metrics.Select(m => rows.FirstOrDefault(r => r.Method == method && r.Split == split && r.Metric == m))
                    .Select(r => r is null ? "–" : string.Create(CultureInfo.InvariantCulture, $"{r.Mean:F4} ± {r.Sd:F4}"));
                if (rows.Any(r => r.Method == method && r.Split == split))
                    sb.AppendLine($"| {method} | " + string.Join(" | ", cells) + " |");
            }
            sb.AppendLine();
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
