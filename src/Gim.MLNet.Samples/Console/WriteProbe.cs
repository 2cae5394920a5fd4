namespace Gim.MLNet.Samples.Console;

/// <summary>
/// Creates and deletes a file in a folder, so a folder that does not accept files fails before minutes of
/// training rather than after, with a message naming the flag and the folder (not a hidden temporary file).
/// </summary>
internal static class WriteProbe
{
    public static void Check(string folder, string flag)
    {
        string probe = Path.Combine(folder, $".gim-write-test-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None)) { }
            File.Delete(probe);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"{flag}: cannot write to the folder '{folder}': permission denied.", e);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // What Linux says for /proc and the like; the probe's own name would only confuse.
            throw new IOException($"{flag}: cannot write to the folder '{folder}': it does not accept new files.", e);
        }
        catch (IOException e)
        {
            throw new IOException($"{flag}: cannot write to the folder '{folder}': {e.Message.Replace(probe, folder, StringComparison.Ordinal)}", e);
        }
    }
}
