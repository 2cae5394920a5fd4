namespace Gim.MLNet.Samples.Console;

/// <summary>
/// The folder a run writes to: created and checked for writing before the work starts, and removed again
/// (with any parents the run created) if the run fails or is cancelled before writing anything into it.
/// </summary>
internal sealed class OutputFolder
{
    private readonly IReadOnlyList<string> _created; // deepest first

    private OutputFolder(string path, IReadOnlyList<string> created)
    {
        Path = path;
        _created = created;
    }

    public string Path { get; }

    /// <summary>The given folder, or a fresh timestamped one under the current directory.</summary>
    public static OutputFolder Prepare(string? requested, string defaultPrefix, string flag = "--out")
    {
        string path = System.IO.Path.GetFullPath(requested ?? System.IO.Path.Combine(Environment.CurrentDirectory, $"{defaultPrefix}-{DateTime.Now:yyyyMMdd-HHmmss}"));
        if (File.Exists(path))
            throw new IOException($"{flag}: '{path}' is a file; expected a folder.");
        var created = new List<string>();
        for (string? p = path; p is not null && !Directory.Exists(p) && !File.Exists(p); p = System.IO.Path.GetDirectoryName(p))
            created.Add(p);
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{flag}: cannot create the output folder '{path}': {e.Message}", e);
        }
        var folder = new OutputFolder(path, created);
        folder.RemoveIfFailed(() => WriteProbe.Check(path, flag));
        return folder;
    }

    /// <summary>Runs the work; if it throws, the folders this run created are removed while empty.</summary>
    public T RemoveIfFailed<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch
        {
            RemoveEmptyCreatedFolders();
            throw;
        }
    }

    public void RemoveIfFailed(Action work) => RemoveIfFailed(() => { work(); return 0; });

    private void RemoveEmptyCreatedFolders()
    {
        foreach (string folder in _created)
        {
            try
            {
                if (!Directory.Exists(folder) || Directory.EnumerateFileSystemEntries(folder).Any()) return;
                Directory.Delete(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return; // leaving an empty folder is untidy, not worth hiding the run's own error
            }
        }
    }
}
