using System.Diagnostics;
using Gim.MLNet.Benchmarks.Performance;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Modeling;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Genetic;

/// <summary>
/// `perturbseq [--seeds 0 1 2 3 4] [--methods M,...] [--nonlinear] --out DIR`: for each seed, the synthetic knockdown screen
/// (<see cref="PerturbSeqScreen"/>), every method fitted on its training split and scored on the unseen singles and the
/// three kinds of held-out pairs (and the learned graph), by the library's comparison; the seeds summarised into
/// DIR/results.csv (method,split,metric,mean,sd,n_seeds) and DIR/results.md.
/// </summary>
internal static class PerturbSeqCommand
{
    public const string Usage =
        "usage: perturbseq [--seeds 0 1 2 3 4] [--methods M,M,...] [--nonlinear] [--out DIR]\n" +
        "       methods: control, training-mean, linear-features, additive, additive-mean, two-stage, gim-linear (default: all)\n" +
        "       --nonlinear: saturating tanh regulation around each regulator's baseline; default linear";

    public static readonly string[] Methods = { "control", "training-mean", "linear-features", "additive", "additive-mean", "two-stage", "gim-linear" };

    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        int[] seeds = Args.Ints(args, "--seeds", new[] { 0, 1, 2, 3, 4 });
        string[] methods = (Args.String(args, "--methods") ?? string.Join(",", Methods)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? unknown = methods.FirstOrDefault(m => !Methods.Contains(m));
        if (unknown is not null)
        {
            Console.Error.WriteLine($"perturbseq: unknown method '{unknown}'; known: {string.Join(", ", Methods)}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        bool nonlinear = args.Contains("--nonlinear");
        string output = Args.String(args, "--out") ?? "perturbseq-results";

        var runs = new List<(int Seed, Leaderboard Board)>();
        var total = Stopwatch.StartNew();
        bool failed = false;
        foreach (int seed in seeds)
        {
            var options = new PerturbSeqScreenOptions { Seed = seed, Mechanism = nonlinear ? MechanismKind.Nonlinear : MechanismKind.Linear };
            PerturbSeqScreen screen = PerturbSeqScreen.Generate(options);
            var fits = methods.Select(name => new KeyValuePair<string, Func<PerturbationDataset, PerturbationModel>>(name, Fit(name, seed)));
            Leaderboard board = ModelComparison.Run(fits, screen.Train, screen.Tests, new ModelComparisonOptions
            {
                Seed = seed,
                Scoring = new ScoringOptions { MedianHeuristicMmd = false, TrueTargets = screen.Targets },
                TrueGraph = screen.TrueGraph,
            });
            runs.Add((seed, board));
            foreach (LeaderboardRow row in board.Rows)
            {
                var summary = PerturbSeqScreen.SplitNames.Where(screen.Tests.ContainsKey)
                    .Select(split => $"{split}: mmd={row.Value(split, PerturbationMetrics.Mmd):F4} pearson_delta={row.Value(split, PerturbationMetrics.PearsonDelta):F3}");
                Console.WriteLine($"seed {seed} {row.Method,-16} fit {row.FitSeconds ?? double.NaN,6:F2} s  {string.Join("  ", summary)}");
                if (row.Error is string error)
                {
                    Console.Error.WriteLine($"seed {seed} {row.Method}: {error}");
                    failed = true;
                }
            }
        }
        Directory.CreateDirectory(output);
        SeedSummary table = SeedSummary.FromLeaderboards(runs);
        string csv = Path.Combine(output, "results.csv");
        table.SaveCsv(csv);
        table.SaveMarkdown(Path.Combine(output, "results.md"),
            $"dotnet run --project benchmarks/Gim.MLNet.Benchmarks -c Release -- perturbseq {string.Join(' ', args)}");
        Console.WriteLine($"done in {total.Elapsed.TotalSeconds:F1} s; wrote {csv} and results.md");
        return failed ? 1 : 0;
    }

    /// <summary>How to fit a method: the library's trainers with their defaults and the seed (GIM: its library defaults).</summary>
    private static Func<PerturbationDataset, PerturbationModel> Fit(string name, int seed) => name switch
    {
        "additive-mean" => data => new Peers.AdditiveTrainer(new Peers.AdditiveOptions { Seed = seed, Unseen = Peers.AdditiveUnseen.SingleMean }).Fit(data),
        _ => BenchmarkMethods.Fit(name, seed, new GimOptions { Seed = seed }),
    };
}
