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

    private H5adFile(NativeFile file, string source)
    {
        _file = file;
        Source = source;
    }

    /// <summary>The file path or caller-given name, for messages.</summary>
    public string Source { get; }

    public static H5adFile Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such .h5ad file.", path);
        return Opening(path, () => H5File.OpenRead(path));
    }

    public static H5adFile Open(Stream stream, string source) => Opening(source, () => H5File.Open(stream, leaveOpen: true));

    private static H5adFile Opening(string source, Func<NativeFile> open)
    {
        try
        {
            return new H5adFile(open(), source);
        }
        catch (Exception ex) when (ex is not DataFileException)
        {
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
