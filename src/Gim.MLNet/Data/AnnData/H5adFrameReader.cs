using System.Globalization;
using PureHDF;

namespace Gim.MLNet.Data.AnnData;

/// <summary>
/// Reads anndata data frames (obs, var): the index and the columns, in the on-disk format that
/// anndata ≥ 0.8 writes (an <c>encoding-type</c> attribute on every element).
/// </summary>
internal static class H5adFrameReader
{
    private const string Supported = "array (numbers, bools), string-array and categorical";

    /// <summary>Opens a data frame group, checking its encoding.</summary>
    public static IH5Group Frame(H5adFile file, string key)
    {
        IH5Group group = file.Group(key);
        string? encoding = file.Encoding(group, key);
        if (encoding is null)
            throw new DataFileException(file.Source, key, null,
                "has no 'encoding-type' attribute, so it was not written by anndata ≥ 0.8 (the on-disk format this reader supports); re-save the file with a recent anndata (adata.write_h5ad).");
        if (encoding != "dataframe")
            throw new DataFileException(file.Source, key, null, $"has encoding '{encoding}'; expected 'dataframe'.");
        return group;
    }

    /// <summary>The frame's index (obs_names or var_names), found through its <c>_index</c> attribute.</summary>
    public static string[] Index(H5adFile file, string key, IH5Group frame)
    {
        string indexName = file.StringAttribute(frame, key, "_index")
            ?? throw new DataFileException(file.Source, key, null, "has no '_index' attribute naming its index column.");
        string indexKey = $"{key}/{indexName}";
        return ReadStrings(file, indexKey, file.Dataset(indexKey));
    }

    /// <summary>The frame's column names in their stored order; a name listed twice (a damaged file) is an error naming it.</summary>
    public static string[] ColumnOrder(H5adFile file, string key, IH5Group frame)
    {
        string[] names = file.StringArrayAttribute(frame, key, "column-order");
        if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new DataFileException(file.Source, key, null, $"its 'column-order' attribute lists column '{twice.Key}' twice; a data frame's columns have distinct names.");
        return names;
    }

    /// <summary>Reads one column of <paramref name="rowCount"/> values.</summary>
    public static AnnDataObsColumn Column(H5adFile file, string frameKey, string name, int rowCount)
    {
        string key = $"{frameKey}/{name}";
        IH5Object element = file.Get(key);
        string? encoding = file.Encoding(element, key);
        AnnDataObsColumn column = element switch
        {
            IH5Group group when encoding == "categorical" => Categorical(file, key, name, group, rowCount, frameKey),
            IH5Group => throw UnsupportedEncoding(file, key, encoding),
            IH5Dataset dataset when encoding is null or "array" or "string-array" => Plain(file, key, name, dataset, rowCount, frameKey),
            _ => throw UnsupportedEncoding(file, key, encoding),
        };
        if (column.Count != rowCount)
            throw new DataFileException(file.Source, key, null, $"has {column.Count} values; expected {rowCount} (one per row of '{frameKey}').");
        return column;
    }

    private static DataFileException UnsupportedEncoding(H5adFile file, string key, string? encoding) =>
        new(file.Source, key, null, $"has encoding '{encoding ?? "(none)"}', which this reader does not support (supported: {Supported}); " +
            "convert the column in Python (e.g. to a categorical or a float column) or leave it out through AnnDataReadOptions.ObsColumns.");

