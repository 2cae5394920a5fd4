namespace Gim.MLNet.IO;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one, never a partial
/// write: the content goes to a temporary file in the same directory, which is then renamed over the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes UTF-8 text atomically.</summary>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    /// <param name="content">The text.</param>
    public static void WriteAllText(string path, string content) =>
        Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(content)));

    /// <summary>Writes through a stream, atomically.</summary>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    public static void Write(string path, Action<Stream> write) =>
        WriteFile(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
            stream.Flush(flushToDisk: true);
        });

    /// <summary>
    /// Atomically writes a file that a library can only write by path (a plotting library's SavePng, say): the
    /// temporary path it is given keeps <paramref name="path"/>'s extension, for libraries that choose the format by it.
    /// </summary>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    /// <param name="writeFile">Writes the complete file at the temporary path it is given.</param>
    public static void WriteFile(string path, Action<string> writeFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        // Same directory: a rename within one file system is atomic.
        string temporary = Path.Combine(directory, $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid():N}.tmp{Path.GetExtension(full)}");
        try
        {
            writeFile(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
