using System.Diagnostics;
using System.Globalization;
using Gim.MLNet.Benchmarks.Performance;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Modeling;
using Gim.MLNet.Runtime;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Genetic;

/// <summary>
/// `perturbseq [--seeds 0 1 2 3 4] [--methods M,...] [--nonlinear] --out DIR`: for each seed, the synthetic knockdown screen
/// (<see cref="PerturbSeqScreen"/>), every method fitted on its training split and scored on the unseen singles and the
/// three kinds of held-out pairs (and the learned graph), by the library's comparison; the seeds summarised into
/// DIR/results.csv (method,split,metric,mean,sd,n_seeds) and DIR/results.md, and every GIM variant paired with every
/// other method over the seeds in DIR/paired.csv (MMD and Pearson Δ).
/// </summary>
internal static class PerturbSeqCommand
{
    public const string Usage =
        "usage: perturbseq [--seeds 0 1 2 3 4] [--methods M,M,...] [--nonlinear] [--counts] [--via-h5ad] [--out DIR]\n" +
        "       methods: control, training-mean, linear-features, additive, additive-mean, two-stage, gim-linear,\n" +
        "                gim-known-shift, gim-knockdown, gim-hard (default: all)\n" +
        "       --nonlinear: saturating tanh regulation around each regulator's baseline; default linear\n" +
        "       --counts: negative-binomial counts of the levels, normalised (normalize_total to 10^4, log1p) before every method\n" +
        "       --counts-read normalize|log1p: how --counts are read: normalize_total + log1p (default), or log1p of the raw counts\n" +
        "                   (a diagnostic: with 20 genes, normalising to a total couples every gene to every knockdown)\n" +
        "       --via-h5ad: each split written as a Norman-layout .h5ad (obs condition \"g3+g7\") and read back with AnnDataReader + CombinationLabels\n" +
        "       --guides G: G guides per gene, each its own efficiency (PerturbSeqScreenOptions.GuidesPerGene); the splits go through .h5ad files with\n" +
        "                   a guide column, read with ScreenDesign.GuideColumn: every held-out split per guide, the training split per guide too\n" +
        "                   (each guide a context with its own feature) unless --pool-guides (each condition one context, its guides pooled)\n" +
        "       --cell-lines L: every condition in L cell lines (PerturbSeqScreenOptions.CellLines), each line's baselines moved by N(0, s²)\n" +
        "                   (--line-shift s, default 1) and its edge weights by the factor 1 + N(0, c²) (--line-rewiring c, default 0);\n" +
        "                   the baselines draw from and measure shifts from each line's own control (their CovariateFeatures), and so\n" +
        "                   does the scoring; GIM's CovariateFeatures are the line indicators unless --gim-covariates off (plain features)";

    public static readonly string[] Methods = { "control", "training-mean", "linear-features", "additive", "additive-mean", "two-stage", "gim-linear", "gim-known-shift", "gim-knockdown", "gim-hard" };

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
        bool counts = args.Contains("--counts");
        bool viaH5ad = args.Contains("--via-h5ad");
        int guides = Args.Int(args, "--guides", 1);
        bool poolGuides = args.Contains("--pool-guides");
        string? guideError = guides is < 1 or > 10 ? "--guides takes 1 to 10"
            : poolGuides && guides == 1 ? "--pool-guides needs --guides 2 or more"
            : guides > 1 && viaH5ad ? "--guides already reads every split through .h5ad files (with their guide column); leave --via-h5ad out"
            : null;
        if (guideError is not null)
        {
            Console.Error.WriteLine($"perturbseq: {guideError}\n{Usage}");
            return 2;
        }
        if (guides > 1 && !poolGuides && methods.FirstOrDefault(m => m.StartsWith("additive", StringComparison.Ordinal)) is string additive)
        {
            Console.Error.WriteLine($"perturbseq: {additive} reads one 0/1 feature per single perturbation; trained per guide (a gene's and its guide's features) it has no singles. Run it with --pool-guides.");
            return 2;
        }
        string countsRead = Args.String(args, "--counts-read") ?? (args.Contains("--counts-read") ? "" : "normalize");
        if (args.Contains("--counts-read") && !counts)
        {
            Console.Error.WriteLine($"perturbseq: --counts-read says how --counts are read; add --counts\n{Usage}");
            return 2;
        }
        if (countsRead is not ("normalize" or "log1p"))
        {
            Console.Error.WriteLine($"perturbseq: --counts-read takes normalize or log1p\n{Usage}");
            return 2;
        }
        int cellLines = Args.Int(args, "--cell-lines", 1);
        double lineShift = Args.Double(args, "--line-shift", 1);
        double lineRewiring = Args.Double(args, "--line-rewiring", 0);
        string gimCovariates = Args.String(args, "--gim-covariates") ?? "on";
        string? lineError = cellLines is < 1 or > 10 ? "--cell-lines takes 1 to 10"
            : cellLines > 1 && (viaH5ad || guides > 1) ? "--cell-lines runs in memory only: leave out --via-h5ad and --guides"
            : cellLines == 1 && (args.Contains("--line-shift") || args.Contains("--line-rewiring") || args.Contains("--gim-covariates")) ? "--line-shift, --line-rewiring and --gim-covariates need --cell-lines 2 or more"
            : gimCovariates is not ("on" or "off") ? "--gim-covariates takes on or off"
            : null;
        if (lineError is not null)
        {
            Console.Error.WriteLine($"perturbseq: {lineError}\n{Usage}");
            return 2;
        }
        string output = Args.String(args, "--out") ?? "perturbseq-results";

