using System.ComponentModel;
using System.Globalization;
using System.Text;
using Gim.MLNet.Causal;
using Gim.MLNet.Runtime;
using Gim.MLNet.Samples.Console;
using Microsoft.ML;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Commands;

/// <summary>
/// Explains feature vectors with a saved pipeline: which mechanisms each perturbation hits, how hard, what that does to
/// the means, and the learned graph — from the parameters saved inside the .zip, so a fresh process explains exactly
/// as the fitted model did.
/// </summary>
internal sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <ZIP>")]
        [Description("A pipeline ending in GIM, saved by the main job or by `fit` (Gim.MLNet 0.3.0 or later).")]
        public string? Model { get; init; }

        [CommandOption("--features <VALUES>")]
        [Description("One feature vector, comma-separated, in the model's feature order (GIM's features column).")]
        public string? Features { get; init; }

        [CommandOption("--input <CSV>")]
        [Description("Feature vectors, one per line: in the model's feature order, or in any order under a first line naming the model's features.")]
        public string? Input { get; init; }

        [CommandOption("--top <N>")]
        [Description("Targets printed per feature vector (the CSV has every variable).")]
        [DefaultValue(5)]
        public int Top { get; init; }

        [CommandOption("-o|--out <CSV>")]
        [Description("Write every variable's explanation here (default: explanation.csv in the current folder).")]
        public string? Out { get; init; }

        [CommandOption("--graph <CSV>")]
        [Description("Also write the learned graph B here (row = cause, column = effect, standardised units).")]
        public string? Graph { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Model)) return ValidationResult.Error("--model is required.");
            if ((Features is null) == (Input is null)) return ValidationResult.Error("Give exactly one of --features or --input.");
            if (Top < 1) return ValidationResult.Error($"--top must be ≥ 1; got {Top}.");
            return OptionValues.CheckOut(Out, "the file for the explanation, e.g. --out explanation.csv");
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Model))
            throw new FileNotFoundException($"--model: no file '{settings.Model}'.", settings.Model);
        string output = OutputFile.Check(settings.Out ?? "explanation.csv", "-o/--out");
        string? graphOutput = settings.Graph is null ? null : OutputFile.Check(settings.Graph, "--graph");
        using GimModel model = new MLContext(seed: 0).Model.LoadGimModel(settings.Model!);
        List<float[]> queries = settings.Features is not null
            ? new List<float[]> { PredictionQueries.ParseVector(settings.Features, model.FeatureCount, "--features") }
            : PredictionQueries.Read(settings.Input!, model.FeatureNames);
        // One at a time, as GimTransformer.Explain(features) does: a batch goes through other matrix kernels and can
        // differ in the last bit.
        InterventionExplanation[] explanations = queries.Select(model.Explain).ToArray();

        string R(float v) => v.ToString("R", CultureInfo.InvariantCulture);
        // familiarity..shift_upper_90 are empty for a model fitted without calibration (GimOptions.CalibrationFolds = 0),
        // dose_fraction..hill_exponent for a model without a dose path (GimOptions.DoseFeature unset), covariate_effect (the
        // part of total_effect that is the query's cell line's own, GimOptions.CovariateFeatures) for one without covariates.
        var csv = new StringBuilder("query,variable,target_probability,map_target,shift,log_scale_change,total_effect,familiarity,shift_sd,shift_lower_90,shift_upper_90,dose_fraction,half_effect_dose,hill_exponent,covariate_effect\n");
        for (int q = 0; q < explanations.Length; q++)
        {
            InterventionExplanation e = explanations[q];
            (float Lower, float Upper)[]? intervals = e.ShiftIntervals(0.9);
            for (int j = 0; j < model.VariableCount; j++)
                csv.Append(q).Append(',').Append(CsvField.Quote(model.VariableNames[j])).Append(',').Append(R(e.TargetProbabilities[j])).Append(',')
                   .Append(e.MapTargets[j] ? 1 : 0).Append(',').Append(R(e.Shift[j])).Append(',')
                   .Append(e.LogScaleChange is null ? "" : R(e.LogScaleChange[j])).Append(',').Append(R(e.TotalEffect[j])).Append(',')
                   .Append(e.Familiarity is double w ? w.ToString("R", CultureInfo.InvariantCulture) : "").Append(',')
                   .Append(e.ShiftStandardDeviation is { } sd ? R(sd[j]) : "").Append(',')
                   .Append(intervals is null ? "" : R(intervals[j].Lower)).Append(',').Append(intervals is null ? "" : R(intervals[j].Upper)).Append(',')
                   .Append(e.Dose is { } dose ? string.Join(',', new[] { dose.Fraction, dose.HalfEffectDose, dose.HillExponent }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) : ",,")
                   .Append(',').Append(e.CovariateEffect is { } level ? R(level[j]) : "")
                   .Append('\n');
        }
        AtomicFile.WriteAllText(output, csv.ToString());

        double[,] graph = model.Graph();
        if (graphOutput is not null) GraphCsv.Write(graphOutput, graph, model.VariableNames);

        for (int q = 0; q < explanations.Length && q < 20; q++)
        {
            var table = new Table().Title($"Query {q}: most likely targets").AddColumns("variable", "P(target)", "shift (control SD)", "effect on its mean");
            foreach (var (variable, probability, shift) in explanations[q].RankedTargets().Take(settings.Top))
            {
                int j = model.VariableNames.ToList().IndexOf(variable);
                table.AddRow(Markup.Escape(variable), probability.ToString("F3", CultureInfo.InvariantCulture),
                    shift.ToString("F3", CultureInfo.InvariantCulture), explanations[q].TotalEffect[j].ToString("G4", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
        }
        var edges = new Table().Title("Strongest edges of the learned graph").AddColumns("cause", "effect", "B");
        foreach (var (i, j) in StrongestEdges(graph, 10))
            edges.AddRow(Markup.Escape(model.VariableNames[i]), Markup.Escape(model.VariableNames[j]), graph[i, j].ToString("F3", CultureInfo.InvariantCulture));
        AnsiConsole.Write(edges);
        AnsiConsole.MarkupLineInterpolated($"Wrote the explanation of {queries.Count} feature vector(s) × {model.VariableCount} variables to [bold]{output}[/]{(graphOutput is null ? "" : $" and the graph to {graphOutput}")}.");
        return 0;
    }

    private static IEnumerable<(int Cause, int Effect)> StrongestEdges(double[,] graph, int count)
    {
        int d = graph.GetLength(0);
        return Enumerable.Range(0, d * d).Select(k => (Cause: k / d, Effect: k % d)).Where(e => e.Cause != e.Effect)
            .OrderByDescending(e => Math.Abs(graph[e.Cause, e.Effect])).Take(count);
    }
}
