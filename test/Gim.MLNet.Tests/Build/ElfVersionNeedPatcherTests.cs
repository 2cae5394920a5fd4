using Gim.MLNet.Build;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Build;

/// <summary>
/// ElfVersionNeedPatcher on the real libLibTorchSharp.so and on files it must refuse. Every refusal
/// is an ElfFormatException that says what was expected, and leaves the file on disk untouched.
/// </summary>
[TestFixture]
public sealed class ElfVersionNeedPatcherTests : TempElfFileTests
{
    private const string Glibcxx3432 = "GLIBCXX_3.4.32";

    [Test]
    public void RealLibrary_IsPatchedByOneBitThenIdempotent()
    {
        byte[] original = ElfTestFiles.ReadCachedLibTorchSharpOrIgnore();
        Assert.That(ElfVersionNeedPatcher.IsWeak(original, Glibcxx3432), Is.False,
            "the NuGet-cache copy of libLibTorchSharp.so is patched, and it must never be: only build outputs are patched (each as its own " +
            "file, never through a hard link into the cache). Something wrote into the shared cache; restore the package (delete its folder and restore).");
        string path = Temp(original);

        Assert.That(ElfVersionNeedPatcher.PatchFile(path, Glibcxx3432), Is.EqualTo(VersionNeedPatchResult.Patched));
        byte[] patched = File.ReadAllBytes(path);
        ElfTestFiles.AssertOnlyWeakBitSet(original, patched);
        Assert.That(ElfVersionNeedPatcher.IsWeak(patched, Glibcxx3432), Is.True);

        Assert.That(ElfVersionNeedPatcher.PatchFile(path, Glibcxx3432), Is.EqualTo(VersionNeedPatchResult.AlreadyWeak));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(patched), "a second run must not write anything");
    }

    [Test]
    [Platform("Unix")] // link(2) from libc; the patch itself only runs on Linux
    public void HardLinkedOutput_IsPatched_WithoutWritingThroughToItsSource()
    {
        // Builds hard-link copy-local files to the NuGet cache (Directory.Build.props); patching an output
        // must replace its link, never write into the shared inode.
        byte[] original = SyntheticElf.Build().Image;
        string source = Temp(original);
        string output = Temp([]);
        File.Delete(output);
        Assert.That(HardLink.Create(source, output), Is.Zero, "link(2) failed; the temp folder must allow hard links");

        Assert.That(ElfVersionNeedPatcher.PatchFile(output, Glibcxx3432), Is.EqualTo(VersionNeedPatchResult.Patched));
        Assert.That(ElfVersionNeedPatcher.IsWeak(File.ReadAllBytes(output), Glibcxx3432), Is.True);
        Assert.That(File.ReadAllBytes(source), Is.EqualTo(original), "the link's source must stay as restored");
    }

    [Test]
    public void RealLibrary_OtherRequirementsStayStrong()
    {
        byte[] original = ElfTestFiles.ReadCachedLibTorchSharpOrIgnore();
        byte[] patched = (byte[])original.Clone();
        ElfVersionNeedPatcher.Patch(patched, Glibcxx3432);
        // GLIBCXX_3.4.30 is a genuine requirement (Debian 12 has it): only the named one may weaken.
        Assert.That(ElfVersionNeedPatcher.IsWeak(patched, "GLIBCXX_3.4.30"), Is.False);
    }

    [Test]
    public void RealLibrary_AbsentRequirement_IsNotRequiredAndUnchanged()
    {
        byte[] original = ElfTestFiles.ReadCachedLibTorchSharpOrIgnore();
        string path = Temp(original);
        Assert.That(ElfVersionNeedPatcher.PatchFile(path, "GLIBCXX_9.9.99"), Is.EqualTo(VersionNeedPatchResult.NotRequired));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(original));
    }

    private static IEnumerable<TestCaseData> Truncations()
    {
        (string Name, Func<int, int> Length)[] cuts =
        [
            ("0", _ => 0), ("1", _ => 1), ("16", _ => 16), ("63", _ => 63), ("64", _ => 64), ("100", _ => 100),
            ("4096", _ => 4096), ("len/2", n => n / 2), ("len-64", n => n - 64), ("len-1", n => n - 1),
        ];
        foreach (var (name, length) in cuts)
            yield return new TestCaseData(length).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(Truncations))]
    public void RealLibrary_Truncated_IsRefusedAndUnchanged(Func<int, int> length)
    {
        byte[] original = ElfTestFiles.ReadCachedLibTorchSharpOrIgnore();
        byte[] truncated = original.AsSpan(0, length(original.Length)).ToArray();
        string path = Temp(truncated);

        var e = Assert.Throws<ElfFormatException>(() => ElfVersionNeedPatcher.PatchFile(path, Glibcxx3432));
        Assert.That(e!.Message, Does.Contain("bytes").Or.Contain("ELF magic"), "the message should say what was expected");
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(truncated));
    }

    [Test]
    public void SyntheticLibrary_EveryTruncation_IsRefused()
    {
        // Its section table is last, so every proper prefix is missing part of a table.
        byte[] whole = SyntheticElf.Build().Image;
        for (int n = 0; n < whole.Length; n++)
        {
            byte[] prefix = whole.AsSpan(0, n).ToArray();
            Assert.Throws<ElfFormatException>(() => ElfVersionNeedPatcher.Patch(prefix, Glibcxx3432), $"prefix of {n} bytes");
        }
    }

    private static IEnumerable<TestCaseData> NotElf()
    {
        byte[] text = "This is a text file, not a shared library. It is long enough to hold an ELF header.\n"u8.ToArray();
        yield return new TestCaseData(text, "ELF magic").SetArgDisplayNames("text");
        byte[] png = new byte[128];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52 }.CopyTo(png, 0);
        yield return new TestCaseData(png, "ELF magic").SetArgDisplayNames("png");
        yield return new TestCaseData(png.AsSpan(0, 16).ToArray(), "shorter than an ELF64 header").SetArgDisplayNames("short-png");

        byte[] elf32 = SyntheticElf.Build().Image;
        elf32[4] = 1; // ELFCLASS32
        yield return new TestCaseData(elf32, "expected 2 (64-bit)").SetArgDisplayNames("elf32");
        byte[] bigEndian = SyntheticElf.Build().Image;
        bigEndian[5] = 2; // ELFDATA2MSB
        yield return new TestCaseData(bigEndian, "expected 1 (little-endian)").SetArgDisplayNames("big-endian");
    }

    [TestCaseSource(nameof(NotElf))]
    public void NotElf64LittleEndian_IsRefusedWithReasonAndUnchanged(byte[] content, string expectedReason)
    {
        string path = Temp(content);
        var e = Assert.Throws<ElfFormatException>(() => ElfVersionNeedPatcher.PatchFile(path, Glibcxx3432));
        Assert.That(e!.Message, Does.Contain(expectedReason));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(content));
    }

    [Test]
    public void SyntheticLibrary_PatchesTheFlagFieldOfTheNamedRequirement()
    {
        var (image, flagsOffset) = SyntheticElf.Build();
        byte[] before = (byte[])image.Clone();
        Assert.That(ElfVersionNeedPatcher.Patch(image, Glibcxx3432), Is.EqualTo(VersionNeedPatchResult.Patched));
        ElfTestFiles.AssertOnlyWeakBitSet(before, image);
        Assert.That(ElfTestFiles.Differences(before, image), Is.EqualTo(new[] { flagsOffset }));
        Assert.That(ElfVersionNeedPatcher.Patch(image, Glibcxx3432), Is.EqualTo(VersionNeedPatchResult.AlreadyWeak));
    }

    [TestCase(0x7fffffffu)]
    [TestCase(0x80000000u)]
    [TestCase(0xffffffffu)]
    public void HugeVnNext_IsRefusedNotOverflowed(uint vnNext)
    {
        // Regression: the walk used to compute checked(entry + (int)vn_next) and threw OverflowException.
        byte[] image = SyntheticElf.Build().Image;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(SyntheticElf.VerneedOffset(image) + 12), vnNext);
        // An absent name makes the walk follow vn_next past the first entry.
        var e = Assert.Throws<ElfFormatException>(() => ElfVersionNeedPatcher.Patch(image, "GLIBC_2.99"));
        Assert.That(e!.Message, Does.Contain("outside the .gnu.version_r section"));
    }

    [Test]
    public void SyntheticLibrary_OtherFlagBitsSurvive()
    {
        // VER_FLG_BASE (0x1) set beforehand must still be set: the patch ORs, it does not overwrite.
        var (image, flagsOffset) = SyntheticElf.Build(glibcxx3432Flags: 0x1);
        ElfVersionNeedPatcher.Patch(image, Glibcxx3432);
        Assert.That(image[flagsOffset], Is.EqualTo(0x3));
    }
}

/// <summary>link(2): .NET has no API for hard links.</summary>
internal static class HardLink
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", CharSet = System.Runtime.InteropServices.CharSet.Ansi)]
    public static extern int Create(string existing, string link);
}
