using Gim.MLNet.IO;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using Gim.MLNet.Data;
using Gim.MLNet.MLNet;
using Gim.MLNet.Samples.Console;
using Gim.MLNet.Samples.Plots;
using Gim.MLNet.Training;
using Microsoft.ML;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Commands;

/// <summary>Fits GIM to the user's own data and writes the model, the inferred targets and the graph.</summary>
internal sealed class FitCommand : Command<FitCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <FILE>")]
        [Description("Cells to learn from: a .csv/.tsv (one row per cell) or an AnnData .h5ad file.")]
        public string? Data { get; init; }

        [CommandOption("--context <COLUMN>")]
        [Description("Column (CSV) or obs column (.h5ad) naming each cell's context (drug/dose, reagent combination).")]
        public string? Context { get; init; }

        [CommandOption("--control <VALUES>")]
        [Description("Context value(s) of the control cells, comma-separated (e.g. DMSO).")]
        public string? Control { get; init; }

        [CommandOption("--features <COLUMNS>")]
        [Description("Feature columns, comma-separated (CSV columns or .h5ad obs columns).")]
        public string? Features { get; init; }

        [CommandOption("--feature-prefix <PREFIX>")]
        [Description("CSV only: every column starting with this prefix is a feature.")]
        public string? FeaturePrefix { get; init; }

        [CommandOption("--measurements <COLUMNS>")]
        [Description("CSV only: measured variables, comma-separated (default: every other column).")]
        public string? Measurements { get; init; }

        [CommandOption("--measurement-prefix <PREFIX>")]
        [Description("CSV only: every column starting with this prefix is a measured variable.")]
        public string? MeasurementPrefix { get; init; }

        [CommandOption("--layer <NAME>")]
        [Description(".h5ad only: read this layer instead of X.")]
        public string? Layer { get; init; }

        [CommandOption("--variables <NAMES>")]
        [Description(".h5ad only: read only these variables (var names, comma-separated).")]
        public string? Variables { get; init; }

        [CommandOption("--steps <N>")]
        [Description("Training steps.")]
        [DefaultValue(2000)]
        public int Steps { get; init; }

        [CommandOption("--lambda-t <X>")]
        [Description("Target sparsity λ_t (larger: fewer targets per perturbation).")]
        [DefaultValue(3.0)]
        public double TargetSparsity { get; init; }

        [CommandOption("--seed <SEED>")]
        [DefaultValue(0)]
        public int Seed { get; init; }

        [CommandOption("--checkpoint <FILE>")]
        [Description("Checkpoint training to this file; rerun the same command to resume after an interruption.")]
        public string? Checkpoint { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Output folder (default: a new gim-fit-<time> folder here).")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("--data is required.");
            if (string.IsNullOrWhiteSpace(Context)) return ValidationResult.Error("--context is required: the column that names each cell's context.");
            if (string.IsNullOrWhiteSpace(Control)) return ValidationResult.Error("--control is required: the context value(s) of the control cells.");
            if (Steps < 1) return ValidationResult.Error("--steps must be ≥ 1.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        PerturbationDataset data = UserDataLoader.Load(settings);
        AnsiConsole.MarkupLineInterpolated($"Loaded {data.SampleCount} cells in {data.Contexts.Count} contexts ({data.Controls.Count()} control), {data.VariableCount} variables, {data.FeatureCount} features.");
        string folder = OutputFolder.Prepare(settings.Out ?? Path.Combine(Environment.CurrentDirectory, $"gim-fit-{DateTime.Now:yyyyMMdd-HHmmss}"));

        var mlContext = new MLContext(settings.Seed);
        IDataView cells = data.ToDataView(mlContext);
        var options = new GimEstimator.Options
        {
            Seed = settings.Seed,
            Training = new GimOptions { Seed = settings.Seed, MaxSteps = settings.Steps, TargetSparsity = settings.TargetSparsity, CheckpointPath = settings.Checkpoint },
            CancellationToken = cancellationToken,
        };
        GimTransformer gim = TrainingProgressView.Run("Fitting GIM", settings.Steps, progress =>
        {
            options.Progress = progress;
            return mlContext.Perturbation().Trainers.Gim(options).Fit(cells);
        });

        string zip = Path.Combine(folder, "gim-model.zip");
        mlContext.Model.SaveAtomically(gim, cells.Schema, zip);
        string targets = Path.Combine(folder, "targets.csv");
        WriteTargets(targets, data, gim);
        string graph = Path.Combine(folder, "graph.csv");
        WriteGraph(graph, gim);
        string curve = Path.Combine(folder, "training-curve.png");
        Figures.TrainingCurve(curve, gim.Model.History);
        ShowTopTargets(data, gim);

        AnsiConsole.MarkupLineInterpolated($"[green]Done.[/] Wrote to [bold]{folder}[/]: gim-model.zip (ML.NET pipeline), targets.csv (P(target) per context and variable), graph.csv (learned B, row = cause), training-curve.png.");
        return 0;
    }

    private static void WriteTargets(string path, PerturbationDataset data, GimTransformer gim)
    {
        var sb = new StringBuilder("context," + string.Join(',', gim.VariableNames.Select(Csv)) + "\n");
        foreach (PerturbationContext c in data.Contexts.Where(c => !c.IsControl))
        {
            float[] pi = gim.Model.Explain(c.Features).TargetProbabilities;
            sb.Append(Csv(c.Name)).Append(',').AppendJoin(',', pi.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static void WriteGraph(string path, GimTransformer gim)
    {
        double[,] b = gim.Graph();
        var sb = new StringBuilder("cause\\effect," + string.Join(',', gim.VariableNames.Select(Csv)) + "\n");
        for (int i = 0; i < b.GetLength(0); i++)
        {
            sb.Append(Csv(gim.VariableNames[i]));
            for (int j = 0; j < b.GetLength(1); j++) sb.Append(',').Append(b[i, j].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static void ShowTopTargets(PerturbationDataset data, GimTransformer gim)
    {
        var table = new Table().Title("Most likely targets per perturbation").AddColumns("context", "targets (P)");
        foreach (PerturbationContext c in data.Contexts.Where(c => !c.IsControl).Take(30))
        {
            var ranked = gim.Model.Explain(c.Features).RankedTargets().Take(3).Select(t => $"{t.Variable} ({t.Probability:F2})");
            table.AddRow(Markup.Escape(c.Name), Markup.Escape(string.Join(", ", ranked)));
        }
        AnsiConsole.Write(table);
    }

    private static string Csv(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