        var runs = new List<(int Seed, Leaderboard Board)>();
        var total = Stopwatch.StartNew();
        bool failed = false;
        foreach (int seed in seeds)
        {
            var options = new PerturbSeqScreenOptions
            {
                Seed = seed,
                Mechanism = nonlinear ? MechanismKind.Nonlinear : MechanismKind.Linear,
                ReadOut = counts ? PerturbSeqReadOut.Counts : PerturbSeqReadOut.Gaussian,
                GuidesPerGene = guides,
                CellLines = cellLines,
                CellLineShift = lineShift,
                CellLineRewiring = lineRewiring,
            };
            PerturbSeqScreen screen = PerturbSeqScreen.Generate(options);
            // Counts go through the single-cell preprocessing every method then reads (as a scanpy user would run it).
            PerturbationDataset Read(string split) => viaH5ad ? ThroughH5ad(screen, split) : split == "train" ? screen.Train : screen.Tests[split];
            PerturbationDataset Preprocess(PerturbationDataset raw) => !counts ? raw : countsRead switch
            {
                "log1p" => Log1p(raw),
                _ => CountNormalization.NormalizeTotalLog1p(raw),
            };
            PerturbationDataset train, rawTrain;
            IReadOnlyDictionary<string, PerturbationDataset> tests;
            IReadOnlyDictionary<string, bool[]> truth = screen.Targets;
            if (guides > 1)
            {
                rawTrain = ThroughGuides(screen, "train", pool: poolGuides, null);
                train = Preprocess(rawTrain);
                tests = screen.Tests.ToDictionary(t => t.Key, t => Preprocess(ThroughGuides(screen, t.Key, pool: false, rawTrain.FeatureNames)));
                // The true targets by context name: a guide's context ("g3+ctrl|guide=g3_sg2") has its condition's.
                truth = train.Contexts.Concat(tests.Values.SelectMany(t => t.Contexts)).Select(c => c.Name).Distinct()
                    .ToDictionary(name => name, name => screen.Targets[name.Split('|')[0]], StringComparer.Ordinal);
            }
            else
            {
                train = Preprocess(Read("train"));
                tests = screen.Tests.ToDictionary(t => t.Key, t => Preprocess(Read(t.Key)));
            }
            // With several lines: the line indicators are every baseline's covariates (and GIM's unless --gim-covariates off).
            IReadOnlyList<string>? lines = cellLines > 1 ? screen.LineFeatures : null;
            var fits = methods.Select(name => new KeyValuePair<string, Func<PerturbationDataset, PerturbationModel>>(name,
                Fit(name, seed, lines, gimCovariates == "on" ? lines : null)));
            Leaderboard board = ModelComparison.Run(fits, train, tests, new ModelComparisonOptions
            {
                Seed = seed,
                CovariateFeatures = lines,
                Scoring = new ScoringOptions { MedianHeuristicMmd = false, TrueTargets = truth },
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
        // Every GIM variant against every other method, paired over the seeds (95% t intervals of method − baseline).
        var paired = new List<string> { "method,baseline,split,metric,seeds,mean_difference,lower,upper,wins,ties,losses" };
        foreach (string method in methods.Where(m => m.StartsWith("gim-", StringComparison.Ordinal)))
            foreach (string baseline in methods.Where(m => m != method))
                foreach (PairedComparison p in table.Paired(method, baseline).Where(p => p.Metric is PerturbationMetrics.Mmd or PerturbationMetrics.PearsonDelta))
                    paired.Add(string.Join(",", p.Method, p.Baseline, p.Split, p.Metric, p.Seeds, p.MeanDifference.ToString("R", CultureInfo.InvariantCulture),
                        p.Lower.ToString("R", CultureInfo.InvariantCulture), p.Upper.ToString("R", CultureInfo.InvariantCulture), p.Wins, p.Ties, p.Losses));
        AtomicFile.WriteAllText(Path.Combine(output, "paired.csv"), string.Join("\n", paired) + "\n");
        Console.WriteLine($"done in {total.Elapsed.TotalSeconds:F1} s; wrote {csv}, results.md and paired.csv");
        return failed ? 1 : 0;
    }

    /// <summary>
    /// The split as a user's file gives it: written as a Norman-layout .h5ad, read back with <see cref="Data.AnnData.AnnDataReader"/>
    /// and <see cref="CombinationLabels"/> (every targeted gene an indicator, in the screen's order).
    /// </summary>
    private static PerturbationDataset ThroughH5ad(PerturbSeqScreen screen, string split) => ThroughFile(screen, split,
        table => table.ToPerturbationDataset("condition", new[] { "ctrl" }, Array.Empty<string>(), new CombinationLabels { Perturbations = screen.TargetedGenes.ToArray() }));

    /// <summary>
    /// A split of a screen with several guides a gene, as a user's file gives it: written as an .h5ad with obs condition and
    /// guide, read back with a <see cref="ScreenDesign"/> over the condition labels (every targeted gene an indicator), per
    /// guide (<see cref="ScreenDesign.GuideColumn"/>: each guide a context with its own feature) or, with
    /// <paramref name="pool"/>, per condition; a held-out split with the training split's <paramref name="featureNames"/>
    /// (a model fitted on pooled conditions has no guide features: its guides' contexts then differ only in their cells).
    /// </summary>
    private static PerturbationDataset ThroughGuides(PerturbSeqScreen screen, string split, bool pool, IReadOnlyList<string>? featureNames) =>
        ThroughFile(screen, split, table => table.ToPerturbationDataset(new ScreenDesign("condition", "ctrl")
        {
            Combinations = new CombinationLabels { Perturbations = screen.TargetedGenes.ToArray() },
            GuideColumn = pool ? null : "guide",
            FeatureNames = featureNames,
        }));

    /// <summary>
    /// <see cref="PerturbSeqScreen.WriteH5ad"/>'s file of <paramref name="split"/>, read back by <paramref name="read"/>; a
    /// held-out file carries the control cells too, and the split scored is its perturbations.
    /// </summary>
    private static PerturbationDataset ThroughFile(PerturbSeqScreen screen, string split, Func<Data.AnnData.AnnDataTable, PerturbationDataset> read)
    {
        string path = Path.Combine(Path.GetTempPath(), $"gim-perturbseq-{Guid.NewGuid():N}.h5ad");
        try
        {
            screen.WriteH5ad(path, split);
            PerturbationDataset data = read(Data.AnnData.AnnDataReader.Read(path));
            return split == "train" ? data : new PerturbationDataset(data.Contexts.Where(c => !c.IsControl).ToList(), data.VariableNames, data.FeatureNames);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// How to fit a method: the library's trainers with their defaults and the seed (GIM: its library defaults); the
    /// baselines with <paramref name="covariates"/> as their CovariateFeatures, GIM with <paramref name="gimCovariates"/>.
    /// </summary>
    private static Func<PerturbationDataset, PerturbationModel> Fit(string name, int seed, IReadOnlyList<string>? covariates, IReadOnlyList<string>? gimCovariates) => name switch
    {
        "gim-known-shift" => data => new GimTrainer(Known(seed, KnownTargetKind.Shift, gimCovariates)).Fit(data),
        "gim-knockdown" => data => new GimTrainer(Known(seed, KnownTargetKind.Knockdown, gimCovariates)).Fit(data),
        "gim-hard" => data => new GimTrainer(Known(seed, KnownTargetKind.Hard, gimCovariates)).Fit(data),
        "additive-mean" => data => new Peers.AdditiveTrainer(new Peers.AdditiveOptions { Seed = seed, Unseen = Peers.AdditiveUnseen.SingleMean, CovariateFeatures = covariates }).Fit(data),
        _ => BenchmarkMethods.Fit(name, seed, new GimOptions { Seed = seed, CovariateFeatures = gimCovariates }, covariates: covariates),
    };

    private static GimOptions Known(int seed, KnownTargetKind kind, IReadOnlyList<string>? covariates) =>
        new() { Seed = seed, KnownTargets = kind, CalibrationFolds = 0, CovariateFeatures = covariates };

    /// <summary>log1p of every count, no normalisation (<c>--counts-read log1p</c>).</summary>
    private static PerturbationDataset Log1p(PerturbationDataset counts) => new(counts.Contexts.Select(c =>
    {
        var x = new float[c.SampleCount, counts.VariableCount];
        for (int i = 0; i < c.SampleCount; i++)
            for (int j = 0; j < counts.VariableCount; j++) x[i, j] = MathF.Log(1 + c.Samples[i, j]);
        return new PerturbationContext(c.Name, c.Features, x, c.IsControl, c.Group);
    }).ToList(), counts.VariableNames, counts.FeatureNames);
}
