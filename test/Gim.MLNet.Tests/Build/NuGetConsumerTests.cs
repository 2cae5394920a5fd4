using System.IO.Compression;
using Gim.MLNet.Build;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Build;

/// <summary>
/// End to end: pack Gim.MLNet, reference it from a fresh console project outside this repository
/// (so none of our Directory.Build.* files apply), run it, and check TorchSharp works there and the
/// consumer's copy of libLibTorchSharp.so was made weak by the targets shipped in the package.
/// </summary>
[TestFixture]
[Category("Packaging")]
public sealed class NuGetConsumerTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(5);

    private string _version = "";
    private string _work = "";

    [SetUp]
    public void CreateWorkFolder()
    {
        string unique = Guid.NewGuid().ToString("N")[..12];
        _version = $"0.2.0-consumer{unique}";
        _work = Path.Combine(Path.GetTempPath(), $"gim-consumer-{unique}");
        Directory.CreateDirectory(_work);
    }

    [TearDown]
    public void CleanUp()
    {
        if (Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
        // Restore extracted the unique version into the global packages folder; nothing else will use it.
        string packages = ElfTestFiles.GlobalPackagesFolder();
        string extracted = Path.Combine(packages, "gim.mlnet", _version.ToLowerInvariant());
        if (Directory.Exists(extracted)) Directory.Delete(extracted, recursive: true);
        string idFolder = Path.Combine(packages, "gim.mlnet");
        if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any()) Directory.Delete(idFolder);
    }

    [Test]
    public void ConsumerOfThePackage_RunsTorchSharp_WithAWeakGlibcxxRequirement()
    {
        string repo = FindRepositoryRoot();
        Assert.That(_work.StartsWith(repo, StringComparison.Ordinal), Is.False, "the consumer must live outside the repository");
        string feed = Path.Combine(_work, "feed");

        // PackageVersion (not Version) names the package without changing the assembly version, and
        // --no-restore leaves obj/project.assets.json alone, so packing does not invalidate the
        // repository's own incremental build. The test project's build has already restored it.
        var pack = DotnetCli.Run(repo, ProcessTimeout, "pack", Path.Combine(repo, "src", "Gim.MLNet"),
            "-c", "Release", "--no-restore", "--disable-build-servers", "-o", feed,
            $"-p:PackageVersion={_version}", $"-p:NuspecOutputPath={Path.Combine(_work, "nuspec")}/");
        Assert.That(pack.ExitCode, Is.Zero, pack.Describe("dotnet pack"));

        string package = Path.Combine(feed, $"Gim.MLNet.{_version}.nupkg");
        Assert.That(File.Exists(package), Is.True, pack.Describe("dotnet pack"));
        using (ZipArchive zip = ZipFile.OpenRead(package))
        {
            string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.That(entries, Does.Contain("buildTransitive/Gim.MLNet.targets"), string.Join("\n", entries));
            Assert.That(entries, Does.Contain("buildTransitive/tasks/Gim.MLNet.Build.dll"), string.Join("\n", entries));
        }

        string app = WriteConsumer(feed);
        var run = DotnetCli.Run(app, ProcessTimeout, "run", "--disable-build-servers");
        Assert.That(run.ExitCode, Is.Zero, run.Describe("dotnet run (consumer)"));
        Assert.That(run.StdOut, Does.Contain("PRODUCT 58 64 139 154"), run.Describe("dotnet run (consumer)"));

        string[] natives = Directory.GetFiles(Path.Combine(app, "bin"), "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.That(natives, Is.Not.Empty, "the consumer's output should contain TorchSharp's native library");
        foreach (string native in natives)
            Assert.That(ElfVersionNeedPatcher.IsWeak(File.ReadAllBytes(native), "GLIBCXX_3.4.32"), Is.True, native);
        if (ElfTestFiles.FindCachedLibTorchSharp() is { } cached)
        {
            // The cache check below only means something if the output really was linked: on one file system, the
            // (unpatched) libtorch_cpu.so in the output must be a second name of the cache's copy.
            string? torchCpu = Directory.GetFiles(Path.Combine(app, "bin"), "libtorch_cpu.so", SearchOption.AllDirectories).FirstOrDefault();
            Assert.That(torchCpu, Is.Not.Null, "the consumer's output should contain libtorch_cpu.so");
            var (outputDevice, links) = DeviceAndLinks(torchCpu!);
            var (cacheDevice, _) = DeviceAndLinks(cached);
            if (outputDevice == cacheDevice)
                Assert.That(links, Is.GreaterThanOrEqualTo(2), $"{torchCpu} should be a hard link to the NuGet cache");
            Assert.That(ElfVersionNeedPatcher.IsWeak(File.ReadAllBytes(cached), "GLIBCXX_3.4.32"), Is.False,
                $"patching the consumer's hard-linked output must not change the NuGet cache's {cached}");
        }
    }

    /// <summary>stat(1)'s device number and link count of a file (.NET exposes neither).</summary>
    private static (string Device, int Links) DeviceAndLinks(string path)
    {
        var info = new System.Diagnostics.ProcessStartInfo("stat") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { "-L", "-c", "%d %h", path }) info.ArgumentList.Add(arg);
        using var stat = System.Diagnostics.Process.Start(info)!;
        string[] fields = stat.StandardOutput.ReadToEnd().Trim().Split(' ');
        stat.WaitForExit();
        Assert.That(stat.ExitCode, Is.Zero, $"stat {path}");
        return (fields[0], int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A console project that only knows Gim.MLNet by its package, and a nuget.config that
    /// adds the local feed (nuget.org stays for Gim.MLNet's own dependencies).</summary>
    private string WriteConsumer(string feed)
    {
        // Empty Directory.* files stop MSBuild from looking further up the temp folder's parents.
        File.WriteAllText(Path.Combine(_work, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(_work, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(_work, "Directory.Packages.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(_work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="gim-local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);

        string app = Path.Combine(_work, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <!-- As docs/native-library.md suggests: links, not 1.2 GB of copies; the patch must still
                     leave the NuGet cache as restored (checked below). -->
                <CreateHardLinksForCopyLocalIfPossible>true</CreateHardLinksForCopyLocalIfPossible>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Gim.MLNet" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System.Globalization;
            using static TorchSharp.torch;

            // [1 2 3; 4 5 6] x [7 8; 9 10; 11 12] = [58 64; 139 154]
            var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
            var b = tensor(new float[] { 7, 8, 9, 10, 11, 12 }, new long[] { 3, 2 });
            float[] product = a.matmul(b).data<float>().ToArray();
            Console.WriteLine("PRODUCT " + string.Join(" ", product.Select(v => v.ToString(CultureInfo.InvariantCulture))));
            """);
        return app;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Gim.MLNet.sln")))
                return dir.FullName + Path.DirectorySeparatorChar;
        throw new InvalidOperationException($"no Gim.MLNet.sln above {TestContext.CurrentContext.TestDirectory}");
    }
}
