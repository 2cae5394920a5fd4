using System.IO.Compression;
using System.IO.Hashing;

namespace Gim.MLNet;

/// <summary>
/// Checks every entry of a .zip against the CRC-32 and size its directory records. ZipArchive does not check
/// them when reading, and ML.NET loads a damaged entry as long as it still parses: a flipped byte in a saved
/// ONNX graph's weights would otherwise load and predict wrong numbers without any error.
/// </summary>
internal static class ZipIntegrity
{
    /// <summary>Throws <see cref="InvalidDataException"/> naming the first entry whose content does not match its CRC-32 or size.</summary>
    public static void Verify(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var buffer = new byte[81920];
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            var crc32 = new Crc32();
            long length = 0;
            using (Stream content = entry.Open())
            {
                int read;
                while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    crc32.Append(buffer.AsSpan(0, read));
                    length += read;
                }
            }
            uint crc = crc32.GetCurrentHashAsUInt32();
            if (length != entry.Length)
                throw new InvalidDataException($"entry '{entry.FullName}' holds {length} bytes where the zip directory records {entry.Length}.");
            if (crc != entry.Crc32)
                throw new InvalidDataException($"entry '{entry.FullName}' fails its CRC-32 check (0x{crc:X8}, recorded 0x{entry.Crc32:X8}).");
        }
    }
}
