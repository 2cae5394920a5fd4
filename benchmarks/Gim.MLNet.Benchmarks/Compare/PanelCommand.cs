using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Runtime;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>
/// `compare --panel`: every method on every screen family of <see cref="HillScreenPanel"/>, seed by seed, through the same
/// comparison as `compare`; one table per family, all of it in panel.csv, every method paired with the simple baselines
/// over seeds (paired.csv), and summary.md: per family and split, who is best, who is indistinguishable from the best,
/// and who is better or worse than predicting no effect.
/// </summary>
internal static class PanelCommand
{
    /// <summary>The baselines every method is paired with.</summary>
    private static readonly string[] Baselines = { "control", "training-mean" };

    /// <summary>The (split, metric) pairs the summary reads; MMD is the headline, the others see through it.</summary>
    private static readonly (string Split, string Metric)[] Headline =
    {
        (CompareCommand.FullOod, PerturbationMetrics.Mmd), (CompareCommand.FullOod, PerturbationMetrics.MeanRmse),
        (CompareCommand.FullOod, PerturbationMetrics.PearsonDeltaPerturbed),
        (CompareCommand.PartialOod, PerturbationMetrics.Mmd), (CompareCommand.PartialOod, PerturbationMetrics.MeanRmse),
    };

    public static int Run(CompareArguments arguments)
    {
        var families = arguments.Families.Count > 0 ? arguments.Families.Select(HillScreenPanel.Family).ToList() : HillScreenPanel.Families.ToList();
        var total = Stopwatch.StartNew();
        var summaries = new List<(HillScreenFamily Family, SeedSummary Summary, double Seconds)>();
        bool failed = false;
        foreach (HillScreenFamily family in families)
        {
            var clock = Stopwatch.StartNew();
            List<string> methods = MethodsFor(family, arguments);
            var runs = new List<(int Seed, Leaderboard Board)>();
            foreach (int seed in arguments.Seeds)
            {
                HillScreen screen = family.Generate(seed);
                Leaderboard board = CompareCommand.RunSeed(screen, seed, methods, arguments);
                runs.Add((seed, board));
                failed |= CompareCommand.Report(board, $"{family.Name} seed {seed}");
            }
            SeedSummary summary = SeedSummary.FromLeaderboards(runs, CompareCommand.Scoring(arguments).TopK);
            string folder = Path.Combine(arguments.OutputDirectory, family.Name);
            summary.SaveCsv(Path.Combine(folder, "results.csv"));
            summary.SaveMarkdown(Path.Combine(folder, "results.md"), Command(arguments), $"family **{family.Name}**: {family.Description}");
            summaries.Add((family, summary, clock.Elapsed.TotalSeconds));
            Console.WriteLine($"{family.Name}: {clock.Elapsed.TotalSeconds:F0} s ({total.Elapsed.TotalMinutes:F1} min so far)");
        }

        Directory.CreateDirectory(arguments.OutputDirectory);
        AtomicFile.WriteAllText(Path.Combine(arguments.OutputDirectory, "panel.csv"), PanelCsv(summaries));
        AtomicFile.WriteAllText(Path.Combine(arguments.OutputDirectory, "paired.csv"), PairedCsv(summaries));
        string markdown = Summary(summaries, arguments, total.Elapsed);
        AtomicFile.WriteAllText(Path.Combine(arguments.OutputDirectory, "summary.md"), markdown);
        Console.WriteLine(markdown);
        Console.WriteLine($"done in {total.Elapsed.TotalMinutes:F1} min; wrote {arguments.OutputDirectory}/panel.csv, paired.csv, summary.md and one folder per family");
        return failed ? 1 : 0;
    }

    /// <summary>The given methods; by default every method but gim-nonlinear, which joins on the nonlinear family only.</summary>
    private static List<string> MethodsFor(HillScreenFamily family, CompareArguments arguments)
    {
        if (arguments.MethodsGiven) return arguments.Methods.ToList();
        var methods = arguments.Methods.Where(m => m != "gim-nonlinear").ToList();
        if (family.Name == "nonlinear") methods.Add("gim-nonlinear");
        return methods;
    }

    private static string Command(CompareArguments arguments) => $"dotnet run --project benchmarks/Gim.MLNet.Benchmarks -c Release -- {arguments.CommandLine}";

    private static string PanelCsv(IEnumerable<(HillScreenFamily Family, SeedSummary Summary, double Seconds)> summaries)
    {
        // results.csv's columns with the family in front.
        var sb = new StringBuilder($"family,{SeedSummary.CsvHeader()}\n");
        foreach (var (family, summary, _) in summaries)
            foreach (SeedSummaryRow r in summary.Rows)
                sb.Append(family.Name).Append(',').Append(SeedSummary.CsvLine(r)).Append('\n');
        return sb.ToString();
    }

