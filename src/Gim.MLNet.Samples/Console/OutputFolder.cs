namespace Gim.MLNet.Samples.Console;

/// <summary>Picks and creates the folder a run writes to.</summary>
internal static class OutputFolder
{
    /// <summary>The given folder, or a fresh timestamped one under the current directory.</summary>
    public static string Prepare(string? requested)
    {
        string path = requested ?? Path.Combine(Environment.CurrentDirectory, $"gim-run-{DateTime.Now:yyyyMMdd-HHmmss}");
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot create the output folder '{path}': {e.Message}", e);
        }
        return Path.GetFullPath(path);
    }
}
