using System.Buffers.Binary;
using PureHDF;

namespace Gim.MLNet.Data.AnnData;

/// <summary>
/// The read-only stream PureHDF reads an .h5ad through. It checks the sizes written in each HDF5 heap
/// (global heap collections, which hold variable-length strings such as obs_names, categories and
/// anndata's attributes; local heaps, which hold a group's link names) when PureHDF starts decoding
/// the heap, before PureHDF allocates memory by them.
/// </summary>
/// <remarks>
/// PureHDF 2.2 decodes a global heap collection object by object and allocates each object's data with
/// the size read from the file (<c>new byte[(int)size]</c>) before reading it; it checks that size
/// against neither the collection nor the file, and it caches only collections that decoded. One
/// damaged size byte in a collection misaligns the objects after it, so a string's bytes are taken as
/// the next object's size: every read of any string in that collection then allocates up to 2 GiB and
/// fails with EndOfStream. Depending on the garbage collector's state that takes from a millisecond to
/// many seconds (kernel time spent mapping and zeroing pages), or runs out of memory. A local heap's
/// data segment is read the same way, by its size, on every name looked up in the group.
/// <para>
/// PureHDF reads through this stream without buffering (its stream driver calls Read once per field),
/// and decoding a heap starts by reading exactly its 4-byte signature ("GCOL" or "HEAP"). At that
/// moment this stream reads the heap's header (and a collection's object headers) itself and throws an
/// <see cref="InvalidDataException"/> when a size runs past the collection or the file; the caller's
/// guard (<see cref="H5adFile.Guard{T}"/>) turns it into a <see cref="DataFileException"/> naming the
/// file and the key. Each heap is checked once; PureHDF's own decode follows. A dataset's values come
/// through <see cref="ReadDataset"/> instead, so data that happens to spell a signature is never taken
/// for one. Sizes inside object headers (an attribute's or a fill value's) cannot be caught this way:
/// PureHDF still allocates by them, at most 2 GiB once per lookup.
/// </para>
/// </remarks>
internal sealed class HeapCheckingStream : Stream, IDatasetStream
{
    private static ReadOnlySpan<byte> CollectionSignature => "GCOL"u8;
    private static ReadOnlySpan<byte> LocalHeapSignature => "HEAP"u8;
    private static ReadOnlySpan<byte> FileSignature => [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The smallest collection the HDF5 format allows (and PureHDF accepts).</summary>
    private const long MinCollectionSize = 4096;

    private readonly Stream _inner;
    private readonly bool _ownsInner;
    private readonly HashSet<long> _checked = new();
    private int? _lengthSize;

    public HeapCheckingStream(Stream inner, bool ownsInner)
    {
        if (!inner.CanRead || !inner.CanSeek) throw new ArgumentException("The stream must be readable and seekable.", nameof(inner));
        _inner = inner;
        _ownsInner = ownsInner;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>PureHDF's stream driver reads a dataset's values (never a heap's header) through here.</summary>
    public void ReadDataset(Span<byte> buffer) => _inner.ReadExactly(buffer);

    public override int Read(Span<byte> buffer)
    {
        long start = _inner.Position;
        int read = _inner.Read(buffer);
        if (read == 4 && buffer.Length == 4 && (buffer.SequenceEqual(CollectionSignature) || buffer.SequenceEqual(LocalHeapSignature)) && _checked.Add(start))
        {
            try
            {
                if (buffer[0] == (byte)'G') CheckCollection(start);
                else CheckLocalHeap(start);
            }
            catch
            {
                _checked.Remove(start);
                throw;
            }
            finally
            {
                _inner.Position = start + read;
            }
        }
        return read;
    }

    /// <summary>
    /// Walks the collection at <paramref name="start"/> as PureHDF will: signature, version, three reserved
    /// bytes, the collection size (a "length"), then objects (index, reference count, four reserved bytes,
    /// size, data padded to 8 bytes) until the free-space object (index 0) or until no header fits.
    /// </summary>
    private void CheckCollection(long start)
    {
        int lengthSize = _lengthSize ??= LengthSize();
        if (lengthSize == 0) return; // no superblock found here: PureHDF fails on its own before any collection
        Span<byte> header = stackalloc byte[8 + 8];
        if (!ReadAt(start, header[..(8 + lengthSize)])) return; // cut short inside the header: PureHDF's next read fails at once
        // PureHDF checks the version and the minimum size only after decoding the objects, so both are checked here.
        if (header[4] != 1)
            throw new InvalidDataException($"the global heap collection at byte {start} has version {header[4]}; HDF5 defines only version 1.");
        long fileLength = _inner.Length;
        ulong size = ReadLength(header[8..], lengthSize);
        if (size < MinCollectionSize || size > (ulong)(fileLength - start))
            throw new InvalidDataException(
                $"the global heap collection at byte {start} (where HDF5 keeps variable-length strings) declares {size:N0} bytes; " +
                $"a collection holds at least {MinCollectionSize:N0} and the file has {fileLength - start:N0} bytes from there on.");
        long end = start + (long)size;
        int objectHeader = 8 + lengthSize;
        long position = start + 8 + lengthSize;
        // PureHDF decodes another object while more than one header's worth of bytes remains.
        while (end - position > objectHeader)
        {
            if (!ReadAt(position, header[..objectHeader]))
                throw new InvalidDataException($"the global heap collection at byte {start} is cut short at byte {position}.");
            ushort index = BinaryPrimitives.ReadUInt16LittleEndian(header);
            if (index == 0) return; // the free-space object ends the list
            ulong objectSize = ReadLength(header[8..], lengthSize);
            ulong padded = (objectSize + 7) & ~7UL;
            if (objectSize > int.MaxValue || padded > (ulong)(end - position - objectHeader))
                throw new InvalidDataException(
                    $"the global heap collection at byte {start} (where HDF5 keeps variable-length strings) is corrupt: object {index} at byte {position} " +
                    $"declares {objectSize:N0} bytes, past the collection's end at byte {end}.");
            position += objectHeader + (long)padded;
        }
    }

    /// <summary>
    /// A local heap (a group's link names in files written with the default, oldest format): signature,
    /// version, three reserved bytes, the data segment's size (a "length"). PureHDF reads the segment
    /// with that size, again without a check, and again on every name it looks up when that fails.
    /// </summary>
    private void CheckLocalHeap(long start)
    {
        int lengthSize = _lengthSize ??= LengthSize();
        if (lengthSize == 0) return;
        Span<byte> header = stackalloc byte[8 + 8];
        if (!ReadAt(start, header[..(8 + lengthSize)])) return;
        ulong size = ReadLength(header[8..], lengthSize);
        if (size > (ulong)_inner.Length)
            throw new InvalidDataException(
                $"the local heap at byte {start} (where HDF5 keeps a group's link names) declares {size:N0} bytes; the file has {_inner.Length:N0}.");
    }

    /// <summary>The superblock's "size of lengths" (2, 4 or 8), or 0 when no superblock is found.</summary>
    private int LengthSize()
    {
        long fileLength = _inner.Length;
        Span<byte> superblock = stackalloc byte[16];
        // The superblock sits at byte 0 or, after a user block, at 512, 1024, 2048, ...
        for (long at = 0; at + superblock.Length <= fileLength; at = at == 0 ? 512 : at * 2)
        {
            if (!ReadAt(at, superblock) || !superblock[..8].SequenceEqual(FileSignature)) continue;
            int size = superblock[8] switch
            {
                0 or 1 => superblock[14],
                2 or 3 => superblock[10],
                _ => 0,
            };
            return size is 2 or 4 or 8 ? size : 0;
        }
        return 0;
    }

    private static ulong ReadLength(ReadOnlySpan<byte> bytes, int size) => size switch
    {
        2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };

    private bool ReadAt(long position, Span<byte> buffer)
    {
        if (position < 0 || position > _inner.Length - buffer.Length) return false;
        _inner.Position = position;
        _inner.ReadExactly(buffer);
        return true;
    }

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsInner) _inner.Dispose();
        base.Dispose(disposing);
    }
}
