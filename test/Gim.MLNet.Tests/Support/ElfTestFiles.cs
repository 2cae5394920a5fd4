namespace Gim.MLNet.Tests.Support;

/// <summary>Where the real TorchSharp native library lives, temp files, and byte comparisons
/// shared by the patcher tests.</summary>
internal static class ElfTestFiles
{
    /// <summary>The unpatched library as NuGet restored it (the cache copy is never patched:
    /// only build outputs are).</summary>
    public static string? FindCachedLibTorchSharp()
    {
        string path = Path.Combine(GlobalPackagesFolder(), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }

    /// <summary>NuGet's global packages folder: NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    public static string GlobalPackagesFolder()
    {
        string? configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return string.IsNullOrEmpty(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")
            : configured;
    }

    /// <summary>The cached library's bytes, or an ignored test when this machine never restored it.</summary>
    public static byte[] ReadCachedLibTorchSharpOrIgnore()
    {
        string? path = FindCachedLibTorchSharp();
        if (path is null)
            Assert.Ignore("libLibTorchSharp.so from TorchSharp 0.107.0 is not in the NuGet global packages folder " +
                          "(NUGET_PACKAGES or ~/.nuget/packages); restore the solution first.");
        return File.ReadAllBytes(path!);
    }

    /// <summary>A unique temporary file holding <paramref name="bytes"/>.</summary>
    public static string WriteTemp(byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), $"gim-elf-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Indices at which two equally long arrays differ.</summary>
    public static int[] Differences(byte[] before, byte[] after)
    {
        Assert.That(after, Has.Length.EqualTo(before.Length), "patching must never change the file length");
        return Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
    }

    /// <summary>
    /// What a patch may change: vna_flags is a little-endian 16-bit field and VER_FLG_WEAK is 0x2, so
    /// the only byte that can differ is the field's low byte, which gains exactly that bit.
    /// </summary>
    public static void AssertOnlyWeakBitSet(byte[] before, byte[] after)
    {
        int[] changed = Differences(before, after);
        Assert.That(changed, Has.Length.EqualTo(1), "a patch sets one bit in one flag field");
        int i = changed[0];
        Assert.That(before[i] & 0x2, Is.Zero, "the bit was clear before");
        Assert.That(after[i], Is.EqualTo((byte)(before[i] | 0x2)), "only VER_FLG_WEAK was added");
    }

    public static void DeleteQuietly(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* temp files; the OS cleans up */ }
    }
}
