using System.Globalization;
using CsvHelper;

namespace Gim.MLNet.Data.Csv;

/// <summary>How this library parses CSV (cells and descriptor tables alike), and how a malformed file becomes an error naming it.</summary>
internal static class CsvReading
{
    /// <summary>
    /// RFC 4180 with <paramref name="delimiter"/>, line numbers tracked, whitespace trimmed, invariant numbers; a stray or
    /// unterminated quote is a malformed file, not data to guess at; ragged rows are let through for the caller to report
    /// with the expected count.
    /// </summary>
    public static T Read<T>(Stream stream, string sourceName, char delimiter, Func<CsvReader, T> records)
    {
        CsvReaderOptions options = CsvReaderOptions.Default with
        {
            Separator = delimiter,
            TrackLineNumbers = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        try
        {
            using CsvReader csv = CsvReader.Create(stream, options, true);
            return records(csv);
        }
        catch (CsvFormatException ex)
        {
            throw new DataFileException(sourceName, null, ex.LineNumber > 0 ? ex.LineNumber : null, $"is not valid CSV: {ex.Message}", ex);
        }
    }
}
