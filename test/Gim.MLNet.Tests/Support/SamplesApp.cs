using System.Diagnostics;
using System.Reflection;

namespace Gim.MLNet.Tests.Support;

/// <summary>Runs the samples app as a separate process, as a user would from the command line.</summary>
internal static class SamplesApp
{
    private static string AssemblyPath => typeof(SamplesApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "GimSamplesAssembly").Value!;

    public static (int ExitCode, string Output) Run(TimeSpan timeout, params string[] args) => RunIn(null, timeout, args);

    /// <summary>Runs the app in <paramref name="workingDirectory"/> (null: the test's own).</summary>
    public static (int ExitCode, string Output) RunIn(string? workingDirectory, TimeSpan timeout, params string[] args)
    {
        using Process process = Start(workingDirectory, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{string.Join(' ', args)}' did not finish within {timeout}.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Starts the app with standard output and error redirected; the caller reads them and waits.</summary>
    public static Process Start(string? workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        info.ArgumentList.Add(AssemblyPath);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }
}
