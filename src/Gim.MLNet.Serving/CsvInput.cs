using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Serving;

/// <summary>Builds a TextLoader for the CSV's header from the saved pipeline's input schema.</summary>
internal static class CsvInput
{
    public static IDataView Load(MLContext mlContext, DataViewSchema inputSchema, string csv)
    {
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) throw new ArgumentException("The input CSV is empty; it needs a header naming the model's input columns.");
        string[] header = lines[0].Split(',').Select(h => h.Trim()).ToArray();
        var columns = new List<TextLoader.Column>();
        foreach (DataViewSchema.Column column in inputSchema)
        {
            int index = Array.IndexOf(header, column.Name);
            if (index < 0) continue; // the pipeline may not need every training column (e.g. the measurements)
            DataViewType item = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
            int size = column.Type is VectorDataViewType vector ? vector.Size : 1;
            if (size < 1) throw new ArgumentException($"Input column '{column.Name}' is a variable-size vector; this console reads fixed-size columns only.");
            if (index + size > header.Length) throw new ArgumentException($"Input column '{column.Name}' needs {size} CSV columns starting at '{column.Name}'; the header has only {header.Length - index}.");
            columns.Add(new TextLoader.Column(column.Name, Kind(item, column.Name), index, index + size - 1));
        }
        if (columns.Count == 0)
            throw new ArgumentException($"The CSV header ({lines[0]}) names none of the model's input columns ({string.Join(", ", inputSchema.Select(c => c.Name))}).");
        var loader = mlContext.Data.CreateTextLoader(columns.ToArray(), separatorChar: ',', hasHeader: true);
        return loader.Load(new StringSource(string.Join("\n", lines)));
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
