using System.Globalization;
using CsvHelper;

namespace Gim.MLNet.Data.Csv;

/// <summary>
/// Reads one-row-per-cell CSV files (a context column, feature columns, measurement columns) with
/// CsvHelper's RFC 4180 parser. Every problem is a <see cref="DataFileException"/> naming the file,
/// the line and the column: a missing column, a ragged row, an empty or non-numeric value.
/// </summary>
public static class CsvPerturbationReader
{
    /// <summary>Reads a CSV file.</summary>
    /// <param name="path">The file (UTF-8 unless it starts with a UTF-16 byte order mark; a header line first).</param>
    /// <param name="roles">Which column plays which role.</param>
    public static CsvPerturbationTable Read(string path, CsvColumnRoles roles)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such CSV file.", path);
        using var stream = File.OpenRead(path);
        return Read(stream, path, roles);
    }

    /// <summary>Reads CSV from a stream (left open).</summary>
    /// <param name="stream">The bytes, starting with the header line.</param>
    /// <param name="sourceName">How messages name the source.</param>
    /// <param name="roles">Which column plays which role.</param>
    public static CsvPerturbationTable Read(Stream stream, string sourceName, CsvColumnRoles roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return CsvReading.Read(stream, sourceName, roles.Delimiter, csv => ReadRecords(csv, sourceName, roles));
    }

    private static CsvPerturbationTable ReadRecords(CsvReader csv, string source, CsvColumnRoles roles)
    {
        string[] header = csv.Headers.ToArray();
        if (header.Length == 0 || header.Length == 1 && header[0].Length == 0)
            throw new DataFileException(source, null, 1, "is empty; expected a header line naming the columns.");
        CsvLayout layout = CsvLayout.Resolve(source, header, roles);
        var contexts = new List<string>();
        var lines = new List<long>();
        var features = new List<float[]>();
        var measurements = new List<float[]>();
        var text = layout.Text.Select(_ => new List<string>()).ToArray();
        var record = new string[header.Length];
        while (csv.Read())
        {
            long line = csv.LineNumber;
            if (csv.FieldCount != header.Length)
                throw new DataFileException(source, null, line, $"has {csv.FieldCount} fields; the header has {header.Length}.");
            for (int k = 0; k < header.Length; k++) record[k] = csv.GetString(k);
            string context = record[layout.Context];
            if (context.Length == 0)
                throw new DataFileException(source, header[layout.Context], line, "the context value is empty; every cell needs a context.");
            contexts.Add(context);
            lines.Add(line);
            for (int t = 0; t < text.Length; t++) text[t].Add(record[layout.Text[t]]);
            features.Add(Numbers(source, header, record, layout.Features, line));
            measurements.Add(Numbers(source, header, record, layout.Measurements, line));
        }
        if (contexts.Count == 0)
            throw new DataFileException(source, null, 2, "has a header but no data rows.");
        return new CsvPerturbationTable(source, header[layout.Context], roles.ControlValues.ToArray(), contexts.ToArray(), lines.ToArray(),
            layout.FeatureNames, ToMatrix(features, layout.Features.Length), layout.MeasurementNames, ToMatrix(measurements, layout.Measurements.Length),
            layout.Text.Select((c, t) => (header[c], text[t].ToArray())).ToDictionary(e => e.Item1, e => e.Item2, StringComparer.Ordinal));
    }

    private static float[] Numbers(string source, string[] header, string[] record, int[] columns, long line)
    {
        var values = new float[columns.Length];
        for (int k = 0; k < columns.Length; k++)
        {
            string text = record[columns[k]];
            if (text.Length == 0)
                throw new DataFileException(source, header[columns[k]], line, "the value is empty (missing); impute or drop such cells first.");
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                throw new DataFileException(source, header[columns[k]], line, $"'{text}' is not a number (use '.' as the decimal separator).");
            if (!float.IsFinite(value))
                throw new DataFileException(source, header[columns[k]], line, $"'{text}' is not finite; features and measurements must be finite.");
            values[k] = value;
        }
        return values;
    }

    private static float[,] ToMatrix(List<float[]> rows, int width)
    {
        var matrix = new float[rows.Count, width];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < width; j++)
                matrix[i, j] = rows[i][j];
        return matrix;
    }
}
