using System.Globalization;

namespace Gim.MLNet.Samples.Commands;

/// <summary>
/// Reads the feature vectors `predict` is asked about. A first line is a header only when it names the model's
/// features (then its columns may come in any order); anything else is data, so no line is ever skipped silently.
/// </summary>
internal static class PredictionQueries
{
    public static float[] ParseVector(string text, int expected, string where) =>
        ParseFields(text.Split(',', StringSplitOptions.TrimEntries), expected, where);

    public static List<float[]> Read(string path, IReadOnlyList<string> featureNames)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--input: no file '{path}'.", path);
        string[] lines = File.ReadAllLines(path);
        int[]? order = null; // header position of each model feature, when there is a header
        var queries = new List<float[]>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            string[] fields = lines[i].Split(',', StringSplitOptions.TrimEntries);
            string where = $"--input '{path}', line {i + 1}";
            if (queries.Count == 0 && order is null && IsHeader(fields, featureNames))
            {
                order = Order(fields, featureNames, where);
                continue;
            }
            if (order is not null && fields.Length != order.Length)
                throw new ArgumentException($"{where}: {fields.Length} values; the header names {order.Length} features.");
            string[] inModelOrder = order is null ? fields : order.Select(k => fields[k]).ToArray();
            queries.Add(ParseFields(inModelOrder, featureNames.Count, where, order is null && queries.Count == 0 ? featureNames : null));
        }
        if (queries.Count == 0) throw new ArgumentException($"--input '{path}': no feature vectors found; expected one line of {featureNames.Count} numbers per query.");
        return queries;
    }

    /// <summary>A header names at least one of the model's features; a line of numbers ("NaN", ".5", "+1" too) is data.</summary>
    private static bool IsHeader(string[] fields, IReadOnlyList<string> featureNames)
    {
        string[] names = fields.Select(Unquote).ToArray();
        if (names.Order(StringComparer.Ordinal).SequenceEqual(featureNames.Order(StringComparer.Ordinal), StringComparer.Ordinal)) return true;
        if (fields.All(f => float.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _))) return false;
        return names.Any(featureNames.Contains);
    }

    private static int[] Order(string[] fields, IReadOnlyList<string> featureNames, string where)
    {
        string[] names = fields.Select(Unquote).ToArray();
        string expected = $"the model's features are: {string.Join(", ", featureNames)}";
        string? duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null) throw new ArgumentException($"{where}: the header names '{duplicate}' twice; {expected}.");
        string[] unknown = names.Where(n => !featureNames.Contains(n)).ToArray();
        if (unknown.Length > 0) throw new ArgumentException($"{where}: the header names {string.Join(", ", unknown.Select(n => $"'{n}'"))}, which the model does not know; {expected}.");
        string[] missing = featureNames.Where(n => !names.Contains(n)).ToArray();
        if (missing.Length > 0) throw new ArgumentException($"{where}: the header lacks {string.Join(", ", missing.Select(n => $"'{n}'"))}; {expected}.");
        return featureNames.Select(n => Array.IndexOf(names, n)).ToArray();
    }

    private static float[] ParseFields(string[] parts, int expected, string where, IReadOnlyList<string>? headerHint = null)
    {
        if (parts.Length != expected)
            throw new ArgumentException($"{where}: {parts.Length} values; the model expects {expected} features.");
        var values = new float[expected];
        for (int i = 0; i < expected; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                throw new ArgumentException($"{where}: value {i + 1} ('{parts[i]}') is not a finite number."
                    + (headerHint is null ? "" : $" A header line, if any, must name the model's features: {string.Join(", ", headerHint)}."));
        return values;
    }

    private static string Unquote(string field) =>
        field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1].Replace("\"\"", "\"") : field;
}
