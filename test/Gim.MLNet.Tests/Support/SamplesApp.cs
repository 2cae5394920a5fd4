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
        var (exitCode, output, error) = ChildApp.Finish(process, timeout, args);
        return (exitCode, output + error);
    }

    /// <summary>Starts the app with standard output and error redirected; the caller reads them and waits.</summary>
    public static Process Start(string? workingDirectory, params string[] args) =>
        ChildApp.Start(AssemblyPath, workingDirectory, environment: null, closeInput: false, args);
}
