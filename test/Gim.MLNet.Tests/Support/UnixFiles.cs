using System.Diagnostics;

namespace Gim.MLNet.Tests.Support;

/// <summary>The few Unix tools the file tests need: make a FIFO, ask stat(1) what a path is.</summary>
internal static class UnixFiles
{
    public static void MakeFifo(string path) => Run("mkfifo", path);

    /// <summary>stat's description of the file type, e.g. "character special file", "fifo", "regular file".</summary>
    public static string Type(string path) => Run("stat", "-L", "-c", "%F", path).Trim();

    private static string Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{tool} {string.Join(' ', args)}: {error}");
        return output;
    }
}
