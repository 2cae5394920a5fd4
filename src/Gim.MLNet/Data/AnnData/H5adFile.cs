using PureHDF;
using PureHDF.VOL.Native;

namespace Gim.MLNet.Data.AnnData;

/// <summary>
/// An open .h5ad file: key lookup and attribute reads that fail with a <see cref="DataFileException"/>
/// naming the file and the key, never with a bare PureHDF exception (a truncated or corrupt file
/// surfaces there as IndexOutOfRange, EndOfStream, Overflow and the like).
/// </summary>
internal sealed class H5adFile : IDisposable
{
    private readonly NativeFile _file;

    private H5adFile(NativeFile file, string source, long length)
    {
        _file = file;
        Source = source;
        Length = length;
    }

    /// <summary>The file path or caller-given name, for messages.</summary>
    public string Source { get; }

    /// <summary>The file's size in bytes: no dataset stored in it can be larger.</summary>
    public long Length { get; }

    public static H5adFile Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such .h5ad file.", path);
        return Opening(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096), ownsStream: true);
    }

    public static H5adFile Open(Stream stream, string source) => Opening(source, () => stream, ownsStream: false);

    /// <summary>
    /// PureHDF reads through a <see cref="HeapCheckingStream"/>, also for a path (instead of
    /// H5File.OpenRead, whose file name only serves to resolve external links, which .h5ad files do not use).
    /// </summary>
    private static H5adFile Opening(string source, Func<Stream> open, bool ownsStream)
    {
        Stream? stream = null;
        try
        {
            stream = open();
            return new H5adFile(H5File.Open(new HeapCheckingStream(stream, ownsStream), leaveOpen: false), source, stream.Length);
        }
        catch (Exception ex) when (ex is not DataFileException)
        {
            if (ownsStream) stream?.Dispose();
            throw new DataFileException(source, null, null,
                $"is not a readable HDF5 file ({ex.GetType().Name}: {ex.Message}); it may be truncated, corrupt or not an .h5ad file.", ex);
        }
    }

    /// <summary>Runs a PureHDF read, turning any failure into an error naming the file and key.</summary>
    public T Guard<T>(string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is not DataFileException and not OperationCanceledException)
        {
            throw new DataFileException(Source, key, null,
                $"could not be read ({ex.GetType().Name}: {ex.Message}); the file may be truncated or corrupt.", ex);
        }
    }

    /// <summary>
    /// Checks a dataset's element count before it is read whole: against <paramref name="expected"/> when
    /// the caller knows it, and against the file's size when the data is stored in one piece (contiguous
    /// or compact). PureHDF sizes the result from the dataspace before it reads a byte, so a corrupt
    /// dimension would otherwise allocate gigabytes (up to the array limit) and only then fail at the end
    /// of the file. Chunked data can legitimately be larger than the file (compression, unwritten chunks),
    /// so there only <paramref name="expected"/> applies.
    /// </summary>
    public void CheckSize(string key, IH5Dataset dataset, long? expected = null, string? expectation = null)
    {
        (ulong[] dims, int elementSize, H5DataLayoutClass layout) = Guard(key, () => (dataset.Space.Dimensions, dataset.Type.Size, dataset.Layout.Class));
        ulong count = 1;
        foreach (ulong dim in dims)
            count = dim != 0 && count > ulong.MaxValue / dim ? ulong.MaxValue : count * dim;
        if (expected is long n && count != (ulong)n)
            throw new DataFileException(Source, key, null, $"has {count} values; expected {n}{(expectation is null ? "" : $" ({expectation})")}.");
        if (layout is H5DataLayoutClass.Contiguous or H5DataLayoutClass.Compact && count > (ulong)Length / (ulong)Math.Max(1, elementSize))
            throw new DataFileException(Source, key, null,
                $"has shape ({string.Join(", ", dims)}): {count:N0} values of {elementSize} bytes cannot be stored in a file of {Length:N0} bytes; the file is corrupt.");
    }

    public bool Exists(string key) => Guard(key, () => _file.LinkExists(key));

    public IH5Object Get(string key)
    {
        if (!Exists(key))
        {
            int slash = key.LastIndexOf('/');
            string parent = slash < 0 ? "/" : key[..slash];
            string available = Exists(parent) && Guard(parent, () => _file.Get(parent)) is IH5Group g
                ? string.Join(", ", Guard(parent, () => g.Children().Select(c => c.Name).ToList()))
                : "(none)";
            throw new DataFileException(Source, key, null, $"no such key in the file; '{parent}' holds: {available}.");
        }
        return Guard(key, () => _file.Get(key));
    }

    public IH5Dataset Dataset(string key) => Get(key) as IH5Dataset
        ?? throw new DataFileException(Source, key, null, "is a group; expected a dataset (an array).");

    public IH5Group Group(string key) => Get(key) as IH5Group
        ?? throw new DataFileException(Source, key, null, "is a dataset; expected a group.");

    /// <summary>The anndata <c>encoding-type</c> attribute, or null when absent.</summary>
    public string? Encoding(IH5Object obj, string key) => StringAttribute(obj, key, "encoding-type");

    public string? StringAttribute(IH5Object obj, string key, string name) => Guard(key, () =>
    {
        if (!obj.AttributeExists(name)) return null;
        IH5Attribute attribute = obj.Attribute(name);
        if (!IsString(attribute.Type))
            throw new DataFileException(Source, key, null, $"attribute '{name}' is {attribute.Type.Class}; expected a string.");
        return attribute.Read<string>();
    });

    /// <summary>A string-array attribute such as a data frame's <c>column-order</c>; h5py writes an empty one as float64.</summary>
    public string[] StringArrayAttribute(IH5Object obj, string key, string name) => Guard(key, () =>
    {
        if (!obj.AttributeExists(name)) return Array.Empty<string>();
        IH5Attribute attribute = obj.Attribute(name);
        ulong count = attribute.Space.Dimensions.Aggregate(1UL, (a, b) => a * b);
        if (count == 0) return Array.Empty<string>();
        if (!IsString(attribute.Type))
            throw new DataFileException(Source, key, null, $"attribute '{name}' is {attribute.Type.Class}; expected strings.");
        return attribute.Space.Rank == 0 ? new[] { attribute.Read<string>() } : attribute.Read<string[]>();
    });

    /// <summary>An integer-array attribute such as a sparse matrix's <c>shape</c>.</summary>
    public long[] IntegerArrayAttribute(IH5Object obj, string key, string name) => Guard(key, () =>
    {
        if (!obj.AttributeExists(name))
            throw new DataFileException(Source, key, null, $"has no '{name}' attribute.");
        IH5Attribute attribute = obj.Attribute(name);
        if (attribute.Type.Class != H5DataTypeClass.FixedPoint)
            throw new DataFileException(Source, key, null, $"attribute '{name}' is {attribute.Type.Class}; expected integers.");
        return H5Numeric.ReadLongs(this, key, new H5Numeric.AttributeSource(attribute));
    });

    /// <summary>Fixed-length strings are class String; h5py's variable-length UTF-8 strings are class VariableLength.</summary>
    public static bool IsString(IH5DataType type) => type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength;

    public void Dispose() => _file.Dispose();
}
