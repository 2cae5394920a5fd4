using System.Diagnostics;
using System.Globalization;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>
/// `compare --seeds 0 1 2 3 4 [--methods control,...] --out DIR` (all methods by default): fits every method on the
/// Hill screen of each seed, scores it on the partially- and fully-OOD splits and writes
/// DIR/results.csv (method,split,metric,mean,sd,n_seeds) and DIR/results.md.
/// </summary>
internal static class CompareCommand
{
    private static readonly string[] AllMethods = { "control", "nearest-context", "mean-shift", "conditional-gaussian", "two-stage", "gim-linear", "gim-nonlinear" };

    public static int Run(string[] args)
    {
        CompareArguments arguments;
        try
        {
            arguments = CompareArguments.Parse(args, AllMethods);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"compare: {e.Message}");
            Console.Error.WriteLine(CompareArguments.Usage);
            return 2;
        }
        if (arguments.Help)
        {
            Console.WriteLine(CompareArguments.Usage);
            return 0;
        }

        var rows = new List<(string Method, string Split, string Metric, int Seed, double Value)>();
        var total = Stopwatch.StartNew();
        foreach (int seed in arguments.Seeds)
        {
            var screen = HillScreen.Generate(arguments.Screen(seed));
            Standardizer standardizer = Standardizer.FitRows(screen.Train.Data.Controls.Select(c => c.Samples), screen.Train.Data.VariableCount);
            double[] controlMean = MeanMetrics.ColumnMeans(standardizer.Transform(screen.Train.Data.Controls.First().Samples));
            foreach (string name in arguments.Methods)
            {
                using IBenchmarkMethod method = CreateMethod(name, arguments, seed);
                var clock = Stopwatch.StartNew();
                method.Fit(screen.Train.Data);
                double fitSeconds = clock.Elapsed.TotalSeconds;
                foreach (HillScreenSplit split in new[] { screen.PartialOod, screen.FullOod })
                {
                    string splitName = split == screen.PartialOod ? "pood" : "food";
                    var metrics = SplitEvaluator.Evaluate(method, split, standardizer, controlMean, arguments.Sinkhorn, seed);
                    metrics["fit_seconds"] = fitSeconds;
                    foreach (var (metric, value) in metrics)
                        rows.Add((name, splitName, metric, seed, value));
                }
                if (method.Graph is double[,] graph)
                    foreach (var (metric, value) in SplitEvaluator.EvaluateGraph(graph, screen.TrueGraph, arguments.GraphThreshold))
                        rows.Add((name, "graph", metric, seed, value));
                var summary = rows.Where(r => r.Method == name && r.Seed == seed && r.Metric is "mmd" or "target_auroc")
                    .Select(r => $"{r.Split}.{r.Metric}={r.Value:F4}");
                Console.WriteLine($"seed {seed} {name,-20} fit {fitSeconds,6:F2} s  {string.Join("  ", summary)}");
            }
        }

        Directory.CreateDirectory(arguments.OutputDirectory);
        var table = ResultTable.Aggregate(rows);
        ResultTable.WriteCsv(table, Path.Combine(arguments.OutputDirectory, "results.csv"));
        ResultTable.WriteMarkdown(table, Path.Combine(arguments.OutputDirectory, "results.md"), arguments.CommandLine);
        Console.WriteLine($"done in {total.Elapsed.TotalSeconds:F1} s; wrote {Path.Combine(arguments.OutputDirectory, "results.csv")} and results.md");
        Console.WriteLine(File.ReadAllText(Path.Combine(arguments.OutputDirectory, "results.md")));
        return 0;
    }

    private static IBenchmarkMethod CreateMethod(string name, CompareArguments arguments, int seed) => name switch
    {
        "control" => new BaselineMethod(name, data => new ControlTrainer().Fit(data)),
        "nearest-context" => new BaselineMethod(name, data => new NearestContextTrainer().Fit(data)),
        "mean-shift" => new BaselineMethod(name, data => new MeanShiftTrainer(new MeanShiftOptions { Seed = seed }).Fit(data)),
        "conditional-gaussian" => new BaselineMethod(name, data => new ConditionalGaussianTrainer(new ConditionalGaussianOptions { Seed = seed }).Fit(data)),
        "two-stage" => new BaselineMethod(name, data => new TwoStageCausalTrainer(new TwoStageCausalOptions { Seed = seed }).Fit(data)),
        "gim-linear" => new GimMethod(name, arguments.GimOptions(seed), arguments.WarmStart),
        "gim-nonlinear" => NonlinearGimMethod.Create(name, arguments.GimOptions(seed)),
        _ => throw new ArgumentException($"unknown method '{name}'"),
    };
}
