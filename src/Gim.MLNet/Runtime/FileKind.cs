using System.Runtime.InteropServices;

namespace Gim.MLNet.Runtime;

/// <summary>What a path names, following symbolic links.</summary>
internal enum FileKind
{
    /// <summary>Nothing.</summary>
    Missing,

    /// <summary>A regular file: safe to replace by renaming another file over it.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A device, pipe or socket (/dev/null, a FIFO, /dev/stdout on a terminal): renaming over it would replace the node itself.</summary>
    Special,
}

/// <summary>
/// Tells a regular file from a device, pipe or socket, which .NET's public API cannot: File.Exists is true for all
/// of them and their attributes are the same. The file type comes from stat(2) through the runtime's own native shim
/// (libSystem.Native, present in every .NET install), whose result starts with two int32 fields, flags and mode, on
/// every platform, unlike libc's struct stat.
/// </summary>
internal static class FileKinds
{
    private const int TypeMask = 0xF000, RegularType = 0x8000, DirectoryType = 0x4000; // the shim's portable S_IF* values

    public static FileKind Of(string path)
    {
        if (Directory.Exists(path)) return FileKind.Directory;
        if (!File.Exists(path)) return FileKind.Missing;
        if (OperatingSystem.IsWindows()) return FileKind.Regular;
        try
        {
            var status = new byte[256]; // larger than the shim's FileStatus in any .NET version
            if (Stat(path, status) != 0) return FileKind.Regular; // raced with a delete, or no permission: as before
            int type = BitConverter.ToInt32(status, 4) & TypeMask;
            return type == RegularType ? FileKind.Regular : type == DirectoryType ? FileKind.Directory : FileKind.Special;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A host without the shim (a trimmed single-file app): device files live in /dev.
            return path.StartsWith("/dev/", StringComparison.Ordinal) ? FileKind.Special : FileKind.Regular;
        }
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
}
