using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Serving;

/// <summary>
/// Builds a TextLoader for the CSV's header from the saved pipeline's input schema, after checking every cell the
/// pipeline reads: TextLoader turns a value that does not parse into NaN (or a default) without a word, and pads or
/// cuts a short or long row, so without these checks bad input came out as predictions for a row of NaN.
/// </summary>
internal static class CsvInput
{
    public static IDataView Load(MLContext mlContext, DataViewSchema inputSchema, string csv, string source)
    {
        // Line numbers are kept for the messages; blank lines are skipped, as TextLoader skips them.
        var lines = csv.Split('\n').Select((text, i) => (Text: text.TrimEnd('\r'), Number: i + 1)).Where(l => l.Text.Trim().Length > 0).ToArray();
        if (lines.Length == 0) throw new ArgumentException($"{source}: the input CSV is empty; it needs a header naming the model's input columns.");
        string[] header = lines[0].Text.Split(',').Select(h => h.Trim()).ToArray();
        var columns = new List<TextLoader.Column>();
        var checks = new List<(int Index, DataKind Kind, string Column)>();
        foreach (DataViewSchema.Column column in inputSchema)
        {
            int index = Array.IndexOf(header, column.Name);
            if (index < 0) continue; // the pipeline may not need every training column (e.g. the measurements)
            DataViewType item = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
            int size = column.Type is VectorDataViewType vector ? vector.Size : 1;
            if (size < 1) throw new ArgumentException($"{source}: input column '{column.Name}' is a variable-size vector; this console reads fixed-size columns only.");
            if (index + size > header.Length) throw new ArgumentException($"{source}: input column '{column.Name}' needs {size} CSV columns starting at '{column.Name}'; the header has only {header.Length - index}.");
            DataKind kind = Kind(item, column.Name);
            columns.Add(new TextLoader.Column(column.Name, kind, index, index + size - 1));
            for (int k = 0; k < size; k++)
                checks.Add((index + k, kind, size == 1 ? $"'{column.Name}'" : $"{index + k + 1} ('{header[index + k]}', {column.Name} slot {k})"));
        }
        if (columns.Count == 0)
            throw new ArgumentException($"{source}: the CSV header ({lines[0].Text}) names none of the model's input columns ({string.Join(", ", inputSchema.Select(c => c.Name))}).");
        for (int r = 1; r < lines.Length; r++)
            CheckRow(lines[r].Text.Split(','), header.Length, checks, $"{source}, row {r} (line {lines[r].Number})");
        var loader = mlContext.Data.CreateTextLoader(columns.ToArray(), separatorChar: ',', hasHeader: true);
        return loader.Load(new StringSource(string.Join("\n", lines.Select(l => l.Text))));
    }

    private static void CheckRow(string[] fields, int width, List<(int Index, DataKind Kind, string Column)> checks, string where)
    {
        if (fields.Length != width)
            throw new ArgumentException($"{where}: {fields.Length} fields; the header has {width}.");
        foreach (var (index, kind, column) in checks)
        {
            string text = fields[index].Trim();
            string? expected = kind switch
            {
                DataKind.String => null,
                DataKind.Single or DataKind.Double => float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : "a number ('.' as the decimal separator)",
                DataKind.Int32 or DataKind.Int64 => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "a whole number",
                DataKind.Boolean => text is "0" or "1" || bool.TryParse(text, out _) ? null : "true, false, 1 or 0",
                _ => null,
            };
            if (expected is not null)
                throw new ArgumentException($"{where}, column {column}: {(text.Length == 0 ? "the value is empty" : $"'{text}' is not {expected}")}.");
        }
    }

    private static DataKind Kind(DataViewType type, string name) => type switch
    {
        _ when type == NumberDataViewType.Single => DataKind.Single,
        _ when type == NumberDataViewType.Double => DataKind.Double,
        _ when type == NumberDataViewType.Int32 => DataKind.Int32,
        _ when type == NumberDataViewType.Int64 => DataKind.Int64,
        _ when type == BooleanDataViewType.Instance => DataKind.Boolean,
        TextDataViewType => DataKind.String,
        _ => throw new ArgumentException($"Input column '{name}' has type {type}, which this console cannot read from CSV."),
    };
}
