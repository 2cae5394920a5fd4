using System.Diagnostics;

namespace Gim.MLNet.Tests.Support;

/// <summary>Runs one of the repository's built apps (`dotnet app.dll ...`) as a separate process, as a user or an operator would.</summary>
internal static class ChildApp
{
    /// <summary>Starts <paramref name="dll"/> with standard output and error redirected (and standard input closed at once when redirected).</summary>
    public static Process Start(string dll, string? workingDirectory, IReadOnlyDictionary<string, string>? environment, bool closeInput, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = closeInput, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        info.ArgumentList.Add(dll);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        Process process = Process.Start(info)!;
        if (closeInput) process.StandardInput.Close();
        return process;
    }

    /// <summary>Reads both streams to the end and waits; kills the process tree and fails the test after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output, string Error) Finish(Process process, TimeSpan timeout, IEnumerable<string> args)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{string.Join(' ', args)}' did not finish within {timeout}.");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}
