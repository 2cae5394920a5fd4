using System.Buffers.Binary;
using System.Text;

namespace Gim.MLNet.Tests.Support;

/// <summary>
/// Builds a minimal ELF64 little-endian shared-object image with a .dynstr and a .gnu.version_r
/// section, a few hundred bytes long. Small enough to corrupt thousands of times per second, and
/// shaped like libLibTorchSharp.so's version requirements (libstdc++ needs GLIBCXX_3.4.32 among others).
/// </summary>
internal static class SyntheticElf
{
    public const string WeakenedVersion = "GLIBCXX_3.4.32";

    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const uint ShtStrtab = 3;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>The image, and the byte offset of the GLIBCXX_3.4.32 vna_flags field inside it.</summary>
    public static (byte[] Image, int FlagsOffset) Build(ushort glibcxx3432Flags = 0)
    {
        // String table: offsets are looked up by name below, so the order here is free.
        string[] strings = ["libstdc++.so.6", "GLIBCXX_3.4.30", WeakenedVersion, "CXXABI_1.3.15", "libc.so.6", "GLIBC_2.34"];
        var dynstr = new List<byte> { 0 };
        var nameOffset = new Dictionary<string, uint>();
        foreach (string s in strings)
        {
            nameOffset[s] = (uint)dynstr.Count;
            dynstr.AddRange(Encoding.ASCII.GetBytes(s));
            dynstr.Add(0);
        }

        // (file, [(version, flags)]) in .gnu.version_r order.
        (string File, (string Name, ushort Flags)[] Aux)[] needs =
        [
            ("libstdc++.so.6", [("GLIBCXX_3.4.30", 0), (WeakenedVersion, glibcxx3432Flags), ("CXXABI_1.3.15", 0)]),
            ("libc.so.6", [("GLIBC_2.34", 0)]),
        ];

        int dynstrOffset = HeaderSize;
        int verneedOffset = Align8(dynstrOffset + dynstr.Count);
        int verneedSize = needs.Sum(n => 16 + 16 * n.Aux.Length);
        int sectionTableOffset = Align8(verneedOffset + verneedSize);
        const int sectionCount = 3; // null, .dynstr, .gnu.version_r
        var image = new byte[sectionTableOffset + sectionCount * SectionHeaderSize];
        Span<byte> b = image;

        // ELF header.
        b[0] = 0x7f; b[1] = (byte)'E'; b[2] = (byte)'L'; b[3] = (byte)'F';
        b[4] = 2; // ELFCLASS64
        b[5] = 1; // ELFDATA2LSB
        b[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(b[0x10..], 3);  // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(b[0x12..], 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(b[0x14..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(b[0x28..], (ulong)sectionTableOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(b[0x34..], HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(b[0x3A..], SectionHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(b[0x3C..], sectionCount);

        dynstr.ToArray().CopyTo(b[dynstrOffset..]);

        // .gnu.version_r: Elf64_Verneed entries, each followed by its Elf64_Vernaux entries.
        int flagsOffset = -1;
        int at = verneedOffset;
        ushort versionIndex = 2;
        for (int n = 0; n < needs.Length; n++)
        {
            var (file, aux) = needs[n];
            int entrySize = 16 + 16 * aux.Length;
            BinaryPrimitives.WriteUInt16LittleEndian(b[at..], 1);                        // vn_version
            BinaryPrimitives.WriteUInt16LittleEndian(b[(at + 2)..], (ushort)aux.Length); // vn_cnt
            BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 4)..], nameOffset[file]);  // vn_file
            BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 8)..], 16);                 // vn_aux
            BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 12)..], n == needs.Length - 1 ? 0u : (uint)entrySize); // vn_next
            for (int a = 0; a < aux.Length; a++)
            {
                int x = at + 16 + 16 * a;
                BinaryPrimitives.WriteUInt32LittleEndian(b[x..], ElfHash(aux[a].Name));      // vna_hash
                BinaryPrimitives.WriteUInt16LittleEndian(b[(x + 4)..], aux[a].Flags);        // vna_flags
                BinaryPrimitives.WriteUInt16LittleEndian(b[(x + 6)..], versionIndex++);      // vna_other
                BinaryPrimitives.WriteUInt32LittleEndian(b[(x + 8)..], nameOffset[aux[a].Name]); // vna_name
                BinaryPrimitives.WriteUInt32LittleEndian(b[(x + 12)..], a == aux.Length - 1 ? 0u : 16u); // vna_next
                if (aux[a].Name == WeakenedVersion) flagsOffset = x + 4;
            }
            at += entrySize;
        }

        // Section headers (index 0 stays all zero, as ELF requires).
        WriteSection(b, sectionTableOffset + 1 * SectionHeaderSize, ShtStrtab, dynstrOffset, dynstr.Count, link: 0, info: 0);
        WriteSection(b, sectionTableOffset + 2 * SectionHeaderSize, ShtGnuVerneed, verneedOffset, verneedSize, link: 1, info: (uint)needs.Length);
        return (image, flagsOffset);
    }

    /// <summary>Where .gnu.version_r starts (read back from its section header, section 2).</summary>
    public static int VerneedOffset(byte[] image)
    {
        int sectionTable = (int)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(0x28));
        return (int)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(sectionTable + 2 * SectionHeaderSize + 0x18));
    }

    private static void WriteSection(Span<byte> b, int at, uint type, int offset, int size, uint link, uint info)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 0x04)..], type);
        BinaryPrimitives.WriteUInt64LittleEndian(b[(at + 0x18)..], (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(b[(at + 0x20)..], (ulong)size);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 0x28)..], link);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 0x2C)..], info);
    }

    private static int Align8(int n) => (n + 7) & ~7;

    // The System V ABI hash, so readelf and the dynamic loader would accept the table as written.
    private static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }
}
