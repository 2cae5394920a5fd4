using System.ComponentModel;
using System.Globalization;
using System.Text;
using Gim.MLNet.Data;
using Gim.MLNet.Runtime;
using Gim.MLNet.Samples.Console;
using Gim.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Commands;

/// <summary>
/// `evaluate`: scores a pipeline fitted with `fit --perturbation` on held-out cells of the same kind (counts in the same
/// columns), against the control baseline (each context predicted by the control cells), with the field's metrics:
/// metrics.csv with one row per method, context and metric, plus a "pooled" row per method and metric.
/// </summary>
internal sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <ZIP>")]
        [Description("A pipeline saved by `fit --perturbation` (gim-model.zip, with screen-design.json beside it).")]
        public string? Model { get; init; }

        [CommandOption("--data <FILE>")]
        [Description("Held-out cells (.h5ad, or .csv/.tsv) with the columns the model was fitted on, including vehicle cells of the reference level.")]
        public string? Data { get; init; }

        [CommandOption("--design <JSON>")]
        [Description("The screen-design.json fit wrote (default: the one beside --model).")]
        public string? Design { get; init; }

        [CommandOption("--descriptors <FILE>")]
        [Description("The descriptor table (default: the one fit read); it must describe every held-out perturbation.")]
        public string? Descriptors { get; init; }

        [CommandOption("--train <FILE>")]
        [Description("The training cells fit read: with them the simple baselines are scored too (training-mean: each line's vehicle cells shifted by the mean shift of its training drug contexts; linear-features: shifted by a ridge regression of the training shifts on the features).")]
        public string? Train { get; init; }

        [CommandOption("--layer <NAME>")]
        [Description(".h5ad only: read this layer instead of X.")]
        public string? Layer { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Seed of the control baseline's draws.")]
        [DefaultValue(0)]
        public int Seed { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Folder for metrics.csv (default: a new gim-eval-<time> folder here).")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Model)) return ValidationResult.Error("--model is required: the gim-model.zip `fit --perturbation` wrote.");
            if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("--data is required: the held-out cells (.h5ad, .csv or .tsv).");
            if (Path.GetExtension(Data).ToLowerInvariant() is not (".h5ad" or ".csv" or ".tsv" or ".txt"))
                return ValidationResult.Error($"--data: '{Data}' has extension '{Path.GetExtension(Data)}'; expected .h5ad, .csv, .tsv or .txt.");
            if (Layer is not null && !Data.EndsWith(".h5ad", StringComparison.OrdinalIgnoreCase)) return ValidationResult.Error("--layer is for .h5ad files.");
            if (Train is not null && Path.GetExtension(Train).ToLowerInvariant() != Path.GetExtension(Data).ToLowerInvariant())
                return ValidationResult.Error($"--train '{Train}' and --data '{Data}' must be the same kind of file (the columns the model was fitted on).");
            return OptionValues.CheckOut(Out, "the output folder, e.g. --out eval1");
        }
    }

    /// <summary>The k of the top-k metrics, as CPA and chemCPA report them.</summary>
    private static readonly int[] TopKs = { 20, 50 };

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        foreach (var (flag, input) in new[] { ("--model", settings.Model!), ("--data", settings.Data!) })
            if (!File.Exists(input)) throw new FileNotFoundException($"{flag}: no file '{input}'.", input);
        var mlContext = new MLContext(seed: settings.Seed);
        ITransformer model = mlContext.Model.LoadModel(settings.Model!, out DataViewSchema inputSchema);
        using var modelLifetime = model as IDisposable;
        int p = PredictCommand.VectorSize(inputSchema, "Features", settings.Model!);
        IReadOnlyList<string> featureNames = PredictCommand.SlotNames(inputSchema["Features"], p, "f");
        ScreenDesignFile file = ScreenDesignFile.LoadFor(settings.Model!, settings.Design);
        ScreenDesign design = file.ToDesign(settings.Descriptors, featureNames);
        int inputWidth = PredictCommand.VectorSize(inputSchema, "Measurements", settings.Model!);
        string[] genes = PredictCommand.SlotNames(inputSchema["Measurements"], inputWidth, "x").ToArray();
        bool annData = settings.Data!.EndsWith(".h5ad", StringComparison.OrdinalIgnoreCase);
        // The model's genes, by name and in its order (an .h5ad is read for exactly those; CSV columns must match them).
        PerturbationDataset Read(string path, string flag)
        {
            // A model fitted from statistics of normalised counts has no normalisation step: normalise over every gene, then choose the model's.
            PerturbationDataset read = file.NormalizedTotal is double total
                ? UserDataLoader.NormalizeTotalLog1p(UserDataLoader.ReadScreen(path, annData, design, settings.Layer, null), total, genes, flag, file.NormalizedOverGenes)
                : UserDataLoader.ReadScreen(path, annData, design, settings.Layer, annData ? genes : null, annData ? null : genes);
            if (!read.VariableNames.SequenceEqual(genes))
            {
                int first = Enumerable.Range(0, Math.Min(genes.Length, read.VariableCount)).FirstOrDefault(j => read.VariableNames[j] != genes[j], Math.Min(genes.Length, read.VariableCount));
                throw new InvalidDataException($"{flag} measures {read.VariableCount} variables, the model {genes.Length}; they first differ at position {first + 1} " +
                    $"('{(first < read.VariableCount ? read.VariableNames[first] : "(none)")}' vs the model's '{(first < genes.Length ? genes[first] : "(none)")}'). Give cells with the training data's genes.");
            }
            return read;
        }
        PerturbationDataset data = Read(settings.Data!, "--data");
        if (settings.Train is not null && !File.Exists(settings.Train)) throw new FileNotFoundException($"--train: no file '{settings.Train}'.", settings.Train);
        PerturbationDataset? training = settings.Train is null ? null : Read(settings.Train, "--train");
        if (!data.Contexts.Any(c => !c.IsControl))
            throw new InvalidDataException("--data has only control cells; there is nothing to evaluate.");
        AnsiConsole.MarkupLineInterpolated($"Held out: {data.SampleCount} cells in {data.Contexts.Count} contexts ({data.Controls.Count()} control: {string.Join(", ", data.Controls.Select(c => c.Name))}).");

        OutputFolder folder = OutputFolder.Prepare(settings.Out, "gim-eval");
        if (training is null)
            AnsiConsole.MarkupLine("[yellow]Only the control baseline: give --train (the training cells) to score training-mean and linear-features too.[/]");
        folder.RemoveIfFailed(() => Evaluate(mlContext, model, data, training, design, file.MeasurementsColumn, settings, folder.Path, cancellationToken));
        return 0;
    }

    private static void Evaluate(MLContext mlContext, ITransformer model, PerturbationDataset data, PerturbationDataset? training, ScreenDesign design,
        string measurements, Settings settings, string folder, CancellationToken cancellationToken)
    {
        IDataView scored = model.Transform(data.ToDataView(mlContext));
        // The observed cells in the model's space (after the pipeline's normalisation and gene selection) and GIM's draws.
        if (scored.Schema.GetColumnOrNull(measurements) is null)
            throw new InvalidDataException($"The pipeline's output has no column '{measurements}' (screen-design.json says GIM reads it); was the model refitted since?");
        string[] names = scored.GetColumn<string>("Context").ToArray();
        float[][] observed = scored.GetColumn<float[]>(measurements).ToArray();
        float[][] sampled = scored.GetColumn<float[]>("Sample").ToArray();
        var rowsOf = names.Select((n, i) => (n, i)).GroupBy(e => e.n).ToDictionary(g => g.Key, g => g.Select(e => e.i).ToArray());

        // Each context is measured against the vehicle cells of its own covariate levels (its cell line): they centre the
        // scoring space (so shifts and top-k genes are the drug's, not the line's) and are the control baseline's draws.
        // Vehicle contexts themselves are baselines, not scored.
        string LevelKey(IReadOnlyDictionary<string, string> levels) => string.Join("|", levels.Select(e => $"{e.Key}={e.Value}"));
        var vehicleCells = new Dictionary<string, float[,]>(StringComparer.Ordinal);
        var byLevel = new Dictionary<string, List<PerturbationContext>>(StringComparer.Ordinal);
        foreach (PerturbationContext c in data.Contexts)
        {
            var (perturbation, levels) = design.Parse(c.Name);
            string key = LevelKey(levels);
            if (design.ControlValues.Contains(perturbation)) vehicleCells[key] = Stack(observed, rowsOf[c.Name]);
            else (byLevel.TryGetValue(key, out var list) ? list : byLevel[key] = new List<PerturbationContext>()).Add(c);
        }
        if (byLevel.Count == 0) throw new InvalidDataException("--data has only vehicle cells; there is nothing to evaluate.");
        foreach (string key in byLevel.Keys)
            if (!vehicleCells.ContainsKey(key))
                throw new InvalidDataException($"--data has perturbed cells at {(key.Length == 0 ? "the only level" : key)} but no vehicle cells there; each " +
                    "covariate level evaluated needs its own vehicle cells (the baseline and the centre of the scoring space).");

        // The simple baselines' shifts, learned from the training cells in the model's space, each from its own line's vehicle.
        using Baselines? baselines = training is null ? null : Baselines.Learn(mlContext, model, training, design, measurements, LevelKey);

        int width = sampled[0].Length;
        // The model's space itself (log-normalised expression), centred on each level's vehicle cells, not standardised:
        // a gene can be all zero in the vehicle cells, and dividing by its spread would blow it up.
        var spaces = vehicleCells.ToDictionary(e => e.Key, e => new ControlStatistics(MeanMetrics.ColumnMeans(e.Value), Enumerable.Repeat(1.0, width).ToArray()),
            StringComparer.Ordinal);
        var random = new Random(settings.Seed);
        var lines = new StringBuilder("method,context,metric,value\n");
        var pooled = new Dictionary<(string Method, string Metric), double>();
        string[] methods = baselines is null ? new[] { "gim", "control" } : new[] { "gim", "control", "training-mean", "linear-features" };
        foreach (string method in methods)
            foreach (int k in TopKs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var evaluations = new List<PerturbationEvaluation>();
                var all = new List<ScoredContext>();
                foreach (var (key, contexts) in byLevel)
                {
                    float[,] vehicle = vehicleCells[key];
                    var scoredContexts = contexts.Select(c =>
                    {
                        int[] rows = rowsOf[c.Name];
                        float[,] cells = Stack(observed, rows);
                        float[,] predicted = method switch
                        {
                            "gim" => Stack(sampled, rows),
                            "control" => Resample(vehicle, rows.Length, random),
                            _ => Shifted(Resample(vehicle, rows.Length, random), baselines!.Shift(method, key, c.Features)),
                        };
                        return new ScoredContext(c.Name, false, cells, predicted);
                    }).ToList();
                    all.AddRange(scoredContexts);
                    evaluations.Add(PerturbationScorer.Score(scoredContexts, Options(k, width, spaces[key], cancellationToken)));
                }
                PerturbationEvaluation evaluation = PerturbationScorer.Pool(evaluations, all, Options(k, width, evaluations[0].ControlStatistics, cancellationToken));
                // The top-k metrics for each k; the others once (from the first k).
                bool first = k == TopKs[0];
                foreach (string metric in evaluation.Metrics.Keys.Where(m => first || m is PerturbationMetrics.RSquaredTopK or PerturbationMetrics.PearsonDeltaTopK))
                {
                    string label = PerturbationMetrics.Label(metric, k);
                    foreach (ContextEvaluation e in evaluation.PerContext)
                        lines.Append(method).Append(',').Append(CsvField.Quote(e.Context)).Append(',').Append(label).Append(',')
                            .Append(e[metric].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                    pooled[(method, label)] = evaluation.Metrics[metric];
                }
            }
        foreach (var ((method, metric), value) in pooled)
            lines.Append(method).Append(",pooled,").Append(metric).Append(',').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        string path = Path.Combine(folder, "metrics.csv");
        AtomicFile.WriteAllText(path, lines.ToString());

        var table = new Table().Title($"Pooled over {byLevel.Values.Sum(l => l.Count)} held-out contexts").AddColumn("metric");
        foreach (string method in methods) table.AddColumn(new TableColumn(method).RightAligned());
        foreach (string metric in pooled.Keys.Where(e => e.Method == "gim").Select(e => e.Metric))
            table.AddRow(new[] { metric }.Concat(methods.Select(m => Format(pooled.GetValueOrDefault((m, metric), double.NaN)))).ToArray());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[green]Done.[/] Wrote [bold]{path}[/] (method,context,metric,value; a 'pooled' row per method and metric).");
    }

    private static ScoringOptions Options(int k, int width, ControlStatistics space, CancellationToken cancellationToken) => new()
    {
        TopK = k, PcaComponents = Math.Min(50, width), UnbiasedMmd = false, MedianHeuristicMmd = false, ControlStatistics = space,
        ScoreControlContexts = false, CancellationToken = cancellationToken,
    };

    private static string Format(double value) => double.IsNaN(value) ? "–" : value.ToString("F4", CultureInfo.InvariantCulture);

    private static float[,] Stack(float[][] rows, int[] which)
    {
        int d = rows[which[0]].Length;
        var cells = new float[which.Length, d];
        for (int r = 0; r < which.Length; r++)
            for (int j = 0; j < d; j++) cells[r, j] = rows[which[r]][j];
        return cells;
    }

    private static float[,] Shifted(float[,] cells, float[] shift)
    {
        for (int i = 0; i < cells.GetLength(0); i++)
            for (int j = 0; j < cells.GetLength(1); j++) cells[i, j] += shift[j];
        return cells;
    }

    /// <summary>
    /// The simple baselines of BENCHMARK.md §3 for a screen over cell lines, in the model's space: TrainingMean shifts a
    /// line's vehicle cells by the mean shift of that line's training drug contexts (all lines' when it has none);
    /// LinearFeatures by the LinearFeatures peer (ridge on the standardised features, its penalty chosen by
    /// leave-groups-out cross-validation) fitted to the training contexts' shifts from their own line's vehicle.
    /// </summary>
    private sealed class Baselines : IDisposable
    {
        private readonly Dictionary<string, float[]> _meanShift;
        private readonly float[] _overallShift;
        private readonly Peers.LinearFeaturesModel _linear;

        private Baselines(Dictionary<string, float[]> meanShift, float[] overallShift, Peers.LinearFeaturesModel linear)
        {
            _meanShift = meanShift;
            _overallShift = overallShift;
            _linear = linear;
        }

        public void Dispose() => _linear.Dispose();

        public float[] Shift(string method, string level, float[] features) => method switch
        {
            "training-mean" => _meanShift.GetValueOrDefault(level, _overallShift),
            "linear-features" => _linear.PredictMean(features),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Not a baseline."),
        };

        public static Baselines Learn(MLContext mlContext, ITransformer model, PerturbationDataset training, ScreenDesign design, string measurements,
            Func<IReadOnlyDictionary<string, string>, string> levelKey)
        {
            IDataView transformed = model.Transform(training.ToDataView(mlContext));
            string[] names = transformed.GetColumn<string>("Context").ToArray();
            float[][] cells = transformed.GetColumn<float[]>(measurements).ToArray();
            int d = cells[0].Length;
            var rowsOf = names.Select((n, i) => (n, i)).GroupBy(e => e.n).ToDictionary(g => g.Key, g => g.Select(e => e.i).ToArray());
            double[] Mean(int[] rows) => Enumerable.Range(0, d).Select(j => rows.Average(r => (double)cells[r][j])).ToArray();
            var vehicleMean = new Dictionary<string, double[]>(StringComparer.Ordinal);
            var drugs = new List<(PerturbationContext Context, string Level)>();
            foreach (PerturbationContext c in training.Contexts)
            {
                var (perturbation, levels) = design.Parse(c.Name);
                if (design.ControlValues.Contains(perturbation)) vehicleMean[levelKey(levels)] = Mean(rowsOf[c.Name]);
                else drugs.Add((c, levelKey(levels)));
            }
            if (drugs.Count == 0) throw new InvalidDataException("--train has no perturbed cells; the baselines learn from the training perturbations.");
            // Each training context's cells, centred on its own line's vehicle: the shifts the baselines learn.
            var centred = new List<PerturbationContext>();
            var shiftsByLevel = new Dictionary<string, List<double[]>>(StringComparer.Ordinal);
            foreach (var (c, level) in drugs)
            {
                if (!vehicleMean.TryGetValue(level, out double[]? centre))
                    throw new InvalidDataException($"--train has drug cells at {level} but no vehicle cells there.");
                int[] rows = rowsOf[c.Name];
                var block = new float[rows.Length, d];
                for (int r = 0; r < rows.Length; r++)
                    for (int j = 0; j < d; j++) block[r, j] = (float)(cells[rows[r]][j] - centre[j]);
                centred.Add(new PerturbationContext(c.Name, c.Features, block, isControl: false, c.Group));
                double[] mean = Mean(rows);
                (shiftsByLevel.TryGetValue(level, out var list) ? list : shiftsByLevel[level] = new List<double[]>()).Add(mean.Select((m, j) => m - centre[j]).ToArray());
            }
            // The control of the centred data is the origin (the reference vehicle's features are all zero).
            centred.Insert(0, new PerturbationContext("vehicle (centred)", new float[training.FeatureCount], new float[2, d], isControl: true));
            var dataset = new PerturbationDataset(centred, training.VariableNames.Count == d ? training.VariableNames.ToArray() : Enumerable.Range(0, d).Select(j => $"x{j}").ToArray(),
                training.FeatureNames.ToArray());
            Peers.LinearFeaturesModel linear = new Peers.LinearFeaturesTrainer(new Peers.LinearFeaturesOptions { Seed = 0 }).Fit(dataset);
            float[] Average(IEnumerable<double[]> shifts)
            {
                double[][] all = shifts.ToArray();
                return Enumerable.Range(0, d).Select(j => (float)all.Average(s => s[j])).ToArray();
            }
            return new Baselines(shiftsByLevel.ToDictionary(e => e.Key, e => Average(e.Value), StringComparer.Ordinal), Average(shiftsByLevel.Values.SelectMany(v => v)), linear);
        }
    }

    private static float[,] Resample(float[,] cells, int count, Random random)
    {
        int n = cells.GetLength(0), d = cells.GetLength(1);
        var draws = new float[count, d];
        for (int r = 0; r < count; r++)
        {
            int row = random.Next(n);
            for (int j = 0; j < d; j++) draws[r, j] = cells[row, j];
        }
        return draws;
    }
}
