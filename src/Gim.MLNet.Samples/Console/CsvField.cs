namespace Gim.MLNet.Samples.Console;

/// <summary>Writes one CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, so names like "IL-2, pg/ml" keep their column.</summary>
internal static class CsvField
{
    public static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;

    public static string Join(IEnumerable<string> fields) => string.Join(',', fields.Select(Quote));
}
