using System.ComponentModel;
using System.Globalization;
using System.Text;
using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Runtime;
using Gim.MLNet.Samples.Console;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Commands;

/// <summary>Loads a saved pipeline (.zip) and predicts cells for feature vectors it never saw.</summary>
internal sealed class PredictCommand : Command<PredictCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <ZIP>")]
        [Description("A pipeline saved by the main job or by `fit` (an ML.NET .zip).")]
        public string? Model { get; init; }

        [CommandOption("--features <VALUES>")]
        [Description("One feature vector, comma-separated, in the model's feature order.")]
        public string? Features { get; init; }

        [CommandOption("--input <CSV>")]
        [Description("Feature vectors, one per line, comma-separated: in the model's feature order, or in any order under a first line naming the model's features.")]
        public string? Input { get; init; }

        [CommandOption("--perturbation <NAMES>")]
        [Description("Instead of --features/--input, for a model fitted with `fit --perturbation`: perturbation name(s), comma-separated (a drug, or any name the descriptor table has); the feature vector is made as fit made it (screen-design.json).")]
        public string? Perturbation { get; init; }

        [CommandOption("--dose <X>")]
        [Description("With --perturbation: the dose, in the training data's unit.")]
        public double? Dose { get; init; }

        [CommandOption("--covariates <COL=LEVEL,...>")]
        [Description("With --perturbation: the covariate levels, e.g. cell_type=A549.")]
        public string? Covariates { get; init; }

        [CommandOption("--guide <NAME>")]
        [Description("With a single --perturbation, for a model fitted with `fit --guide`: that perturbation's guide whose cells to predict (its indicator feature set); without it, or for a guide the model never saw, every guide indicator is 0, which no training context had (each had one guide's): a guide not measured, not an average of the measured ones.")]
        public string? Guide { get; init; }

        [CommandOption("--design <JSON>")]
        [Description("With --perturbation: the screen-design.json fit wrote (default: the one beside --model).")]
        public string? Design { get; init; }

        [CommandOption("--descriptors <FILE>")]
        [Description("With --perturbation: the descriptor table (default: the one fit read, as screen-design.json records it).")]
        public string? Descriptors { get; init; }

        [CommandOption("--count <N>")]
        [Description("Cells to draw per feature vector.")]
        [DefaultValue(100)]
        public int Count { get; init; }

        [CommandOption("-o|--out <CSV>")]
        [Description("Write the drawn cells here: .csv, or .h5ad (X the drawn cells; obs context, perturbation, dose, covariates) (default: predictions.csv in the current folder).")]
        public string? Out { get; init; }

        /// <summary>--covariates as column → level (checked by Validate: COLUMN=LEVEL pairs, each column once).</summary>
        public Dictionary<string, string> CovariateLevels => OptionValues.Split(Covariates).Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim(), StringComparer.Ordinal);

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Model)) return ValidationResult.Error("--model is required.");
            if (new[] { Features, Input, Perturbation }.Count(v => v is not null) != 1)
                return ValidationResult.Error("Give exactly one of --features, --input or --perturbation.");
            if (Perturbation is null && (Dose is not null || Covariates is not null || Design is not null || Descriptors is not null || Guide is not null))
                return ValidationResult.Error("--dose, --covariates, --guide, --design and --descriptors go with --perturbation.");
            if (Guide is not null && string.IsNullOrWhiteSpace(Guide))
                return ValidationResult.Error("--guide is empty; give the guide's name as the training data wrote it.");
            if (Guide is not null && OptionValues.Split(Perturbation).Length != 1)
                return ValidationResult.Error("--guide is one guide of one perturbation; give a single --perturbation with it (predict once per perturbation).");
            if (Perturbation is not null && OptionValues.Split(Perturbation).Length == 0)
                return ValidationResult.Error("--perturbation names no perturbation; give one or more names, comma-separated.");
            if (Dose is double dose && !(dose >= 0 && double.IsFinite(dose)))
                return ValidationResult.Error($"--dose must be a finite concentration ≥ 0; got {dose.ToString(CultureInfo.InvariantCulture)}.");
            foreach (string pair in OptionValues.Split(Covariates))
                if (pair.IndexOf('=') is var at && (at <= 0 || at == pair.Length - 1))
                    return ValidationResult.Error($"--covariates: '{pair}' is not COLUMN=LEVEL (e.g. cell_type=A549).");
            if (OptionValues.Split(Covariates).Select(p => p.Split('=')[0].Trim()).GroupBy(c => c).FirstOrDefault(g => g.Count() > 1) is { } twice)
                return ValidationResult.Error($"--covariates gives '{twice.Key}' twice; give one level per covariate (predict once per level).");
            if (OptionValues.Split(Perturbation).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } repeated)
                return ValidationResult.Error($"--perturbation names '{repeated.Key}' twice.");
            if (Count < 1) return ValidationResult.Error($"--count must be ≥ 1; got {Count}.");
            return OptionValues.CheckOut(Out, "the file for the predicted cells, e.g. --out predictions.csv");
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Model))
            throw new FileNotFoundException($"--model: no file '{settings.Model}'.", settings.Model);
        // Before loading and predicting: a bad -o should not cost the run.
        string output = OutputFile.Check(settings.Out ?? "predictions.csv", "-o/--out");
        var mlContext = new MLContext(seed: 0);
        ITransformer model = mlContext.Model.LoadModel(settings.Model!, out DataViewSchema inputSchema);
        using var modelLifetime = model as IDisposable; // the ONNX session and ML.NET's temporary graph file
        int p = VectorSize(inputSchema, "Features", settings.Model!);
        int d = VectorSize(inputSchema, "Measurements", settings.Model!);
        IReadOnlyList<string> variables = SlotNames(inputSchema["Measurements"], d, "x");
        IReadOnlyList<string> featureNames = SlotNames(inputSchema["Features"], p, "f");

        List<(string Name, string? Perturbation, double Dose, float[] Features)> queries = settings.Perturbation is not null
            ? ScreenQueries(settings, featureNames)
            : (settings.Features is not null
                ? new List<float[]> { PredictionQueries.ParseVector(settings.Features, p, "--features") }
                : PredictionQueries.Read(settings.Input!, featureNames)).Select((q, i) => ($"query{i}", (string?)null, 0.0, q)).ToList();

        var contexts = queries.Select(q => new PerturbationContext(q.Name, q.Features, new float[settings.Count, d])).ToList();
        IDataView rows = new PerturbationDataset(contexts, variables, featureNames).ToDataView(mlContext);
        IDataView predicted = model.Transform(rows);
        float[][] samples = predicted.GetColumn<float[]>("Sample").ToArray();
        float[][] means = predicted.GetColumn<float[]>("PredictedMean").ToArray();
        // The model's variables: the genes it kept when the pipeline selects some, else the input's.
        variables = predicted.Schema["Sample"].Type is VectorDataViewType { Size: var size } && size != d
            ? SlotNames(predicted.Schema["Sample"], size, "x") : variables;

        if (Path.GetExtension(output).Equals(".h5ad", StringComparison.OrdinalIgnoreCase))
            WriteH5ad(output, settings, queries, samples, variables);
        else
        {
            var sb = new StringBuilder("query,draw," + CsvField.Join(variables) + "\n");
            for (int r = 0; r < samples.Length; r++)
                sb.Append(r / settings.Count).Append(',').Append(r % settings.Count).Append(',')
                  .AppendJoin(',', samples[r].Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
            AtomicFile.WriteAllText(output, sb.ToString());
        }

        var table = new Table().Title("Predicted means").AddColumn("query");
        foreach (string v in variables.Take(8)) table.AddColumn(new TableColumn(Markup.Escape(v)).RightAligned());
        for (int q = 0; q < queries.Count && q < 20; q++)
            table.AddRow(new[] { Markup.Escape(queries[q].Name) }.Concat(means[q * settings.Count].Take(8).Select(v => v.ToString("F3", CultureInfo.InvariantCulture))).ToArray());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Wrote {samples.Length} predicted cells ({queries.Count} × {settings.Count}) to [bold]{output}[/].");
        return 0;
    }

    /// <summary>--perturbation: one query per name, its feature vector made by the design fit recorded.</summary>
    private static List<(string Name, string? Perturbation, double Dose, float[] Features)> ScreenQueries(Settings settings, IReadOnlyList<string> featureNames)
    {
        ScreenDesign design = ScreenDesignFile.LoadFor(settings.Model!, settings.Design).ToDesign(settings.Descriptors);
        Dictionary<string, string> covariates = settings.CovariateLevels;
        string[] names = OptionValues.Split(settings.Perturbation);
        if (design.DoseColumn is not null && settings.Dose is null && names.Any(n => !design.ControlValues.Contains(n)))
            throw new ArgumentException($"--dose is required: the model reads the dose ('{design.DoseColumn}').");
        double dose = settings.Dose ?? 0;
        if (settings.Guide is not null && design.GuideColumn is null)
            throw new ArgumentException("--guide: the model was fitted without `fit --guide` (its design has no guide column); leave --guide out.");
        return names.Select(name =>
        {
            float[] features = design.FeaturesFor(featureNames, name, dose, covariates, guide: settings.Guide);
            bool vehicle = design.ControlValues.Contains(name);
            if (settings.Guide is not null && !vehicle && !featureNames.Where((f, q) => f.StartsWith(design.GuideColumn + "=", StringComparison.Ordinal) && features[q] == 1).Any())
                AnsiConsole.MarkupLineInterpolated($"[yellow]note:[/] guide '{settings.Guide}' is not one the model was fitted on; '{name}' is predicted as for a guide never measured (every guide indicator 0).");
            string label = name + (design.DoseColumn is null || vehicle ? "" : $"|{design.DoseColumn}={dose.ToString("R", CultureInfo.InvariantCulture)}")
                + (settings.Guide is null || vehicle ? "" : $"|{design.GuideColumn}={settings.Guide}")
                + string.Concat(design.Covariates.Select(c => $"|{c}={covariates[c]}"));
            return (label, (string?)name, design.ControlValues.Contains(name) || design.DoseColumn is null ? 0.0 : dose, features);
        }).ToList();
    }

    /// <summary>The drawn cells as AnnData: X cells × the model's variables; obs context, perturbation, dose and covariates.</summary>
    private static void WriteH5ad(string path, Settings settings, List<(string Name, string? Perturbation, double Dose, float[] Features)> queries, float[][] samples,
        IReadOnlyList<string> variables)
    {
        int n = samples.Length, m = variables.Count;
        var x = new float[n, m];
        for (int r = 0; r < n; r++)
            for (int j = 0; j < m; j++) x[r, j] = samples[r][j];
        string[] context = Enumerable.Range(0, n).Select(r => queries[r / settings.Count].Name).ToArray();
        var obs = new List<AnnDataWriteColumn> { AnnDataWriteColumn.Categorical("context", context) };
        if (settings.Perturbation is not null)
        {
            obs.Add(AnnDataWriteColumn.Categorical("perturbation", Enumerable.Range(0, n).Select(r => queries[r / settings.Count].Perturbation).ToArray()));
            // The dose each row was predicted at: the given one, 0 for the vehicle (whose dose is ignored).
            obs.Add(AnnDataWriteColumn.Numeric("dose", Enumerable.Range(0, n).Select(r => queries[r / settings.Count].Dose).ToArray()));
            foreach (var (column, level) in settings.CovariateLevels)
                obs.Add(AnnDataWriteColumn.Categorical(column, Enumerable.Repeat(level, n).ToArray()));
        }
        AnnDataWriter.Write(path, x, Enumerable.Range(0, n).Select(r => $"{context[r]}#{r % settings.Count}").ToArray(), variables, obs);
    }

    internal static int VectorSize(DataViewSchema schema, string column, string model)
    {
        DataViewSchema.Column? found = schema.GetColumnOrNull(column);
        if (found?.Type is VectorDataViewType { Size: > 0 } vector) return vector.Size;
        throw new InvalidDataException($"--model '{model}': its input has no known-size vector column '{column}'; expected a pipeline saved by this app's main job or `fit`.");
    }

    internal static IReadOnlyList<string> SlotNames(DataViewSchema.Column column, int size, string prefix)
    {
        if (column.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            column.GetSlotNames(ref names);
            return names.DenseValues().Select(n => n.ToString()).ToArray();
        }
        return Enumerable.Range(0, size).Select(i => $"{prefix}{i}").ToArray();
    }
}
