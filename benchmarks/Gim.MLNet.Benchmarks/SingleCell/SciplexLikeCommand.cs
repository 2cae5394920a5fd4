using System.Diagnostics;
using Gim.MLNet.Benchmarks.Performance;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Modeling;
using Gim.MLNet.Runtime;
using Gim.MLNet.Scoring;
using Microsoft.ML;

namespace Gim.MLNet.Benchmarks.SingleCell;

/// <summary>
/// `sciplex-like`: issue 19's benchmark on the built-in single-cell screen (<see cref="SingleCellScreen"/>, raw counts written
/// to .h5ad and read back as a user's file would be): per family and seed, counts normalised to 10,000 per cell and log1p,
/// the most variable genes chosen on the training cells only, then two splits — held-out doses (every drug's highest dose,
/// the GIM paper's split) and held-out drugs (the last drugs, every dose) — every method fitted on the training contexts
/// and scored by the library's comparison (MMD, E-distance in PCA space, Pearson Δ over the top-20 shifted genes...), the
/// seeds summarised with paired 95% t intervals. With several cell lines (<c>--cell-lines 2</c>) every context is scored
/// against its own line's vehicle cells and the simple baselines predict from them (<see cref="CovariateLevels"/>).
/// </summary>
internal static class SciplexLikeCommand
{
    public const string Usage =
        "usage: sciplex-like [--seeds 0 1 2 3 4] [--families linear,tanh,uninformative] [--methods M,...] [--genes 200] [--hvg 100]\n" +
        "                    [--drugs 12] [--held-out-drugs 3] [--cell-lines 1] [--cells-per-condition 40] [--vehicle-cells 160]\n" +
        "                    [--graph-rank R] [--steps N] [--gim-dose curve|per-drug|linear] [--gim-covariates on|off]\n" +
        "                    [--perturbation-indicators on|off] [--progress] [--out DIR]\n" +
        "       --graph-rank R: gim-linear trains its graph as B = U Vᵀ of rank R (GimOptions.GraphRank; default 0, dense)\n" +
        "       --cell-lines 2: every context is scored against its own line's vehicle, and the simple baselines predict from it\n" +
        "       --gim-dose: GIM's shifts follow its saturating dose curve of the log10(1+dose) feature (GimOptions.DoseFeature with\n" +
        "                   DoseEncoding Log10OnePlus), one curve per drug from its features (per-drug, DoseCurveFromFeatures: the default\n" +
        "                   since 0.11.0) or one shared by all drugs (curve, 0.10.0's), or move linearly with that feature as every\n" +
        "                   other method's do (linear)\n" +
        "       --gim-covariates: with several lines, GIM's CovariateFeatures are the line indicators (on) or unset (off)\n" +
        "       --perturbation-indicators: every method's features include a 0/1 indicator per training drug besides its descriptors\n" +
        "                   (ScreenDesign.PerturbationIndicators; on, the default) or only the descriptors (off, 0.10.0's features)\n" +
        "       --progress: a line as each method's fit and each split's scoring start and end";

    public static readonly string[] Methods = { "control", "training-mean", "linear-features", "nearest-context", "mean-shift", "conditional-gaussian", "two-stage", "gim-linear" };

