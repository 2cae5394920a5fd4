using System.Diagnostics;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Sachs;
using Gim.MLNet.Modeling;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Sachs;

/// <summary>
/// `sachs --seeds 0 1 2 3 4 --out DIR`: the three Sachs tasks of BENCHMARK.md §4 (log values, control cd3cd28)
/// for GIM and every peer, plus the leave-one-condition-out sanity check. Each seed drives the 80/20 split and
/// the training. The leave-one-condition-out check runs on the first --loco-seeds seeds (3). Writes DIR/results.csv (method,task,metric,mean,sd,n_seeds) and DIR/results.md.
/// </summary>
internal static class SachsCommand
{
    /// <summary>The methods `sachs` runs (GIM with the linear causal model only: the nonlinear one was not tuned for Sachs).</summary>
    public static readonly string[] SachsMethods = BenchmarkMethods.All.Where(m => m != "gim-nonlinear").ToArray();

    public static int Run(string[] args)
    {
        SachsArguments arguments;
        try
        {
            arguments = SachsArguments.Parse(args, SachsMethods);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"sachs: {e.Message}");
            Console.Error.WriteLine(SachsArguments.Usage);
            return 2;
        }
        if (arguments.Help)
        {
            Console.WriteLine(SachsArguments.Usage);
            return 0;
        }

        var total = Stopwatch.StartNew();
        PerturbationDataset data = SachsDataset.Load();
        var rows = new List<(string Method, string Split, string Metric, int Seed, double Value)>();
        foreach (int seed in arguments.Seeds)
        {
            var (train, test) = SachsDataset.Split(data, seed);
            foreach (string name in arguments.Methods)
            {
                Func<PerturbationDataset, PerturbationModel> fit = BenchmarkMethods.Fit(name, seed, arguments.GimOptions(seed));
                var clock = Stopwatch.StartNew();
                IReadOnlyList<(string Task, string Metric, double Value)> results;
                using (PerturbationModel model = fit(train))
                {
                    double fitSeconds = clock.Elapsed.TotalSeconds;
                    var tasks = SachsTasks.Results(model, train, test, data, seed, arguments.GraphThreshold).ToList();
                    // The fit time goes with the held-out cells' averages, as the tables have always shown it.
                    tasks.Insert(tasks.FindLastIndex(r => r.Task == SachsTasks.HeldOutCellsTask) + 1, (SachsTasks.HeldOutCellsTask, PerturbationMetrics.FitSeconds, fitSeconds));
                    results = tasks;
                }
                if (arguments.Seeds.IndexOf(seed) < arguments.LeaveOneConditionOutSeeds)
                    results = results.Concat(SachsTasks.LeaveOneConditionOut(fit, train, test, seed)).ToList();
                rows.AddRange(results.Select(r => (name, r.Task, r.Metric, seed, r.Value)));
                string summary = string.Join(" ", results.Where(r => r.Task is SachsTasks.HeldOutCellsTask or SachsTasks.TargetsTask or SachsTasks.GraphTask
                        && r.Metric is PerturbationMetrics.Mmd or PerturbationMetrics.MeanRmse or SachsTasks.Auroc or PerturbationMetrics.Shd or PerturbationMetrics.FitSeconds)
                    .Select(r => $"{r.Task}.{r.Metric}={r.Value:G4}"));
                Console.WriteLine($"seed {seed} {name,-20} {summary}  ({total.Elapsed.TotalSeconds:F0} s)");
            }
        }

        Directory.CreateDirectory(arguments.OutputDirectory);
        SeedSummary table = SeedSummary.FromValues(rows);
        string csv = Path.Combine(arguments.OutputDirectory, "results.csv");
        string markdown = Path.Combine(arguments.OutputDirectory, "results.md");
        table.SaveCsv(csv, groupColumn: "task");
        table.SaveMarkdown(markdown, $"dotnet run --project benchmarks/Gim.MLNet.Benchmarks -c Release -- {arguments.CommandLine}");
        Console.WriteLine($"done in {total.Elapsed.TotalSeconds:F1} s; wrote {csv} and results.md");
        Console.WriteLine(File.ReadAllText(markdown));
        return 0;
    }
}
