using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Serving;

/// <summary>Writes the requested output columns as CSV, vector slots expanded, floats in round-trip format.</summary>
internal static class CsvOutput
{
    public static void Write(IDataView predictions, IReadOnlyList<string> outputs, TextWriter writer, CultureInfo culture)
    {
        var columns = outputs.Select(name => predictions.Schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"The model has no output column '{name}'. Columns: {string.Join(", ", predictions.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}.")).ToList();
        foreach (var c in columns)
            if (c.Type is not VectorDataViewType { ItemType: NumberDataViewType n } || n != NumberDataViewType.Single)
                if (c.Type != NumberDataViewType.Single)
                    throw new ArgumentException($"Output column '{c.Name}' has type {c.Type}; this console prints Single scalars and vectors.");
        writer.WriteLine(string.Join(",", columns.SelectMany(c => c.Type is VectorDataViewType v
            ? Enumerable.Range(0, v.Size).Select(j => $"{c.Name}.{j}") : new[] { c.Name })));
        using DataViewRowCursor cursor = predictions.GetRowCursor(columns);
        var readers = columns.Select(c => Reader(cursor, c, culture)).ToList();
        while (cursor.MoveNext())
            writer.WriteLine(string.Join(",", readers.SelectMany(r => r())));
    }

    private static Func<IEnumerable<string>> Reader(DataViewRowCursor cursor, DataViewSchema.Column column, CultureInfo culture)
    {
        if (column.Type is VectorDataViewType)
        {
            var get = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            return () => { get(ref buffer); return buffer.DenseValues().Select(v => v.ToString("R", culture)).ToArray(); };
        }
        var getScalar = cursor.GetGetter<float>(column);
        float value = 0;
        return () => { getScalar(ref value); return new[] { value.ToString("R", culture) }; };
    }
}
