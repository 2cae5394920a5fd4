using System.Globalization;
using System.Text;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Runtime;
using Gim.MLNet.Samples.Console;
using Gim.MLNet.Samples.Plots;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Commands;

/// <summary>Fits GIM to the user's own data and writes the model, the inferred targets and the graph.</summary>
internal sealed partial class FitCommand : Command<FitCommand.Settings>
{
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Statistics is not null || settings.Stream) return ExecuteFromStatistics(settings, cancellationToken);
        PerturbationDataset data = UserDataLoader.Load(settings);
        if (settings.KnownTargetKind != KnownTargetKind.None) data = WithIndicatorForEveryGene(data);
        // Everything training would reject is checked before the output folder exists, so a failure leaves nothing behind.
        data.Validate();
        CheckGraphRank(settings, settings.Hvg is int kept ? Math.Min(kept, data.VariableCount) : data.VariableCount);
        GimOptions training = Training(settings, settings.Perturbation is null ? settings.Dose : settings.DoseCurve ? settings.Dose : null);
        AnsiConsole.MarkupLineInterpolated($"Loaded {data.SampleCount} cells in {data.Contexts.Count} contexts ({data.Controls.Count()} control), {data.VariableCount} variables, {data.FeatureCount} features.");
        if (settings.Perturbation is not null) DescribeDesign(data, settings);
        OutputFolder folder = OutputFolder.Prepare(settings.Out, "gim-fit");
        folder.RemoveIfFailed(() => FitAndWrite(data, training, settings, folder.Path, cancellationToken));
        return 0;
    }

    /// <summary>
    /// With --known-targets, a 0/1 indicator feature (zero in every training context) for each measured gene that has none,
    /// so the saved model can be asked about knockdowns of genes no training label names (docs/genetic.md).
    /// </summary>
    private static PerturbationDataset WithIndicatorForEveryGene(PerturbationDataset data)
    {
        string[] missing = GenesWithoutIndicator(data.VariableNames, data.FeatureNames);
        if (missing.Length == 0) return data;
        var contexts = data.Contexts.Select(c => new PerturbationContext(c.Name, c.Features.Concat(new float[missing.Length]).ToArray(), c.Samples, c.IsControl, c.Group)).ToList();
        return new PerturbationDataset(contexts, data.VariableNames, data.FeatureNames.Concat(missing).ToArray());
    }

    /// <summary>
    /// The same for statistics: zero indicators for the genes that have none. The contexts keep their covariance rows (a
    /// zero indicator names no target, so no row is missing).
    /// </summary>
    private static PerturbationStatistics WithIndicatorForEveryGene(PerturbationStatistics statistics)
    {
        string[] missing = GenesWithoutIndicator(statistics.VariableNames, statistics.FeatureNames);
        if (missing.Length == 0) return statistics;
        var contexts = statistics.Contexts.Select(c => c with { Features = c.Features.Concat(new float[missing.Length]).ToArray() }).ToList();
        return new PerturbationStatistics(statistics.VariableNames, statistics.FeatureNames.Concat(missing).ToArray(), contexts, statistics.Covariance);
    }

    /// <summary>The measured genes no feature is named after, said on the console when there are any.</summary>
    private static string[] GenesWithoutIndicator(IReadOnlyList<string> genes, IReadOnlyList<string> features)
    {
        string[] missing = genes.Where(v => !features.Contains(v)).ToArray();
        if (missing.Length > 0)
            AnsiConsole.MarkupLineInterpolated($"--known-targets: {missing.Length} measured genes have no indicator in the training labels; each gets one (all 0 here) so the model can predict their knockdown.");
        return missing;
    }

    /// <summary>
    /// GIM's covariate features: the --covariates columns' level indicators (GimOptions.CovariateFeatures: each level's
    /// difference from the reference moves every mechanism, not scaled by the dose curve; with --known-targets a declared
    /// target's kind acts on its line's mechanism, since 0.15.0); null without covariates.
    /// </summary>
    private static IReadOnlyList<string>? CovariateFeatures(IReadOnlyList<string> columns, IReadOnlyList<string> featureNames)
    {
        IReadOnlyList<string> names = ScreenDesign.CovariateFeatureNames(columns, featureNames);
        return names.Count == 0 ? null : names;
    }

    /// <summary>--graph-rank must be below the number of genes the model fits (the --hvg genes kept, else all).</summary>
    private static void CheckGraphRank(Settings settings, int genes)
    {
        if (settings.GraphRank >= genes && settings.GraphRank > 0)
            throw new ArgumentException($"--graph-rank {settings.GraphRank} must be below the number of genes the model fits ({genes}): a factored graph " +
                "has rank 1..genes − 1. Lower it, or leave it out (0: a dense graph, which is fast for a few hundred genes).");
    }

    private static GimOptions Training(Settings settings, string? doseFeature)
    {
        if (settings.PerDrugCurve && doseFeature is null)
            throw new ArgumentException("--per-drug-curve shapes GIM's dose curve, and this fit has no dose read by it (give --dose, read as a curve; " +
                "a statistics folder needs a dose feature in concentration units).");
        var training = new GimOptions { Seed = settings.Seed, MaxSteps = settings.Steps, TargetSparsity = settings.TargetSparsity, FreePhase = settings.FreePhase, CheckpointPath = settings.Checkpoint,
            DoseFeature = doseFeature, DoseCurveFromFeatures = settings.PerDrugCurve, KnownTargets = settings.KnownTargetKind,
            GraphRank = settings.GraphRank };
        training.Validate();
        return training;
    }

    /// <summary>
    /// --stream: the screen's statistics in one pass (two with --hvg), written to OUT/statistics, then the fit from them;
    /// --statistics: the fit from a statistics folder. Either way the cells are never held.
    /// </summary>
    private static int ExecuteFromStatistics(Settings settings, CancellationToken cancellationToken)
    {
        ScreenDesignFile? designFile = null;
        if (settings.Statistics is not null && File.Exists(Path.Combine(settings.Statistics, ScreenDesignFile.FileName)))
            designFile = ScreenDesignFile.LoadFor(Path.Combine(settings.Statistics, "model"), null);
        PerturbationStatistics? statistics = settings.Statistics is null ? null : PerturbationStatistics.Read(settings.Statistics);
        if (statistics is not null)
        {
            statistics.ToDataset().Validate();
            AnsiConsole.MarkupLineInterpolated($"Read statistics of {statistics.CellCount} cells in {statistics.Contexts.Count} contexts ({statistics.Contexts.Count(c => c.IsControl)} control), {statistics.VariableNames.Count} variables, {statistics.FeatureNames.Count} features.");
        }
        // The rank against the genes fitted, before the output folder: the statistics' genes, or --stream's --hvg (without
        // it the genes are known only once the file is read; the fit itself then refuses, and the folder is removed).
        if (statistics is not null) CheckGraphRank(settings, statistics.VariableNames.Count);
        else if (settings.Hvg is int kept) CheckGraphRank(settings, kept);
        string? doseFeature = settings.Statistics is null
            ? settings.DoseCurve ? settings.Dose : null
            : designFile is { Dose: { } dose, DoseEncoding: nameof(DoseEncoding.Concentration) } ? dose : null;
        GimOptions training = Training(settings, doseFeature);
        OutputFolder folder = OutputFolder.Prepare(settings.Out, "gim-fit");
        folder.RemoveIfFailed(() =>
        {
            if (statistics is null)
            {
                ScreenDesign design = UserDataLoader.Design(settings, OptionValues.Split(settings.Control), UserDataLoader.Combinations(settings));
                var options = new AnnDataStatisticsOptions
                {
                    Layer = settings.Layer, NormalizeTotalLog1p = settings.NormalizesCounts, HighlyVariableGenes = settings.Hvg,
                    Variables = settings.Variables is null ? null : OptionValues.Split(settings.Variables), CancellationToken = cancellationToken,
                };
                var clock = System.Diagnostics.Stopwatch.StartNew();
                statistics = AnsiConsole.Progress().Start(progress =>
                {
                    var passes = new Dictionary<int, ProgressTask>();
                    options.Progress = (pass, done, total) =>
                    {
                        if (!passes.TryGetValue(pass, out ProgressTask? task))
                            passes[pass] = task = progress.AddTask(pass == 1 && settings.Hvg is not null ? "Ranking genes" : "Summing statistics", maxValue: total);
                        task.Value = done;
                    };
                    return AnnDataStatistics.Compute(settings.Data!, design, options);
                });
                string written = Path.Combine(folder.Path, "statistics");
                statistics.Write(written);
                PerturbationDataset contexts = statistics.ToDataset();
                designFile = ScreenDesignFile.From(design, contexts, settings.Descriptors, settings.DescriptorKey, "Measurements")
                    with { NormalizedTotal = settings.NormalizesCounts ? options.TargetSum : null, NormalizedOverGenes = settings.NormalizesCounts ? options.GenesRead : null };
                designFile.Save(Path.Combine(written, ScreenDesignFile.FileName));
                AnsiConsole.MarkupLineInterpolated($"Statistics of {statistics.CellCount} cells in {statistics.Contexts.Count} contexts ({statistics.Contexts.Count(c => c.IsControl)} control), {statistics.VariableNames.Count} genes, {statistics.FeatureNames.Count} features in {clock.Elapsed.TotalSeconds:F1} s; written to {written}.");
            }
            if (settings.KnownTargetKind != KnownTargetKind.None) statistics = WithIndicatorForEveryGene(statistics);
            PerturbationDataset data = statistics.ToDataset();
            var mlContext = new MLContext(settings.Seed);
            GimOptions options2 = training.Clone();
            options2.CancellationToken = cancellationToken;
            options2.CovariateFeatures = CovariateFeatures(designFile?.Covariates.Keys.ToArray() ?? OptionValues.Split(settings.Covariates), data.FeatureNames);
            using GimTransformer gim = TrainingProgressView.Run("Fitting GIM", settings.Steps, progress =>
            {
                options2.Progress = progress;
                return mlContext.Perturbation().Trainers.Gim(options2).Fit(statistics);
            });
            IDataView schema = data.ToDataView(mlContext);
            WriteOutputs(folder.Path, mlContext, gim, gim, schema.Schema, data, training, settings.Perturbation is not null || designFile is not null,
                designFile is null ? null : path => designFile.Save(path));
        });
        return 0;
    }

    private static void FitAndWrite(PerturbationDataset data, GimOptions training, Settings settings, string folder, CancellationToken cancellationToken)
    {
        var mlContext = new MLContext(settings.Seed);
        IDataView cells = data.ToDataView(mlContext);
        GimOptions options = training.Clone();
        options.CancellationToken = cancellationToken;
        options.CovariateFeatures = CovariateFeatures(OptionValues.Split(settings.Covariates), data.FeatureNames);
        if (options.CovariateFeatures is { } covariates)
            AnsiConsole.MarkupLineInterpolated($"GIM covariates: {string.Join(", ", covariates)}: each level moves every gene's intercept{(options.KnownTargets != KnownTargetKind.None ? ", and a declared target's kind acts on its own line's mechanism" : "")}.");
        // Preprocessing steps go into the saved pipeline, so it takes the measurements as the data has them (raw counts).
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        string measurements = "Measurements";
        if (settings.NormalizesCounts)
        {
            pipeline = pipeline.Append(mlContext.Perturbation().Transforms.NormalizeTotalLog1p("LogMeasurements", measurements));
            measurements = "LogMeasurements";
        }
        if (settings.Hvg is int hvg)
        {
            if (hvg >= data.VariableCount)
                AnsiConsole.MarkupLineInterpolated($"[yellow]--hvg {hvg} keeps all {data.VariableCount} genes.[/]");
            else
            {
                pipeline = pipeline.Append(mlContext.Perturbation().Transforms.SelectHighlyVariableGenes("Hvg", measurements, hvg));
                measurements = "Hvg";
            }
        }
        options.MeasurementsColumnName = measurements;
        if (measurements != "Measurements")
            AnsiConsole.MarkupLineInterpolated($"Pipeline: {(settings.NormalizesCounts ? "normalise total counts to 10,000 and log1p, " : "")}{(measurements == "Hvg" ? $"keep the {settings.Hvg} most variable genes, " : "")}then GIM.");
        using var disposer = new ChainDisposer();
        ITransformer model = TrainingProgressView.Run("Fitting GIM", settings.Steps, progress =>
        {
            options.Progress = progress;
            return disposer.Track(pipeline.Append(mlContext.Perturbation().Trainers.Gim(options)).Fit(cells));
        });
        GimTransformer gim = ((IEnumerable<ITransformer>)model).OfType<GimTransformer>().Single();
        bool design = settings.Perturbation is not null;
        WriteOutputs(folder, mlContext, model, gim, cells.Schema, data, training, design,
            design ? path => UserDataLoader.DesignFile(settings, data, measurements).Save(path) : null);
    }

    /// <summary>The model file, targets, graph, training curve, dose curves (with a dose path) and the screen design (when there is one).</summary>
    private static void WriteOutputs(string folder, MLContext mlContext, ITransformer model, GimTransformer gim, DataViewSchema inputSchema, PerturbationDataset data,
        GimOptions training, bool design, Action<string>? saveDesign)
    {
        string zip = Path.Combine(folder, "gim-model.zip");
        mlContext.Model.SaveAtomically(model, inputSchema, zip);
        // Every perturbed context explained once, in one batch (targets.csv, dose-curves.csv and the table read them).
        List<PerturbationContext> perturbed = data.Contexts.Where(c => !c.IsControl).ToList();
        IReadOnlyList<InterventionExplanation> explained = gim.Model.Explain(perturbed.Select(c => c.Features).ToList());
        string targets = Path.Combine(folder, "targets.csv");
        WriteTargets(targets, perturbed, explained, gim);
        string graph = Path.Combine(folder, "graph.csv");
        GraphCsv.Write(graph, gim.Graph(), gim.VariableNames);
        string curve = Path.Combine(folder, "training-curve.png");
        Figures.TrainingCurve(curve, gim.Model.History);
        bool doses = training.DoseFeature is not null;
        if (doses) WriteDoseCurves(Path.Combine(folder, "dose-curves.csv"), data, perturbed, explained, gim);
        ShowTopTargets(perturbed, explained);
        design &= saveDesign is not null;
        if (design) saveDesign!(Path.Combine(folder, ScreenDesignFile.FileName));

        AnsiConsole.MarkupLineInterpolated($"[green]Done.[/] Wrote to [bold]{folder}[/]: gim-model.zip (ML.NET pipeline), targets.csv (P(target) per context and variable), graph.csv (learned B, row = cause), training-curve.png{(doses ? ", dose-curves.csv (each context's place on its learned dose curve)" : "")}{(design ? $", {ScreenDesignFile.FileName} (how columns became features, for predict --perturbation)" : "")}.");
    }

    /// <summary>Disposes every step of the fitted chain (ONNX sessions, the GIM model) when the command is done.</summary>
    private sealed class ChainDisposer : IDisposable
    {
        private ITransformer? _model;

        public ITransformer Track(ITransformer model) => _model = model;

        public void Dispose()
        {
            foreach (ITransformer step in _model as IEnumerable<ITransformer> ?? Array.Empty<ITransformer>()) (step as IDisposable)?.Dispose();
        }
    }

    /// <summary>How --perturbation made contexts: the control, the other contexts' groups, the features and how the dose is read.</summary>
    private static void DescribeDesign(PerturbationDataset data, Settings settings)
    {
        string parts = string.Join(" × ", new[] { settings.Perturbation! }.Concat(settings.Dose is null ? Array.Empty<string>() : new[] { settings.Dose })
            .Concat(OptionValues.Split(settings.Covariates)));
        AnsiConsole.MarkupLineInterpolated($"Contexts are {parts}; control: {string.Join(", ", data.Controls.Select(c => c.Name))}; {data.Contexts.Select(c => c.Group).Distinct().Count()} perturbation groups.");
        // With --perturbation-indicators the first features are the drugs' names: say how many, then show the rest.
        var drugs = data.Contexts.Where(c => !c.IsControl).Select(c => c.Group).ToHashSet(StringComparer.Ordinal);
        string[] indicators = settings.PerturbationIndicators ? data.FeatureNames.TakeWhile(drugs.Contains).ToArray() : Array.Empty<string>();
        IEnumerable<string> rest = data.FeatureNames.Skip(indicators.Length);
        string head = indicators.Length == 0 ? ""
            : $"{indicators.Length} perturbation indicators ({string.Join(", ", indicators.Take(3))}{(indicators.Length > 3 ? $", ..., {indicators[^1]}" : "")}), ";
        AnsiConsole.MarkupLineInterpolated($"Features: {head}{string.Join(", ", rest.Take(12))}{(rest.Count() > 12 ? ", ..." : "")}.");
        if (settings.Dose is not null)
            AnsiConsole.MarkupLineInterpolated($"Dose: {(settings.DoseCurve ? $"'{settings.Dose}' read by GIM's saturating dose curve" : $"log10(1 + {settings.Dose}) as a feature")} (--dose-as).");
    }

    /// <summary>Per perturbed context: the dose, the share of the maximal shift reached there, and the curve's K and n.</summary>
    private static void WriteDoseCurves(string path, PerturbationDataset data, IReadOnlyList<PerturbationContext> perturbed,
        IReadOnlyList<InterventionExplanation> explained, GimTransformer gim)
    {
        int q = data.FeatureNames.ToList().IndexOf(gim.Model.Options.DoseFeature!);
        var sb = new StringBuilder("context,dose,dose_fraction,half_effect_dose,hill_exponent\n");
        for (int i = 0; i < perturbed.Count; i++)
        {
            PerturbationContext c = perturbed[i];
            DoseCurvePoint point = explained[i].Dose!;
            sb.Append(CsvField.Quote(c.Name)).Append(',').AppendJoin(',', new double[] { c.Features[q], point.Fraction, point.HalfEffectDose, point.HillExponent }
                .Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static void WriteTargets(string path, IReadOnlyList<PerturbationContext> perturbed, IReadOnlyList<InterventionExplanation> explained, GimTransformer gim)
    {
        var sb = new StringBuilder("context," + CsvField.Join(gim.VariableNames) + "\n");
        for (int i = 0; i < perturbed.Count; i++)
        {
            float[] pi = explained[i].TargetProbabilities;
            sb.Append(CsvField.Quote(perturbed[i].Name)).Append(',').AppendJoin(',', pi.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static void ShowTopTargets(IReadOnlyList<PerturbationContext> perturbed, IReadOnlyList<InterventionExplanation> explained)
    {
        var table = new Table().Title("Most likely targets per perturbation").AddColumns("context", "targets (P)");
        for (int i = 0; i < Math.Min(30, perturbed.Count); i++)
        {
            var ranked = explained[i].RankedTargets().Take(3).Select(t => $"{t.Variable} ({t.Probability:F2})");
            table.AddRow(Markup.Escape(perturbed[i].Name), Markup.Escape(string.Join(", ", ranked)));
        }
        AnsiConsole.Write(table);
    }
}
