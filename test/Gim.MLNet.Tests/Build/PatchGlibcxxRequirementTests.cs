using System.Collections;
using Gim.MLNet.Build;
using Gim.MLNet.Tests.Support;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Gim.MLNet.Tests.Build;

/// <summary>The MSBuild task as MSBuild drives it: items in, log events and a success flag out.</summary>
[TestFixture]
public sealed class PatchGlibcxxRequirementTests : TempElfFileTests
{
    private static (bool Ok, RecordingBuildEngine Engine) Run(params string[] paths)
    {
        var engine = new RecordingBuildEngine();
        var task = new PatchGlibcxxRequirement
        {
            BuildEngine = engine,
            Files = paths.Select(p => (ITaskItem)new TaskItem(p)).ToArray(),
        };
        return (task.Execute(), engine);
    }

    [Test]
    public void StrongRequirement_IsWeakenedAndReported()
    {
        string path = Temp(SyntheticElf.Build().Image);
        var (ok, engine) = Run(path);
        Assert.That(ok, Is.True);
        Assert.That(engine.Errors, Is.Empty);
        Assert.That(ElfVersionNeedPatcher.IsWeak(File.ReadAllBytes(path), "GLIBCXX_3.4.32"), Is.True);
        Assert.That(engine.Messages, Has.Some.Matches<string>(m => m.Contains("marked the GLIBCXX_3.4.32 requirement") && m.Contains(path)));
    }

    [Test]
    public void SecondRun_SucceedsWithoutWriting()
    {
        string path = Temp(SyntheticElf.Build().Image);
        Run(path);
        DateTime written = File.GetLastWriteTimeUtc(path);
        byte[] once = File.ReadAllBytes(path);

        var (ok, engine) = Run(path);
        Assert.That(ok, Is.True);
        Assert.That(engine.Errors, Is.Empty);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(once));
        Assert.That(File.GetLastWriteTimeUtc(path), Is.EqualTo(written), "incremental builds rely on an unchanged timestamp");
    }

    [Test]
    public void MissingFile_FailsWithThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gim-missing-{Guid.NewGuid():N}.so");
        var (ok, engine) = Run(path);
        Assert.That(ok, Is.False);
        Assert.That(engine.Errors, Has.One.Matches<string>(m => m.Contains(path) && m.Contains("does not exist")));
    }

    [Test]
    public void CorruptFile_FailsWithPathAndReason_AndOtherFilesStillPatched()
    {
        byte[] corrupt = SyntheticElf.Build().Image.AsSpan(0, 100).ToArray();
        string bad = Temp(corrupt);
        string good = Temp(SyntheticElf.Build().Image);

        var (ok, engine) = Run(bad, good);
        Assert.That(ok, Is.False);
        Assert.That(engine.Errors, Has.One.Matches<string>(m => m.Contains(bad) && m.Contains("expected a 64-bit little-endian ELF shared library")));
        Assert.That(File.ReadAllBytes(bad), Is.EqualTo(corrupt));
        Assert.That(ElfVersionNeedPatcher.IsWeak(File.ReadAllBytes(good), "GLIBCXX_3.4.32"), Is.True);
    }

    /// <summary>Just enough of MSBuild's engine for TaskLoggingHelper: records what the task logs.</summary>
    private sealed class RecordingBuildEngine : IBuildEngine
    {
        public List<string> Errors { get; } = [];
        public List<string> Warnings { get; } = [];
        public List<string> Messages { get; } = [];

        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "test.proj";

        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e.Message ?? "");
        public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e.Message ?? "");
        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e.Message ?? "");
        public void LogCustomEvent(CustomBuildEventArgs e) => Messages.Add(e.Message ?? "");

        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
            throw new NotSupportedException("the task never builds other projects");
    }
}