    private static string PairedCsv(IEnumerable<(HillScreenFamily Family, SeedSummary Summary, double Seconds)> summaries)
    {
        var sb = new StringBuilder("family,method,baseline,split,metric,n_seeds,mean_difference,lower95,upper95,wins,ties,losses\n");
        foreach (var (family, summary, _) in summaries)
            foreach (string baseline in Baselines.Where(b => summary.Rows.Any(r => r.Method == b)))
                foreach (string method in summary.Rows.Select(r => r.Method).Distinct().Where(m => m != baseline))
                    foreach (PairedComparison p in summary.Paired(method, baseline))
                        sb.Append(CultureInfo.InvariantCulture,
                            $"{family.Name},{p.Method},{p.Baseline},{p.Split},{p.Metric},{p.Seeds},{p.MeanDifference:G6},{p.Lower:G6},{p.Upper:G6},{p.Wins},{p.Ties},{p.Losses}\n");
        return sb.ToString();
    }

    /// <summary>
    /// Per headline (split, metric): a table of every family × method (mean ± sd; best in bold, "=" when the paired 95%
    /// interval against the best contains zero, "↓" when significantly worse than control, "↑" when significantly better),
    /// then per method the number of families where it is best, tied with the best, better and worse than control.
    /// </summary>
    private static string Summary(IReadOnlyList<(HillScreenFamily Family, SeedSummary Summary, double Seconds)> summaries,
        CompareArguments arguments, TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Command: `{Command(arguments)}` — {elapsed.TotalMinutes:F1} min, seeds {string.Join(" ", arguments.Seeds)}.");
        sb.AppendLine();
        sb.AppendLine("Families: " + string.Join("; ", summaries.Select(s => $"**{s.Family.Name}** ({s.Seconds:F0} s) — {s.Family.Description}")));
        sb.AppendLine();
        var methods = summaries.SelectMany(s => s.Summary.Rows.Select(r => r.Method)).Distinct().ToList();
        foreach (var (split, metric) in Headline)
        {
            bool lower = PerturbationMetrics.IsLowerBetter(metric);
            var counts = methods.ToDictionary(m => m, _ => new int[4]); // best, tied, better than control, worse than control
            sb.AppendLine($"### {split} {metric} ({(lower ? "lower" : "higher")} is better)");
            sb.AppendLine();
            sb.AppendLine("| family | " + string.Join(" | ", methods) + " |");
            sb.AppendLine("|---|" + string.Concat(methods.Select(_ => "---|")));
            foreach (var (family, summary, _) in summaries)
            {
                var rows = summary.Rows.Where(r => r.Split == split && r.Metric == metric && !double.IsNaN(r.Mean)).ToDictionary(r => r.Method);
                if (rows.Count == 0) continue;
                // Only a method scored on every seed can be best: a mean over the seeds it survived is not comparable.
                var complete = rows.Values.Where(r => r.Seeds == arguments.Seeds.Count).ToList();
                string? best = complete.Count == 0 ? null : (lower ? complete.MinBy(r => r.Mean) : complete.MaxBy(r => r.Mean))!.Method;
                var cells = new List<string>();
                foreach (string method in methods)
                {
                    if (!rows.TryGetValue(method, out SeedSummaryRow? row)) { cells.Add("–"); continue; }
                    string text = string.Create(CultureInfo.InvariantCulture, $"{row.Mean:F4} ± {row.Sd:F4}");
                    if (row.Seeds < arguments.Seeds.Count) text += $" ({row.Seeds}/{arguments.Seeds.Count} seeds)";
                    if (method == best) { text = $"**{text}**"; counts[method][0]++; }
                    else if (best is not null && Paired(summary, method, best, split, metric) is { Seeds: > 1 } p && !p.SignificantlyBetter(lower) && !p.SignificantlyWorse(lower))
                    {
                        text += " =";
                        counts[method][1]++;
                    }
                    if (method != "control" && Paired(summary, method, "control", split, metric) is { Seeds: > 1 } c)
                    {
                        if (c.SignificantlyBetter(lower)) { text += " ↑"; counts[method][2]++; }
                        if (c.SignificantlyWorse(lower)) { text += " ↓"; counts[method][3]++; }
                    }
                    cells.Add(text);
                }
                sb.AppendLine($"| {family.Name} | " + string.Join(" | ", cells) + " |");
            }
            sb.AppendLine();
            sb.AppendLine("| method | best | tied with best | better than control | worse than control |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (string method in methods)
                sb.AppendLine($"| {method} | {counts[method][0]} | {counts[method][1]} | {(method == "control" ? "–" : counts[method][2].ToString(CultureInfo.InvariantCulture))} | {(method == "control" ? "–" : counts[method][3].ToString(CultureInfo.InvariantCulture))} |");
            sb.AppendLine();
        }
        sb.AppendLine("Bold: best mean among the methods scored on every seed (\"k/n seeds\" marks one that failed on some). \"=\": the paired 95% interval (over seeds) of the difference from the best contains 0. " +
            "↑ / ↓: the paired interval of the difference from control lies entirely on the better / worse side.");
        return sb.ToString();
    }

    private static PairedComparison? Paired(SeedSummary summary, string method, string baseline, string split, string metric) =>
        summary.Rows.Any(r => r.Method == baseline && r.Split == split && r.Metric == metric)
            ? PairedComparison.Of(method, baseline, split, metric, summary.Values(method, split, metric), summary.Values(baseline, split, metric))
            : null;
}
