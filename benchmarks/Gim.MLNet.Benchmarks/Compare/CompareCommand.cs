using System.Diagnostics;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Modeling;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>
/// `compare --seeds 0 1 2 3 4 [--methods control,...] --out DIR` (all methods by default): for each seed, the library's
/// in-process comparison (<see cref="ModelComparison"/>) of every method on the Hill screen of that seed, scored on the
/// partially- and fully-OOD splits (and the learned graph against the true one) by the library's scorer; the seeds'
/// leaderboards are summarised by <see cref="SeedSummary"/> into DIR/results.csv (method,split,metric,mean,sd,n_seeds)
/// and DIR/results.md.
/// </summary>
internal static class CompareCommand
{
    public const string PartialOod = "pood";
    public const string FullOod = "food";

    public static int Run(string[] args)
    {
        CompareArguments arguments;
        try
        {
            arguments = CompareArguments.Parse(args, BenchmarkMethods.All.Concat(BenchmarkMethods.Experimental).ToArray(), BenchmarkMethods.All);
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

        if (arguments.Panel) return PanelCommand.Run(arguments);

        var runs = new List<(int Seed, Leaderboard Board)>();
        var total = Stopwatch.StartNew();
        bool failed = false;
        foreach (int seed in arguments.Seeds)
        {
            HillScreen screen = HillScreen.Generate(arguments.Screen(seed));
            Leaderboard board = RunSeed(screen, seed, arguments.Methods, arguments);
            runs.Add((seed, board));
            failed |= Report(board, $"seed {seed}");
        }

        Directory.CreateDirectory(arguments.OutputDirectory);
        SeedSummary table = SeedSummary.FromLeaderboards(runs, Scoring(arguments).TopK);
        string csv = Path.Combine(arguments.OutputDirectory, "results.csv");
        string markdown = Path.Combine(arguments.OutputDirectory, "results.md");
        table.SaveCsv(csv);
        table.SaveMarkdown(markdown, $"dotnet run --project benchmarks/Gim.MLNet.Benchmarks -c Release -- {arguments.CommandLine}");
        Console.WriteLine($"done in {total.Elapsed.TotalSeconds:F1} s; wrote {csv} and results.md");
        Console.WriteLine(File.ReadAllText(markdown));
        return failed ? 1 : 0;
    }

    /// <summary>The scoring of every comparison: no median-heuristic MMD (not in the protocol's tables), Sinkhorn only when asked.</summary>
    public static ScoringOptions Scoring(CompareArguments arguments) =>
        new() { MedianHeuristicMmd = false, SinkhornEpsilon = arguments.Sinkhorn ? 1.0 : null };

    /// <summary>
    /// One seed of the Hill screen: every method fitted on its training split and scored on the partially- and fully-OOD
    /// splits (true targets from the screen's truth) and on the true graph, by the library's comparison.
    /// </summary>
    public static Leaderboard RunSeed(HillScreen screen, int seed, IReadOnlyList<string> methodNames, CompareArguments arguments)
    {
        Action<string>? log = arguments.Log ? Console.WriteLine : null;
        var methods = methodNames.Select(name =>
            new KeyValuePair<string, Func<PerturbationDataset, PerturbationModel>>(name, BenchmarkMethods.Fit(name, seed, arguments.GimOptions(seed), log)));
        ScoringOptions scoring = Scoring(arguments);
        scoring.TrueTargets = screen.PartialOod.Truth.Concat(screen.FullOod.Truth).ToDictionary(t => t.Name, t => t.Targets);
        PerturbationDataset train = screen.Train.Data, partial = screen.PartialOod.Data, full = screen.FullOod.Data;
        if (arguments.IdentityFeatures)
        {
            string[] groups = train.Contexts.Where(c => !c.IsControl).Select(c => c.Group).Distinct().ToArray();
            (train, partial, full) = (WithIdentity(train, groups), WithIdentity(partial, groups), WithIdentity(full, groups));
        }
        return ModelComparison.Run(methods, train,
            new Dictionary<string, PerturbationDataset> { [PartialOod] = partial, [FullOod] = full },
            new ModelComparisonOptions { Seed = seed, Scoring = scoring, TrueGraph = screen.TrueGraph, GraphThreshold = arguments.GraphThreshold });
    }

    /// <summary>Experiment (--identity-features): the data with one 0/1 feature per training group appended (1 on that group's contexts).</summary>
    private static PerturbationDataset WithIdentity(PerturbationDataset data, string[] groups) => new(
        data.Contexts.Select(c => new PerturbationContext(c.Name, c.Features.Concat(groups.Select(g => !c.IsControl && c.Group == g ? 1f : 0f)).ToArray(),
            c.Samples, c.IsControl, c.Group)).ToList(),
        data.VariableNames, data.FeatureNames.Concat(groups.Select(g => $"id={g}")).ToList());

    /// <summary>Prints one line per method (fit time, MMD and target AUROC per split) and any failure; true when one failed.</summary>
    public static bool Report(Leaderboard board, string prefix)
    {
        bool failed = false;
        foreach (LeaderboardRow row in board.Rows)
        {
            var summary = new[] { PartialOod, FullOod }
                .SelectMany(split => new[] { PerturbationMetrics.Mmd, PerturbationMetrics.TargetAuroc }
                    .Where(metric => !double.IsNaN(row.Value(split, metric)))
                    .Select(metric => $"{split}.{metric}={row.Value(split, metric):F4}"));
            Console.WriteLine($"{prefix} {row.Method,-20} fit {row.FitSeconds ?? double.NaN,6:F2} s  {string.Join("  ", summary)}");
            if (row.Error is string error)
            {
                Console.Error.WriteLine($"{prefix} {row.Method}: {error}");
                failed = true;
            }
        }
        return failed;
    }
}
