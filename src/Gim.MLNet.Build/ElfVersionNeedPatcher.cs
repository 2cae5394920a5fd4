using System;
using System.IO;
using System.Text;

namespace Gim.MLNet.Build
{
    /// <summary>
    /// Marks one symbol-version requirement of an ELF shared library as weak
    /// (<c>VER_FLG_WEAK</c> in the <c>vna_flags</c> of its <c>.gnu.version_r</c> entry).
    /// </summary>
    /// <remarks>
    /// libLibTorchSharp.so (TorchSharp 0.107) requires <c>GLIBCXX_3.4.32</c> only for the marker
    /// symbol <c>_ZSt21ios_base_library_initv</c>, which nothing calls. A weak requirement lets the
    /// dynamic loader accept an older libstdc++ (Debian 12 ships 3.4.30). Only the two flag bytes
    /// change; every table is bounds-checked first so a damaged file is reported, never mangled.
    /// </remarks>
    public static class ElfVersionNeedPatcher
    {
        /// <summary>The flag bit that makes a version requirement optional.</summary>
        public const ushort VerFlagWeak = 0x2;

        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const int ElfHeaderSize = 64;
        private const int SectionHeaderSize = 64;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;

        /// <summary>Reads the file, patches the named requirement in memory and, only if a byte
        /// changed, replaces the file atomically (temporary file in the same folder, then rename).</summary>
        public static VersionNeedPatchResult PatchFile(string path, string versionName)
        {
            byte[] image = File.ReadAllBytes(path);
            VersionNeedPatchResult result = Patch(image, versionName);
            if (result != VersionNeedPatchResult.Patched)
                return result;
            string temporary = path + ".gim-patch.tmp";
            try
            {
                File.Copy(path, temporary, overwrite: true); // keeps the file mode
                File.WriteAllBytes(temporary, image);
                // A rename, never a write into the file: build outputs may be hard links to the NuGet
                // cache (CreateHardLinksForCopyLocalIfPossible), which must stay as restored.
                File.Replace(temporary, path, destinationBackupFileName: null);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
            return result;
        }

        /// <summary>Patches <paramref name="image"/> in place.</summary>
        /// <exception cref="ElfFormatException">The bytes are not a valid ELF64 LE file or a table is out of bounds.</exception>
        public static VersionNeedPatchResult Patch(byte[] image, string versionName)
        {
            if (image is null) throw new ArgumentNullException(nameof(image));
            if (string.IsNullOrEmpty(versionName)) throw new ArgumentException("A version name is required.", nameof(versionName));

            int vnaFlagsOffset = FindRequirementFlags(image, versionName, out ushort flags);
            if (vnaFlagsOffset < 0)
                return VersionNeedPatchResult.NotRequired;
            if ((flags & VerFlagWeak) != 0)
                return VersionNeedPatchResult.AlreadyWeak;
            WriteUInt16(image, vnaFlagsOffset, (ushort)(flags | VerFlagWeak));
            return VersionNeedPatchResult.Patched;
        }

        /// <summary>True when the file requires <paramref name="versionName"/> and that requirement is weak.</summary>
        public static bool IsWeak(byte[] image, string versionName)
        {
            int offset = FindRequirementFlags(image, versionName, out ushort flags);
            return offset >= 0 && (flags & VerFlagWeak) != 0;
        }

        private static int FindRequirementFlags(byte[] image, string versionName, out ushort flags)
        {
            flags = 0;
            ValidateHeader(image);
            ulong sectionTableOffset = ReadUInt64(image, 0x28);
            ushort sectionHeaderSize = ReadUInt16(image, 0x3A);
            ushort sectionCount = ReadUInt16(image, 0x3C);
            if (sectionCount == 0)
                throw new ElfFormatException("the ELF file has no section table (e_shnum = 0), so its version requirements cannot be found");
            if (sectionHeaderSize != SectionHeaderSize)
                throw new ElfFormatException($"section headers are {sectionHeaderSize} bytes; ELF64 requires {SectionHeaderSize}");
            RequireRange(image, sectionTableOffset, (ulong)sectionCount * SectionHeaderSize, "the section header table");

            for (int i = 0; i < sectionCount; i++)
            {
                int header = checked((int)sectionTableOffset + i * SectionHeaderSize);
                if (ReadUInt32(image, header + 4) != ShtGnuVerneed)
                    continue;
                ulong offset = ReadUInt64(image, header + 0x18);
                ulong size = ReadUInt64(image, header + 0x20);
                uint stringTableIndex = ReadUInt32(image, header + 0x28);
                uint entryCount = ReadUInt32(image, header + 0x2C);
                RequireRange(image, offset, size, $"the .gnu.version_r section (section {i})");
                if (stringTableIndex >= sectionCount)
                    throw new ElfFormatException($"the .gnu.version_r section links string table {stringTableIndex}, but there are only {sectionCount} sections");
                int strHeader = checked((int)sectionTableOffset + (int)stringTableIndex * SectionHeaderSize);
                ulong strOffset = ReadUInt64(image, strHeader + 0x18);
                ulong strSize = ReadUInt64(image, strHeader + 0x20);
                RequireRange(image, strOffset, strSize, $"the string table (section {stringTableIndex}) of .gnu.version_r");
                return ScanVerneed(image, (int)offset, (int)size, (int)strOffset, (int)strSize, entryCount, versionName, out flags);
            }
            return -1;
        }

        private static int ScanVerneed(byte[] image, int offset, int size, int strOffset, int strSize,
            uint entryCount, string versionName, out ushort flags)
        {
            flags = 0;
            int end = offset + size;
            // long: vn_next is an unsigned 32-bit offset, so a corrupt one can carry the position far
            // past int range; it must then fail the bounds check below, not overflow.
            long position = offset;
            for (uint n = 0; n < entryCount; n++)
            {
                if (position < offset || position + VerneedSize > end)
                    throw new ElfFormatException($"version-need entry {n} at byte {position} lies outside the .gnu.version_r section [{offset}, {end})");
                int entry = (int)position;
                ushort auxCount = ReadUInt16(image, entry + 2);
                uint auxOffset = ReadUInt32(image, entry + 8);
                uint next = ReadUInt32(image, entry + 12);
                long aux = (long)entry + auxOffset;
                for (int a = 0; a < auxCount; a++)
                {
                    if (aux < offset || aux + VernauxSize > end)
                        throw new ElfFormatException($"version-need auxiliary entry {a} of entry {n} at byte {aux} lies outside the .gnu.version_r section");
                    uint nameOffset = ReadUInt32(image, (int)aux + 8);
                    string name = ReadString(image, strOffset, strSize, nameOffset);
                    if (string.Equals(name, versionName, StringComparison.Ordinal))
                    {
                        flags = ReadUInt16(image, (int)aux + 4);
                        return (int)aux + 4;
                    }
                    uint auxNext = ReadUInt32(image, (int)aux + 12);
                    if (auxNext == 0) break;
                    aux += auxNext;
                }
                if (next == 0) break;
                position += next;
            }
            return -1;
        }

        private static void ValidateHeader(byte[] image)
        {
            if (image.Length < ElfHeaderSize)
                throw new ElfFormatException($"the file is {image.Length} bytes, shorter than an ELF64 header ({ElfHeaderSize} bytes)");
            if (image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
                throw new ElfFormatException("the file does not start with the ELF magic bytes 7F 45 4C 46");
            if (image[4] != 2)
                throw new ElfFormatException($"ELF class is {image[4]}; expected 2 (64-bit)");
            if (image[5] != 1)
                throw new ElfFormatException($"ELF data encoding is {image[5]}; expected 1 (little-endian)");
        }

        private static void RequireRange(byte[] image, ulong offset, ulong length, string what)
        {
            if (offset > (ulong)image.Length || length > (ulong)image.Length - offset)
                throw new ElfFormatException($"{what} spans bytes [{offset}, {offset + length}) but the file is only {image.Length} bytes (truncated or corrupt)");
        }

        private static string ReadString(byte[] image, int tableOffset, int tableSize, uint nameOffset)
        {
            if (nameOffset >= (uint)tableSize)
                throw new ElfFormatException($"a version name offset ({nameOffset}) lies outside its string table ({tableSize} bytes)");
            int start = tableOffset + (int)nameOffset;
            int stop = start;
            int limit = tableOffset + tableSize;
            while (stop < limit && image[stop] != 0) stop++;
            if (stop == limit)
                throw new ElfFormatException($"the version name at string-table offset {nameOffset} is not NUL-terminated inside its table");
            return Encoding.ASCII.GetString(image, start, stop - start);
        }

        private static ushort ReadUInt16(byte[] b, int i) => (ushort)(b[i] | (b[i + 1] << 8));

        private static uint ReadUInt32(byte[] b, int i) =>
            (uint)(b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));

        private static ulong ReadUInt64(byte[] b, int i) => ReadUInt32(b, i) | ((ulong)ReadUInt32(b, i + 4) << 32);

        private static void WriteUInt16(byte[] b, int i, ushort v)
        {
            b[i] = (byte)v;
            b[i + 1] = (byte)(v >> 8);
        }
    }
}
