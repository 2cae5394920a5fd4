namespace Gim.MLNet.Runtime;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one, never a partial
/// write: the content goes to a temporary file in the same directory, which is then renamed over the target.
/// A device, pipe or socket (/dev/null, a FIFO) is written directly instead: renaming over it would replace
/// the node itself. Errors name the target, never the temporary file.
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
        Write(path, (target, inPlace) =>
        {
            // The temporary file must be new; a device or pipe exists, is not truncated, and cannot be locked.
            using var stream = inPlace
                ? new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)
                : new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
            stream.Flush(flushToDisk: true);
        });

    /// <summary>
    /// Atomically writes a file that a library can only write by path (a plotting library's SavePng, say): the
    /// temporary path it is given keeps <paramref name="path"/>'s extension, for libraries that choose the format by it.
    /// </summary>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    /// <param name="writeFile">Writes the complete file at the temporary path it is given.</param>
    public static void WriteFile(string path, Action<string> writeFile) =>
        Write(path, (target, _) => writeFile(target));

    /// <summary>
    /// True when <paramref name="path"/> names an existing device, pipe or socket, which this class writes to
    /// directly (so writing it needs no permission to create files in its directory).
    /// </summary>
    /// <param name="path">A file path.</param>
    public static bool WritesInPlace(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FileKinds.Of(Path.GetFullPath(path)) == FileKind.Special;
    }

    private static void Write(string path, Action<string, bool> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        FileKind kind = FileKinds.Of(full);
        switch (kind)
        {
            case FileKind.Directory:
                throw new IOException($"Cannot write '{full}': it is a directory; expected a file path.");
            case FileKind.Special:
                write(full, true);
                return;
        }
        // A symbolic link stays a link: the file it points to is replaced (renaming over /dev/stdout would replace the link).
        string target = kind == FileKind.Regular && File.ResolveLinkTarget(full, returnFinalTarget: true) is { Exists: true } linked ? linked.FullName : full;
        string directory = Path.GetDirectoryName(target) ?? ".";
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write '{full}': cannot create the folder '{directory}': {e.Message}", e);
        }
        // Same directory: a rename within one file system is atomic.
        string temporary = Path.Combine(directory, $".{Path.GetFileNameWithoutExtension(target)}.{Guid.NewGuid():N}.tmp{Path.GetExtension(target)}");
        try
        {
            write(temporary, false);
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is UnauthorizedAccessException && e.Message.Contains(temporary, StringComparison.Ordinal))
                throw new UnauthorizedAccessException($"Cannot write '{full}': permission denied in '{directory}'.", e);
            if (e is IOException && e.Message.Contains(temporary, StringComparison.Ordinal))
                throw new IOException($"Cannot write '{full}': {e.Message.Replace(temporary, target, StringComparison.Ordinal)}", e);
            throw;
        }
    }
}
