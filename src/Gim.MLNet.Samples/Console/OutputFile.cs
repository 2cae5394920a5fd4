using Gim.MLNet.Runtime;

namespace Gim.MLNet.Samples.Console;

/// <summary>Checks an output file path before any work, so a bad -o fails at once and says which flag is at fault.</summary>
internal static class OutputFile
{
    public static string Check(string path, string flag)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new IOException($"{flag}: '{full}' is a folder; expected a file path such as '{Path.Combine(full, "predictions.csv")}'.");
        // A device or pipe (/dev/null) is written in place: its folder need not accept new files.
        if (AtomicFile.WritesInPlace(full)) return full;
        // The file is written next to the target and renamed, into folders created as needed: the nearest existing one must accept files.
        string? folder = Path.GetDirectoryName(full);
        while (folder is not null && !Directory.Exists(folder))
        {
            if (File.Exists(folder))
                throw new IOException($"{flag}: cannot write '{full}': '{folder}' is a file, not a folder.");
            folder = Path.GetDirectoryName(folder);
        }
        if (folder is not null) WriteProbe.Check(folder, flag);
        return full;
    }
}
