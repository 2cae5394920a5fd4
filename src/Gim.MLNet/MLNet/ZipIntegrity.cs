using System.IO.Compression;

namespace Gim.MLNet.MLNet;

/// <summary>
/// Checks every entry of a .zip against the CRC-32 and size its directory records. ZipArchive does not check
/// them when reading, and ML.NET loads a damaged entry as long as it still parses: a flipped byte in a saved
/// ONNX graph's weights would otherwise load and predict wrong numbers without any error.
/// </summary>
internal static class ZipIntegrity
{
    private static readonly uint[] Table = CreateTable();

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first entry whose content does not match its CRC-32 or size.</summary>
    public static void Verify(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var buffer = new byte[81920];
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            uint crc = 0xFFFFFFFFu;
            long length = 0;
            using (Stream content = entry.Open())
            {
                int read;
                while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    for (int i = 0; i < read; i++) crc = Table[(crc ^ buffer[i]) & 0xFF] ^ (crc >> 8);
                    length += read;
                }
            }
            crc ^= 0xFFFFFFFFu;
            if (length != entry.Length)
                throw new InvalidDataException($"entry '{entry.FullName}' holds {length} bytes where the zip directory records {entry.Length}.");
            if (crc != entry.Crc32)
                throw new InvalidDataException($"entry '{entry.FullName}' fails its CRC-32 check (0x{crc:X8}, recorded 0x{entry.Crc32:X8}).");
        }
    }

    // The reflected polynomial 0xEDB88320 of zip's CRC-32 (ISO 3309).
    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
