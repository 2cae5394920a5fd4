using System.Numerics;
using PureHDF;
using PureHDF.Selections;

namespace Gim.MLNet.Data.AnnData;

/// <summary>
/// Reads HDF5 numeric data of any common element type (float16/32/64, signed and unsigned 8–64-bit
/// integers, h5py's enum-encoded bool) into the one .NET type the caller needs. PureHDF reads the
/// stored type as is, so the dispatch on class, size and sign happens here, once.
/// </summary>
internal static class H5Numeric
{
    /// <summary>A dataset (optionally a hyperslab of it) or an attribute, read as T[].</summary>
    internal interface ISource
    {
        IH5DataType Type { get; }

        T[] Read<T>() where T : unmanaged;
    }

    internal sealed class DatasetSource(IH5Dataset dataset, Selection? selection = null) : ISource
    {
        public IH5DataType Type => dataset.Type;

        public T[] Read<T>() where T : unmanaged => selection is null ? dataset.Read<T[]>() : dataset.Read<T[]>(selection);
    }

    internal sealed class AttributeSource(IH5Attribute attribute) : ISource
    {
        public IH5DataType Type => attribute.Type;

        public T[] Read<T>() where T : unmanaged => attribute.Read<T[]>();
    }

    /// <summary>The element type in words, for messages.</summary>
    public static string Describe(IH5DataType type) => type.Class switch
    {
        H5DataTypeClass.FloatingPoint => $"float{8 * type.Size}",
        H5DataTypeClass.FixedPoint => $"{(type.FixedPoint.IsSigned ? "int" : "uint")}{8 * type.Size}",
        H5DataTypeClass.Enumerated => "enum (bool)",
        _ => type.Class.ToString(),
    };

    public static bool IsNumeric(IH5DataType type) =>
        type.Class is H5DataTypeClass.FloatingPoint or H5DataTypeClass.FixedPoint or H5DataTypeClass.Enumerated;

    public static bool IsBoolean(IH5DataType type) => type.Class == H5DataTypeClass.Enumerated;

    public static float[] ReadFloats(H5adFile file, string key, ISource source) => Read<float>(file, key, source, allowFloat: true);

    public static double[] ReadDoubles(H5adFile file, string key, ISource source) => Read<double>(file, key, source, allowFloat: true);

    /// <summary>Integers only (indices, codes, shapes): a floating-point array there is an error, not a cast.</summary>
    public static long[] ReadLongs(H5adFile file, string key, ISource source) => Read<long>(file, key, source, allowFloat: false);

    private static TOut[] Read<TOut>(H5adFile file, string key, ISource source, bool allowFloat) where TOut : unmanaged, INumber<TOut>
    {
        IH5DataType type = source.Type;
        return file.Guard(key, () => type.Class switch
        {
            H5DataTypeClass.FloatingPoint when allowFloat => type.Size switch
            {
                2 => Convert<Half, TOut>(source.Read<Half>()),
                4 => typeof(TOut) == typeof(float) ? (TOut[])(object)source.Read<float>() : Convert<float, TOut>(source.Read<float>()),
                8 => typeof(TOut) == typeof(double) ? (TOut[])(object)source.Read<double>() : Convert<double, TOut>(source.Read<double>()),
                _ => throw Unsupported(file, key, type, allowFloat),
            },
            H5DataTypeClass.FixedPoint or H5DataTypeClass.Enumerated => (type.Size, Signed(type)) switch
            {
                (1, true) => Convert<sbyte, TOut>(source.Read<sbyte>()),
                (1, false) => Convert<byte, TOut>(source.Read<byte>()),
                (2, true) => Convert<short, TOut>(source.Read<short>()),
                (2, false) => Convert<ushort, TOut>(source.Read<ushort>()),
                (4, true) => Convert<int, TOut>(source.Read<int>()),
                (4, false) => Convert<uint, TOut>(source.Read<uint>()),
                (8, true) => typeof(TOut) == typeof(long) ? (TOut[])(object)source.Read<long>() : Convert<long, TOut>(source.Read<long>()),
                (8, false) => Convert<ulong, TOut>(source.Read<ulong>()),
                _ => throw Unsupported(file, key, type, allowFloat),
            },
            _ => throw Unsupported(file, key, type, allowFloat),
        });
    }

    private static bool Signed(IH5DataType type) =>
        type.Class == H5DataTypeClass.FixedPoint ? type.FixedPoint.IsSigned : type.Enumeration.BaseType.FixedPoint.IsSigned;

    private static TOut[] Convert<TIn, TOut>(TIn[] values) where TIn : INumber<TIn> where TOut : INumber<TOut>
    {
        var result = new TOut[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = TOut.CreateTruncating(values[i]);
        return result;
    }

    private static DataFileException Unsupported(H5adFile file, string key, IH5DataType type, bool allowFloat) =>
        new(file.Source, key, null, $"holds {Describe(type)} values; expected {(allowFloat ? "numbers (float16/32/64 or 8–64-bit integers)" : "integers (8–64-bit)")}.");
}
