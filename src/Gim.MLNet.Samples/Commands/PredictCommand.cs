using System.ComponentModel;
using System.Globalization;
using System.Text;
using Gim.MLNet.Data;
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

        [CommandOption("--count <N>")]
        [Description("Cells to draw per feature vector.")]
        [DefaultValue(100)]
        public int Count { get; init; }

        [CommandOption("-o|--out <CSV>")]
        [Description("Write the drawn cells here (default: predictions.csv in the current folder).")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Model)) return ValidationResult.Error("--model is required.");
            if ((Features is null) == (Input is null)) return ValidationResult.Error("Give exactly one of --features or --input.");
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

        List<float[]> queries = settings.Features is not null
            ? new List<float[]> { PredictionQueries.ParseVector(settings.Features, p, "--features") }
            : PredictionQueries.Read(settings.Input!, featureNames);

        var contexts = queries.Select((q, i) => new PerturbationContext($"query{i}", q, new float[settings.Count, d])).ToList();
        IDataView rows = new PerturbationDataset(contexts, variables, featureNames).ToDataView(mlContext);
        IDataView predicted = model.Transform(rows);
        float[][] samples = predicted.GetColumn<float[]>("Sample").ToArray();
        float[][] means = predicted.GetColumn<float[]>("PredictedMean").ToArray();

        var sb = new StringBuilder("query,draw," + CsvField.Join(variables) + "\n");
        for (int r = 0; r < samples.Length; r++)
            sb.Append(r / settings.Count).Append(',').Append(r % settings.Count).Append(',')
              .AppendJoin(',', samples[r].Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        AtomicFile.WriteAllText(output, sb.ToString());

        var table = new Table().Title("Predicted means").AddColumn("query");
        foreach (string v in variables.Take(12)) table.AddColumn(new TableColumn(Markup.Escape(v)).RightAligned());
        for (int q = 0; q < queries.Count && q < 20; q++)
            table.AddRow(new[] { q.ToString(CultureInfo.InvariantCulture) }.Concat(means[q * settings.Count].Take(12).Select(v => v.ToString("F3", CultureInfo.InvariantCulture))).ToArray());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Wrote {samples.Length} predicted cells ({queries.Count} × {settings.Count}) to [bold]{output}[/].");
        return 0;
    }

    private static int VectorSize(DataViewSchema schema, string column, string model)
    {
        DataViewSchema.Column? found = schema.GetColumnOrNull(column);
        if (found?.Type is VectorDataViewType { Size: > 0 } vector) return vector.Size;
        throw new InvalidDataException($"--model '{model}': its input has no known-size vector column '{column}'; expected a pipeline saved by this app's main job or `fit`.");
    }

    private static IReadOnlyList<string> SlotNames(DataViewSchema.Column column, int size, string prefix)
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
