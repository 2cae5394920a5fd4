namespace Gim.MLNet.Data;

/// <summary>
/// A data file could not be read: it is missing a key or column, holds a value or an encoding the
/// loader does not support, is truncated or corrupt, or would not fit the memory limit. The message
/// names the file and, where known, the key or column and the line or row, so it can be acted on
/// without a debugger. It is an <see cref="IOException"/>, like the <see cref="FileNotFoundException"/>
/// a missing file gives, so one catch covers every way a data file can fail to load.
/// </summary>
public sealed class DataFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file (or a caller-given source name for a stream).</param>
    /// <param name="location">The HDF5 key or CSV column at fault, if known.</param>
    /// <param name="line">The 1-based line (CSV) or 0-based row, if known; see the message.</param>
    /// <param name="message">What went wrong and how to fix it; the file is prefixed automatically.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public DataFileException(string filePath, string? location, long? line, string message, Exception? inner = null)
        : base(Compose(filePath, location, line, message), inner)
    {
        FilePath = filePath;
        Location = location;
        Line = line;
    }

    /// <summary>The file (or source name) that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>The HDF5 key (e.g. <c>obs/condition</c>) or CSV column at fault, if known.</summary>
    public string? Location { get; }

    /// <summary>The CSV line (1-based, the header is line 1) at fault, if known.</summary>
    public long? Line { get; }

    private static string Compose(string filePath, string? location, long? line, string message)
    {
        string where = filePath;
        if (line is long l) where += $", line {l}";
        if (location is not null) where += $", '{location}'";
        return $"{where}: {message}";
    }
}