    private static readonly Dictionary<string, (MechanismKind Mechanism, double Informativeness)> Families = new()
    {
        ["linear"] = (MechanismKind.Linear, 0.8),
        ["tanh"] = (MechanismKind.Nonlinear, 0.8),
        ["uninformative"] = (MechanismKind.Linear, 0.0),
    };

    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        int[] seeds = Args.Ints(args, "--seeds", new[] { 0, 1, 2, 3, 4 });
        string[] families = (Args.String(args, "--families") ?? string.Join(",", Families.Keys)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] methods = (Args.String(args, "--methods") ?? string.Join(",", Methods)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int genes = Args.Int(args, "--genes", 200), hvg = Args.Int(args, "--hvg", 100), drugs = Args.Int(args, "--drugs", 12);
        int heldOutDrugs = Args.Int(args, "--held-out-drugs", 3), lines = Args.Int(args, "--cell-lines", 1);
        int graphRank = Args.Int(args, "--graph-rank", 0), steps = Args.Int(args, "--steps", new GimOptions().MaxSteps);
        var defaults = new SingleCellScreenOptions();
        int cellsPerCondition = Args.Int(args, "--cells-per-condition", defaults.CellsPerCondition);
        int vehicleCells = Args.Int(args, "--vehicle-cells", defaults.VehicleCellsPerLine);
        string output = Args.String(args, "--out") ?? "sciplex-like-results";
        bool progress = args.Contains("--progress");
        string gimDose = Args.String(args, "--gim-dose") ?? "per-drug", gimCovariates = Args.String(args, "--gim-covariates") ?? "on";
        string indicators = Args.String(args, "--perturbation-indicators") ?? "on";
        if (gimDose is not ("curve" or "per-drug" or "linear") || gimCovariates is not ("on" or "off") || indicators is not ("on" or "off"))
        {
            Console.Error.WriteLine($"sciplex-like: --gim-dose takes curve, per-drug or linear, --gim-covariates and --perturbation-indicators on or off\n{Usage}");
            return 2;
        }
        if (lines > 1 && gimDose != "linear" && gimCovariates == "off")
        {
            Console.Error.WriteLine("sciplex-like: with several lines, --gim-dose curve or per-drug needs --gim-covariates on (another line's vehicle, at dose 0, " +
                "keeps its line's difference only through the covariates); for 0.9.0's GIM use --gim-dose linear --gim-covariates off.");
            return 2;
        }
        if (families.FirstOrDefault(f => !Families.ContainsKey(f)) is { } family)
        {
            Console.Error.WriteLine($"sciplex-like: unknown family '{family}'; known: {string.Join(", ", Families.Keys)}\n{Usage}");
            return 2;
        }
        Directory.CreateDirectory(output);
        var total = Stopwatch.StartNew();
        var paired = new List<string> { "family,method,baseline,split,metric,seeds,mean_difference,lower,upper,wins,ties,losses" };
        var markdown = new List<string>
        {
            $"# sciplex-like: {string.Join(", ", families)}; seeds {string.Join(" ", seeds)}",
            "",
            $"`dotnet run --project benchmarks/Gim.MLNet.Benchmarks -c Release -- sciplex-like {string.Join(' ', args)}`",
            "",
        };
        foreach (string name in families)
        {
            var runs = new List<(int Seed, Leaderboard Board)>();
            var clock = Stopwatch.StartNew();
            foreach (int seed in seeds)
            {
                var (train, tests, covariates) = Splits(seed, Families[name], genes, hvg, drugs, heldOutDrugs, lines, cellsPerCondition, vehicleCells,
                    indicators == "on");
                var fits = methods.Select(m => new KeyValuePair<string, Func<PerturbationDataset, PerturbationModel>>(m, BenchmarkMethods.Fit(m, seed, new GimOptions
                {
                    Seed = seed, MaxSteps = steps, GraphRank = m.StartsWith("gim-linear", StringComparison.Ordinal) ? graphRank : 0,
                    DoseFeature = gimDose == "linear" ? null : DoseFeature, DoseEncoding = DoseEncoding.Log10OnePlus, DoseCurveFromFeatures = gimDose == "per-drug",
                    CovariateFeatures = gimCovariates == "on" ? covariates : null,
                }, covariates: covariates)));
                var seedClock = Stopwatch.StartNew();
                Leaderboard board = ModelComparison.Run(fits, train, tests, new ModelComparisonOptions
                {
                    Seed = seed,
                    Scoring = new ScoringOptions { TopK = 20, PcaComponents = 50 },
                    CovariateFeatures = covariates,
                    Log = progress ? line => Console.WriteLine($"  [{seedClock.Elapsed:mm\\:ss}] {line}") : null,
                });
                runs.Add((seed, board));
                foreach (LeaderboardRow row in board.Rows)
                    Console.WriteLine($"{name} seed {seed} {row.Method,-20} fit {row.FitSeconds ?? double.NaN,6:F2} s  " + string.Join("  ", tests.Keys.Select(split =>
                        $"{split}: mmd={row.Value(split, PerturbationMetrics.Mmd):F4} mmdM={row.Value(split, PerturbationMetrics.MmdMedian):F5} mmdMu={row.Value(split, PerturbationMetrics.MmdMedianUnbiased):F5} edist={row.Value(split, PerturbationMetrics.EnergyPca):F3} pΔ20={row.Value(split, PerturbationMetrics.PearsonDeltaTopK):F3}")));
            }
            SeedSummary summary = SeedSummary.FromLeaderboards(runs, topK: 20);
            summary.SaveCsv(Path.Combine(output, $"{name}.csv"));
            summary.SaveMarkdown(Path.Combine(output, $"{name}.md"), $"sciplex-like --families {name} (seeds {string.Join(" ", seeds)})");
            foreach (string method in methods.Where(m => m != "gim-linear"))
                foreach (PairedComparison p in summary.Paired("gim-linear", method))
                    paired.Add(string.Join(",", name, p.Method, p.Baseline, p.Split, p.Metric, p.Seeds, p.MeanDifference.ToString("R"), p.Lower.ToString("R"), p.Upper.ToString("R"), p.Wins, p.Ties, p.Losses));
            markdown.Add($"## {name} ({clock.Elapsed.TotalMinutes:F1} min)");
            markdown.Add("");
            markdown.AddRange(File.ReadAllLines(Path.Combine(output, $"{name}.md")).Skip(1));
            markdown.Add("");
        }
        AtomicFile.WriteAllText(Path.Combine(output, "paired.csv"), string.Join("\n", paired) + "\n");
        AtomicFile.WriteAllText(Path.Combine(output, "results.md"), string.Join("\n", markdown) + "\n");
        Console.WriteLine($"done in {total.Elapsed.TotalMinutes:F1} min; wrote {output}/results.md, paired.csv and one CSV per family");
        return 0;
    }

