namespace Gim.MLNet.Onnx;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one, never a partial
/// write: the content goes to a temporary file in the same directory, which is then renamed over the target.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes UTF-8 text atomically.</summary>
    public static void WriteAllText(string path, string content) =>
        Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(content)));

    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        // Same directory: a rename within one file system is atomic.
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
