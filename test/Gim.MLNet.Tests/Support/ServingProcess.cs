using System.Diagnostics;
using System.Reflection;

namespace Gim.MLNet.Tests.Support;

/// <summary>Runs the serving app (src/Gim.MLNet.Serving) as a separate process, as an operator would.</summary>
internal static class ServingProcess
{
    public static string AssemblyPath
    {
        get
        {
            string dll = typeof(ServingProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "GimServingAssembly").Value!;
            Assert.That(File.Exists(dll), Is.True,
                $"the serving app is missing: {dll}; the test project builds it (ProjectReference to Gim.MLNet.Serving), so its absence is a build fault");
            return dll;
        }
    }

    /// <summary>Starts the app with every stream redirected (standard input closed at once).</summary>
    public static Process Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the app with extra environment variables.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        ChildApp.Start(AssemblyPath, workingDirectory: null, environment, closeInput: true, args);

    /// <summary>Runs the app to its end.</summary>
    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, params string[] args)
    {
        using Process process = Start(args);
        return ChildApp.Finish(process, timeout, args);
    }
}