    /// <summary>The dose feature the screen design writes (log10(1 + dose), ScreenDesign's default encoding).</summary>
    private const string DoseFeature = "log10(1+dose)";

    /// <summary>
    /// One screen: its counts through an .h5ad and the screen design into contexts, normalised and log1p'd per cell, the
    /// <paramref name="hvg"/> most variable genes chosen on the training split's cells; the held-out-dose and held-out-drug splits.
    /// </summary>
    private static (PerturbationDataset Train, Dictionary<string, PerturbationDataset> Tests, IReadOnlyList<string>? Covariates) Splits(int seed, (MechanismKind Mechanism, double Informativeness) family,
        int genes, int hvg, int drugs, int heldOutDrugs, int lines, int cellsPerCondition, int vehicleCells, bool indicators)
    {
        var screen = SingleCellScreen.Generate(new SingleCellScreenOptions
        {
            Seed = seed, Genes = genes, Drugs = drugs, CellLines = lines, Mechanism = family.Mechanism, DescriptorInformativeness = family.Informativeness,
            CellsPerCondition = cellsPerCondition, VehicleCellsPerLine = vehicleCells,
        });
        string folder = Directory.CreateTempSubdirectory("gim-sciplex-").FullName;
        PerturbationDataset counts;
        IReadOnlyList<string>? covariates;
        try
        {
            string h5ad = Path.Combine(folder, "screen.h5ad"), descriptors = Path.Combine(folder, "drugs.csv");
            screen.WriteH5ad(h5ad);
            screen.WriteDescriptors(descriptors);
            var design = new ScreenDesign("product_name", "vehicle")
            {
                DoseColumn = "dose", Covariates = lines > 1 ? new[] { "cell_type" } : Array.Empty<string>(), Descriptors = DescriptorTable.Read(descriptors),
                PerturbationIndicators = indicators,
            };
            counts = AnnDataReader.Read(h5ad).ToPerturbationDataset(design);
            covariates = lines > 1 ? design.CovariateFeatureNames(counts.FeatureNames) : null;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        PerturbationDataset all = CountNormalization.NormalizeTotalLog1p(counts);
        HashSet<string> newDrugs = screen.DrugNames.TakeLast(heldOutDrugs).ToHashSet();
        double top = screen.Options.Doses.Max();
        bool IsTopDose(PerturbationContext c) => !c.IsControl && c.Name.Contains($"|dose={top:G}", StringComparison.Ordinal);
        PerturbationDataset Subset(Func<PerturbationContext, bool> keep) => new(all.Contexts.Where(keep).ToList(), all.VariableNames, all.FeatureNames);
        // Train on everything neither split holds out, so both splits are scored against one fit per method.
        PerturbationDataset train = Subset(c => c.IsControl || !newDrugs.Contains(c.Group) && !IsTopDose(c));
        var tests = new Dictionary<string, PerturbationDataset>
        {
            ["heldout-dose"] = Subset(c => !newDrugs.Contains(c.Group) && IsTopDose(c)),
            ["heldout-drugs"] = Subset(c => !c.IsControl && newDrugs.Contains(c.Group)),
        };
        // A user fits on the training drugs' cells only, so the model has no indicator for a held-out drug (its descriptors alone).
        string[] features = all.FeatureNames.Where(f => !newDrugs.Contains(f)).ToArray();
        string[] kept = HighlyVariable(train, hvg);
        return (Select(train, kept, features), tests.ToDictionary(e => e.Key, e => Select(e.Value, kept, features)), covariates);
    }

    /// <summary>The most variable genes of the training cells (the library's SelectHighlyVariableGenes).</summary>
    private static string[] HighlyVariable(PerturbationDataset train, int count)
    {
        if (count >= train.VariableCount) return train.VariableNames.ToArray();
        var mlContext = new MLContext(seed: 0);
        return mlContext.Perturbation().Transforms.SelectHighlyVariableGenes("Hvg", "Measurements", count).Fit(train.ToDataView(mlContext)).KeptGenes.ToArray();
    }

    /// <summary>The data over <paramref name="genes"/> and <paramref name="features"/> (by name, in these orders).</summary>
    private static PerturbationDataset Select(PerturbationDataset data, string[] genes, string[] features)
    {
        int[] at = genes.Select(g => data.VariableNames.ToList().IndexOf(g)).ToArray();
        int[] featureAt = features.Select(f => data.FeatureNames.ToList().IndexOf(f)).ToArray();
        return new PerturbationDataset(data.Contexts.Select(c =>
        {
            var x = new float[c.SampleCount, at.Length];
            for (int i = 0; i < c.SampleCount; i++)
                for (int k = 0; k < at.Length; k++) x[i, k] = c.Samples[i, at[k]];
            return new PerturbationContext(c.Name, featureAt.Select(q => c.Features[q]).ToArray(), x, c.IsControl, c.Group);
        }).ToList(), genes, features);
    }
}
