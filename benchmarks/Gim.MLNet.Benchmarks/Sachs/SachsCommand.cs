using System.Diagnostics;
using Gim.MLNet.Benchmarks.Compare;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Sachs;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Sachs;

/// <summary>
/// `sachs --seeds 0 1 2 3 4 --out DIR`: the three Sachs tasks of BENCHMARK.md §4 (log values, control cd3cd28)
/// for GIM and every peer, plus the leave-one-condition-out sanity check. Each seed drives the 80/20 split and
/// the training. The leave-one-condition-out check runs on the first --loco-seeds seeds (3). Writes DIR/results.csv (method,task,metric,mean,sd,n_seeds) and DIR/results.md.
/// </summary>
internal static class SachsCommand
{
    public static int Run(string[] args)
    {
        SachsArguments arguments;
        try
        {
            arguments = SachsArguments.Parse(args, SachsMethods.All);
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
                void Add(string task, string metric, double value) => rows.Add((name, task, metric, seed, value));
                using IBenchmarkMethod method = SachsMethods.Create(name, arguments, seed);
                var clock = Stopwatch.StartNew();
                method.Fit(train);
                double fitSeconds = clock.Elapsed.TotalSeconds;

                SachsCellScores cells = SachsTasks.ScoreCells(SachsMethods.Predictor(method), train, test, seed);
                Add("heldout_cells", "mmd", cells.Mmd);
                Add("heldout_cells", "energy", cells.Energy);
                Add("heldout_cells", "mean_rmse", cells.MeanRmse);
                Add("heldout_cells", "pearson_delta", cells.PearsonDelta);
                Add("heldout_cells", "fit_seconds", fitSeconds);
                foreach (SachsConditionScore s in cells.PerCondition)
                    Add("heldout_mmd_by_condition", s.Condition, s.Mmd);

                string summary = $"mmd={cells.Mmd:F4} rmse={cells.MeanRmse:F3}";
                if (SachsTasks.ScoreTargets(SachsMethods.Predictor(method), data) is SachsTargetScore targets)
                {
                    Add("targets", "auroc", targets.Auroc);
                    Add("targets", "auprc", targets.Auprc);
                    summary += $" targets.auroc={targets.Auroc:F3}";
                }
                if (method.Graph is double[,] graph)
                {
                    SachsGraphScore g = SachsTasks.ScoreGraph(graph, arguments.GraphThreshold);
                    Add("graph", "auroc", g.Auroc);
                    Add("graph", "auprc", g.Auprc);
                    Add("graph", "skeleton_auroc", g.SkeletonAuroc);
                    Add("graph", "shd", g.Shd);
                    Add("graph", "edges", g.PredictedEdges);
                    Add("graph", "shd_top17", g.ShdTopK);
                    summary += $" graph.auroc={g.Auroc:F3} shd={g.Shd}";
                }
                if (arguments.Seeds.IndexOf(seed) < arguments.LeaveOneConditionOutSeeds)
                    foreach (var (task, metric, value) in LeaveOneConditionOut.Run(() => SachsMethods.Create(name, arguments, seed), train, test, seed))
                        Add(task, metric, value);
                Console.WriteLine($"seed {seed} {name,-20} fit {fitSeconds,5:F2} s  {summary}  ({total.Elapsed.TotalSeconds:F0} s)");
            }
        }

        Directory.CreateDirectory(arguments.OutputDirectory);
        var table = ResultTable.Aggregate(rows);
        string csv = Path.Combine(arguments.OutputDirectory, "results.csv");
        ResultTable.WriteCsv(table, csv, groupColumn: "task");
        ResultTable.WriteMarkdown(table, Path.Combine(arguments.OutputDirectory, "results.md"), arguments.CommandLine);
        Console.WriteLine($"done in {total.Elapsed.TotalSeconds:F1} s; wrote {csv} and results.md");
        Console.WriteLine(File.ReadAllText(Path.Combine(arguments.OutputDirectory, "results.md")));
        return 0;
    }
}
