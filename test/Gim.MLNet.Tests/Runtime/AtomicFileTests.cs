using Gim.MLNet.Runtime;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Runtime;

/// <summary>
/// AtomicFile replaces regular files by rename, but writes devices and pipes in place (renaming over /dev/null as
/// root had replaced the device with a regular file), refuses directories, and names the target in its errors.
/// </summary>
public class AtomicFileTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("gim-atomic-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void RegularFile_IsReplacedWithoutLeavingTemporaryFiles()
    {
        string path = Path.Combine(_folder, "a.txt");
        File.WriteAllText(path, "old content, longer than the new");
        AtomicFile.WriteAllText(path, "new");
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        Assert.That(Directory.GetFiles(_folder), Is.EqualTo(new[] { path }));
        Assert.That(FileKinds.Of(path), Is.EqualTo(FileKind.Regular));
        Assert.That(FileKinds.Of(Path.Combine(_folder, "missing")), Is.EqualTo(FileKind.Missing));
        Assert.That(FileKinds.Of(_folder), Is.EqualTo(FileKind.Directory));
    }

    [Test]
    public void Fifo_IsWrittenInPlaceAndStaysAFifo()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "FIFOs are a Unix thing");
        string fifo = Path.Combine(_folder, "pipe");
        UnixFiles.MakeFifo(fifo);
        Assert.That(FileKinds.Of(fifo), Is.EqualTo(FileKind.Special));
        Assert.That(AtomicFile.WritesInPlace(fifo), Is.True);

        // Opening a FIFO for writing waits for a reader, so the reader runs alongside.
        Task<string> reader = Task.Run(() => File.ReadAllText(fifo));
        AtomicFile.WriteAllText(fifo, "through the pipe");
        Assert.That(reader.Wait(TimeSpan.FromSeconds(30)), Is.True, "the reader got nothing");
        Assert.That(reader.Result, Is.EqualTo("through the pipe"));

        reader = Task.Run(() => File.ReadAllText(fifo));
        AtomicFile.WriteFile(fifo, path => File.WriteAllText(path, "by path"));
        Assert.That(reader.Wait(TimeSpan.FromSeconds(30)), Is.True, "the reader got nothing");
        Assert.That(reader.Result, Is.EqualTo("by path"));

        Assert.That(UnixFiles.Type(fifo), Is.EqualTo("fifo"));
        Assert.That(Directory.GetFileSystemEntries(_folder), Is.EqualTo(new[] { fifo }), "no temporary file left");
    }

    [Test]
    public void DevNull_IsWrittenInPlaceAndStaysACharacterDevice()
    {
        Assume.That(OperatingSystem.IsLinux(), "/dev/null as a Linux character device");
        Assume.That(UnixFiles.Type("/dev/null"), Is.EqualTo("character special file"));
        // Guard: only write when AtomicFile will not rename over it (as root that would replace the device).
        Assert.That(FileKinds.Of("/dev/null"), Is.EqualTo(FileKind.Special));

        AtomicFile.WriteAllText("/dev/null", "discarded");
        AtomicFile.WriteFile("/dev/null", path => File.WriteAllText(path, "discarded"));

        Assert.That(UnixFiles.Type("/dev/null"), Is.EqualTo("character special file"));
    }

    [Test]
    public void Directory_IsRefusedWithAMessageNamingIt()
    {
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(_folder, "x"));
        Assert.That(e!.Message, Does.Contain(_folder).And.Contain("directory"));
        Assert.That(Directory.GetFileSystemEntries(_folder), Is.Empty, "no temporary file left");
    }

    [Test]
    public void UnwritableFolder_ErrorNamesTheTargetNotTheTemporaryFile()
    {
        // /proc accepts no new files, even for root (a chmod'ed folder would not stop root).
        Assume.That(OperatingSystem.IsLinux() && Directory.Exists("/proc/self"), "Linux /proc");
        string target = "/proc/gim-atomic-test.csv";
        Exception e = Assert.Catch(() => AtomicFile.WriteAllText(target, "x"))!;
        Assert.That(e, Is.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>());
        Assert.That(e.Message, Does.Contain(target));
        Assert.That(e.Message, Does.Not.Contain(".tmp"), "the hidden temporary file means nothing to the user");
    }

    [Test]
    public void SymbolicLink_StaysALinkAndItsTargetIsReplaced()
    {
        string file = Path.Combine(_folder, "real.txt");
        string link = Path.Combine(_folder, "link.txt");
        File.WriteAllText(file, "old");
        File.CreateSymbolicLink(link, file);
        AtomicFile.WriteAllText(link, "new");
        Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo(file));
        Assert.That(File.ReadAllText(file), Is.EqualTo("new"));
    }
}