    private static AnnDataObsColumn Plain(H5adFile file, string key, string name, IH5Dataset dataset, int rowCount, string frameKey)
    {
        IH5DataType type = file.Guard(key, () => dataset.Type);
        CheckVector(file, key, dataset, rowCount, frameKey);
        if (H5adFile.IsString(type)) return new AnnDataStringColumn(name, ReadStrings(file, key, dataset));
        var source = new H5Numeric.DatasetSource(dataset);
        if (H5Numeric.IsBoolean(type))
            return new AnnDataBooleanColumn(name, H5Numeric.ReadLongs(file, key, source).Select(v => v != 0).ToArray());
        if (type.Class == H5DataTypeClass.FloatingPoint)
            return type.Size == 8
                ? new AnnDataNumericColumn<double>(name, AnnDataColumnKind.Float64, H5Numeric.ReadDoubles(file, key, source))
                : new AnnDataNumericColumn<float>(name, AnnDataColumnKind.Float32, H5Numeric.ReadFloats(file, key, source));
        if (type.Class == H5DataTypeClass.FixedPoint)
            return new AnnDataNumericColumn<long>(name, AnnDataColumnKind.Integer, H5Numeric.ReadLongs(file, key, source));
        throw new DataFileException(file.Source, key, null, $"holds {H5Numeric.Describe(type)} values; supported obs columns hold numbers, bools or strings.");
    }

    private static AnnDataObsColumn Categorical(H5adFile file, string key, string name, IH5Group group, int rowCount, string frameKey)
    {
        string codesKey = key + "/codes", categoriesKey = key + "/categories";
        IH5Dataset codesSet = file.Dataset(codesKey), categoriesSet = file.Dataset(categoriesKey);
        CheckVector(file, codesKey, codesSet, rowCount, frameKey);
        CheckVector(file, categoriesKey, categoriesSet);
        long[] codes = H5Numeric.ReadLongs(file, codesKey, new H5Numeric.DatasetSource(codesSet));
        IH5DataType categoryType = file.Guard(categoriesKey, () => categoriesSet.Type);
        string[] categories = H5adFile.IsString(categoryType)
            ? ReadStrings(file, categoriesKey, categoriesSet)
            : categoryType.Class == H5DataTypeClass.FloatingPoint
                ? H5Numeric.ReadDoubles(file, categoriesKey, new H5Numeric.DatasetSource(categoriesSet)).Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray()
                : H5Numeric.ReadLongs(file, categoriesKey, new H5Numeric.DatasetSource(categoriesSet)).Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();
        var result = new int[codes.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            if (codes[i] < -1 || codes[i] >= categories.Length)
                throw new DataFileException(file.Source, codesKey, null,
                    $"row {i} has code {codes[i]}, outside -1..{categories.Length - 1} ({categories.Length} categories); the file is corrupt.");
            result[i] = (int)codes[i];
        }
        bool ordered = file.Guard(key, () => group.AttributeExists("ordered"))
            && H5Numeric.ReadLongs(file, key, new H5Numeric.AttributeSource(file.Guard(key, () => group.Attribute("ordered")))).FirstOrDefault() != 0;
        return new AnnDataCategoricalColumn(name, result, categories, ordered);
    }

    /// <summary>A 1-D array of <paramref name="rowCount"/> values (one per row of <paramref name="frameKey"/>) when given, small enough for the file.</summary>
    private static void CheckVector(H5adFile file, string key, IH5Dataset dataset, int? rowCount = null, string? frameKey = null)
    {
        ulong[] dims = file.Guard(key, () => dataset.Space.Dimensions);
        if (dims.Length != 1)
            throw new DataFileException(file.Source, key, null, $"has {dims.Length} dimensions; expected a 1-D array.");
        file.CheckSize(key, dataset, rowCount, frameKey is null ? null : $"one per row of '{frameKey}'");
    }

    /// <summary>Reads a 1-D array of (variable- or fixed-length) strings.</summary>
    public static string[] ReadStrings(H5adFile file, string key, IH5Dataset dataset)
    {
        CheckVector(file, key, dataset);
        IH5DataType type = file.Guard(key, () => dataset.Type);
        if (!H5adFile.IsString(type))
            throw new DataFileException(file.Source, key, null, $"holds {H5Numeric.Describe(type)} values; expected strings.");
        string?[] values = file.Guard(key, () => dataset.Read<string[]>());
        return values.Select(v => v ?? "").ToArray();
    }
}
