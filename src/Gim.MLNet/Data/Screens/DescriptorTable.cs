using System.Globalization;
using CsvHelper;

namespace Gim.MLNet.Data;

/// <summary>
/// Per-perturbation features kept apart from the cells, as drug screens keep them: one row per perturbation (a drug's
/// molecular descriptors, a gene's embedding), a key column naming it and numeric columns. A <see cref="ScreenDesign"/>
/// joins them onto the cells by the perturbation's name. Read one with <see cref="Read(string, string?, char?)"/>.
/// </summary>
public sealed class DescriptorTable
{
    private readonly Dictionary<string, float[]> _rows;

    /// <summary>Creates a table from rows already in memory.</summary>
    /// <param name="source">How messages name the table (a file name).</param>
    /// <param name="keyColumn">The name of the key column (for messages).</param>
    /// <param name="featureNames">The descriptor names, one per value of each row.</param>
    /// <param name="rows">Each perturbation's descriptor values; every row as long as <paramref name="featureNames"/>, every value finite.</param>
    public DescriptorTable(string source, string keyColumn, IReadOnlyList<string> featureNames, IReadOnlyDictionary<string, float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(rows);
        Source = source ?? throw new ArgumentNullException(nameof(source));
        KeyColumn = keyColumn ?? throw new ArgumentNullException(nameof(keyColumn));
        if (featureNames.Count == 0)
            throw new DataFileException(source, null, null, $"has no descriptor column besides the key '{keyColumn}'; expected numeric columns describing each perturbation.");
        FeatureNames = featureNames.ToArray();
        _rows = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (key, values) in rows)
        {
            if (values is null || values.Length != featureNames.Count)
                throw new DataFileException(source, keyColumn, null, $"perturbation '{key}' has {values?.Length ?? 0} descriptor values; expected {featureNames.Count} ({string.Join(", ", featureNames)}).");
            for (int j = 0; j < values.Length; j++)
                if (!float.IsFinite(values[j]))
                    throw new DataFileException(source, featureNames[j], null, $"perturbation '{key}' has descriptor '{featureNames[j]}' = {values[j]}; descriptors must be finite.");
            _rows.Add(key, values.ToArray());
        }
        if (_rows.Count == 0) throw new DataFileException(source, null, null, "has no rows; expected one row per perturbation.");
    }

    /// <summary>The file (or source name).</summary>
    public string Source { get; }

    /// <summary>The key column's name.</summary>
    public string KeyColumn { get; }

    /// <summary>The descriptor names, in the table's column order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The perturbations the table describes.</summary>
    public IReadOnlyCollection<string> Keys => _rows.Keys;

    /// <summary>Whether the table has a row for <paramref name="perturbation"/>.</summary>
    public bool Contains(string perturbation) => _rows.ContainsKey(perturbation);

    /// <summary>The descriptors of <paramref name="perturbation"/> (a copy); throws naming the table when it has no row.</summary>
    public float[] this[string perturbation] => _rows.TryGetValue(perturbation, out float[]? row) ? row.ToArray()
        : throw new KeyNotFoundException($"{Source}: no row for perturbation '{perturbation}' in key column '{KeyColumn}'.");

    /// <summary>
    /// Reads a CSV or TSV file: a header line, then one row per perturbation; every column but the key must be numeric
    /// and finite. Errors name the file, line and column: a missing key column, an empty or repeated key, a ragged row, an
    /// empty or non-numeric value.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="keyColumn">The column naming the perturbation; null: the first column.</param>
    /// <param name="delimiter">The field separator; null: a tab for .tsv/.tab files, a comma otherwise.</param>
    public static DescriptorTable Read(string path, string? keyColumn = null, char? delimiter = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such descriptor table.", path);
        char separator = delimiter ?? (Path.GetExtension(path).ToLowerInvariant() is ".tsv" or ".tab" ? '\t' : ',');
        using FileStream stream = File.OpenRead(path);
        return Read(stream, path, keyColumn, separator);
    }

    /// <summary>Reads a CSV/TSV table from a stream (left open); see <see cref="Read(string, string?, char?)"/>.</summary>
    /// <param name="stream">The bytes, starting with the header line.</param>
    /// <param name="sourceName">How messages name the source.</param>
    /// <param name="keyColumn">The column naming the perturbation; null: the first column.</param>
    /// <param name="delimiter">The field separator.</param>
    public static DescriptorTable Read(Stream stream, string sourceName, string? keyColumn = null, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Csv.CsvReading.Read(stream, sourceName, delimiter, csv => ReadRecords(csv, sourceName, keyColumn));
    }

    private static DescriptorTable ReadRecords(CsvReader csv, string source, string? keyColumn)
    {
        string[] header = csv.Headers.ToArray();
        if (header.Length == 0 || header.Length == 1 && header[0].Length == 0)
            throw new DataFileException(source, null, 1, "is empty; expected a header line: the perturbation key, then the descriptor columns.");
        int key = keyColumn is null ? 0 : Array.IndexOf(header, keyColumn);
        if (key < 0)
            throw new DataFileException(source, keyColumn, 1, $"has no key column '{keyColumn}'; the columns are: {string.Join(", ", header)}.");
        string[] names = header.Where((_, k) => k != key).ToArray();
        var rows = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var firstLine = new Dictionary<string, long>(StringComparer.Ordinal);
        while (csv.Read())
        {
            long line = csv.LineNumber;
            if (csv.FieldCount != header.Length)
                throw new DataFileException(source, null, line, $"has {csv.FieldCount} fields; the header has {header.Length}.");
            string name = csv.GetString(key);
            if (name.Length == 0)
                throw new DataFileException(source, header[key], line, "the perturbation key is empty; every row names the perturbation it describes.");
            if (firstLine.TryGetValue(name, out long earlier))
                throw new DataFileException(source, header[key], line, $"perturbation '{name}' has a second row (the first is line {earlier}); keep one row per perturbation.");
            var values = new float[names.Length];
            for (int k = 0, j = 0; k < header.Length; k++)
            {
                if (k == key) continue;
                string text = csv.GetString(k);
                if (text.Length == 0)
                    throw new DataFileException(source, header[k], line, $"perturbation '{name}' has no value (empty); every descriptor needs a value (impute it first).");
                if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                    throw new DataFileException(source, header[k], line, $"perturbation '{name}' has '{text}', not a finite number (use '.' as the decimal separator).");
                values[j++] = value;
            }
            rows.Add(name, values);
            firstLine.Add(name, line);
        }
        if (rows.Count == 0) throw new DataFileException(source, null, 2, "has a header but no rows; expected one row per perturbation.");
        return new DescriptorTable(source, header[key], names, rows);
    }
}
