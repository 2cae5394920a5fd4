using Gim.MLNet.Runtime;
using PureHDF;

namespace Gim.MLNet.Data.AnnData;

/// <summary>An obs column to write: categorical text or numbers.</summary>
public abstract class AnnDataWriteColumn
{
    private protected AnnDataWriteColumn(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("An obs column needs a name.", nameof(name));
        if (name == "_index") throw new ArgumentException("'_index' is the obs names' own key in an .h5ad file; name the column otherwise.", nameof(name));
        Name = name;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    internal abstract int Count { get; }

    internal abstract object Element(out string encoding);

    /// <summary>A pandas categorical (categories in order of first appearance; a null value is missing, code −1).</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">One value per cell.</param>
    public static AnnDataWriteColumn Categorical(string name, IReadOnlyList<string?> values) => new CategoricalColumn(name, values);

    /// <summary>A float64 column (NaN for missing).</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">One value per cell.</param>
    public static AnnDataWriteColumn Numeric(string name, IReadOnlyList<double> values) => new NumericColumn(name, values.ToArray());

    private sealed class CategoricalColumn(string name, IReadOnlyList<string?> values) : AnnDataWriteColumn(name)
    {
        internal override int Count => values.Count;

        internal override object Element(out string encoding)
        {
            encoding = "categorical";
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var codes = new int[values.Count];
            for (int i = 0; i < codes.Length; i++)
            {
                if (values[i] is not string value) { codes[i] = -1; continue; }
                if (!index.TryGetValue(value, out int code)) index.Add(value, code = index.Count);
                codes[i] = code;
            }
            string[] categories = index.OrderBy(e => e.Value).Select(e => e.Key).ToArray();
            return new H5Group
            {
                Attributes = Encoded("categorical", "0.2.0", ("ordered", (object)HdfBool.FALSE)),
                ["codes"] = index.Count <= sbyte.MaxValue ? codes.Select(c => (sbyte)c).ToArray() : index.Count <= short.MaxValue ? codes.Select(c => (short)c).ToArray() : codes,
                ["categories"] = new H5Dataset(categories) { Attributes = Encoded("string-array", "0.2.0") },
            };
        }
    }

    private sealed class NumericColumn(string name, double[] values) : AnnDataWriteColumn(name)
    {
        internal override int Count => values.Length;

        internal override object Element(out string encoding)
        {
            encoding = "array";
            return new H5Dataset(values) { Attributes = Encoded("array", "0.2.0") };
        }
    }

    /// <summary>h5py's bool: an 8-bit enum with members FALSE = 0 and TRUE = 1 (pandas refuses a plain integer for "ordered").</summary>
    internal enum HdfBool : byte
    {
        FALSE = 0,
        TRUE = 1,
    }

    internal static Dictionary<string, object> Encoded(string type, string version, params (string Key, object Value)[] more)
    {
        var attributes = new Dictionary<string, object> { ["encoding-type"] = type, ["encoding-version"] = version };
        foreach (var (key, value) in more) attributes[key] = value;
        return attributes;
    }
}

/// <summary>
/// A cells × variables matrix in compressed sparse row form (what single-cell counts are stored as): row i's non-zero
/// values are <see cref="Data"/>[<see cref="RowStarts"/>[i] .. <see cref="RowStarts"/>[i+1]), in the columns
/// <see cref="ColumnIndices"/> of the same range (increasing within a row).
/// </summary>
/// <param name="Rows">Number of rows (cells).</param>
/// <param name="Columns">Number of columns (variables).</param>
/// <param name="Data">The non-zero values.</param>
/// <param name="ColumnIndices">Their columns.</param>
/// <param name="RowStarts">Rows + 1 offsets into <paramref name="Data"/>.</param>
public sealed record SparseRows(int Rows, int Columns, float[] Data, int[] ColumnIndices, long[] RowStarts)
{
    /// <summary>Throws naming the first inconsistency (lengths, offsets, a column out of range or out of order).</summary>
    public void Validate()
    {
        if (Rows < 0 || Columns < 0) throw new ArgumentException($"SparseRows: {Rows} × {Columns} is not a matrix shape.");
        if (RowStarts.Length != Rows + 1) throw new ArgumentException($"SparseRows: RowStarts has {RowStarts.Length} entries; expected Rows + 1 = {Rows + 1}.");
        if (Data.Length != ColumnIndices.Length) throw new ArgumentException($"SparseRows: {Data.Length} values but {ColumnIndices.Length} column indices.");
        if (RowStarts[0] != 0 || RowStarts[Rows] != Data.Length) throw new ArgumentException($"SparseRows: RowStarts must run from 0 to {Data.Length}.");
        for (int i = 0; i < Rows; i++)
        {
            if (RowStarts[i + 1] < RowStarts[i]) throw new ArgumentException($"SparseRows: RowStarts decreases at row {i}.");
            for (long k = RowStarts[i]; k < RowStarts[i + 1]; k++)
                if (ColumnIndices[k] < 0 || ColumnIndices[k] >= Columns || k > RowStarts[i] && ColumnIndices[k] <= ColumnIndices[k - 1])
                    throw new ArgumentException($"SparseRows: row {i} has column index {ColumnIndices[k]} out of range or order (columns 0..{Columns - 1}, increasing).");
        }
    }
}

/// <summary>
/// Writes AnnData <c>.h5ad</c> files (the on-disk format anndata ≥ 0.8 reads: X as a CSR matrix or a dense array, obs
/// with categorical and float64 columns, var names), atomically: the file appears complete or not at all.
/// </summary>
public static class AnnDataWriter
{
    /// <summary>Writes a sparse matrix as <c>X</c>.</summary>
    /// <param name="path">The .h5ad file to write (replaced if it exists).</param>
    /// <param name="x">Cells × variables.</param>
    /// <param name="obsNames">One unique name per cell.</param>
    /// <param name="varNames">One unique name per variable.</param>
    /// <param name="obs">Per-cell columns (each as long as <paramref name="obsNames"/>).</param>
    public static void Write(string path, SparseRows x, IReadOnlyList<string> obsNames, IReadOnlyList<string> varNames, IReadOnlyList<AnnDataWriteColumn> obs)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.Validate();
        var matrix = new H5Group
        {
            Attributes = AnnDataWriteColumn.Encoded("csr_matrix", "0.1.0", ("shape", (object)new long[] { x.Rows, x.Columns })),
            ["data"] = x.Data,
            ["indices"] = x.ColumnIndices,
            ["indptr"] = x.RowStarts,
        };
        WriteFile(path, x.Rows, x.Columns, matrix, obsNames, varNames, obs);
    }

    /// <summary>Writes a dense matrix as <c>X</c>.</summary>
    /// <param name="path">The .h5ad file to write (replaced if it exists).</param>
    /// <param name="x">Cells × variables.</param>
    /// <param name="obsNames">One unique name per cell.</param>
    /// <param name="varNames">One unique name per variable.</param>
    /// <param name="obs">Per-cell columns (each as long as <paramref name="obsNames"/>).</param>
    public static void Write(string path, float[,] x, IReadOnlyList<string> obsNames, IReadOnlyList<string> varNames, IReadOnlyList<AnnDataWriteColumn> obs)
    {
        ArgumentNullException.ThrowIfNull(x);
        var matrix = new H5Dataset(x) { Attributes = AnnDataWriteColumn.Encoded("array", "0.2.0") };
        WriteFile(path, x.GetLength(0), x.GetLength(1), matrix, obsNames, varNames, obs);
    }

    private static void WriteFile(string path, int rows, int columns, object matrix, IReadOnlyList<string> obsNames, IReadOnlyList<string> varNames,
        IReadOnlyList<AnnDataWriteColumn> obs)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckNames(obsNames, rows, "obs names", "cells");
        CheckNames(varNames, columns, "var names", "variables");
        ArgumentNullException.ThrowIfNull(obs);
        foreach (AnnDataWriteColumn column in obs)
            if (column.Count != rows) throw new ArgumentException($"obs column '{column.Name}' has {column.Count} values; expected one per cell ({rows}).", nameof(obs));
        if (obs.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != obs.Count)
            throw new ArgumentException("Two obs columns share a name.", nameof(obs));

        var obsGroup = Frame(obsNames, obs);
        var file = new H5File
        {
            Attributes = AnnDataWriteColumn.Encoded("anndata", "0.1.0"),
            ["X"] = matrix,
            ["obs"] = obsGroup,
            ["var"] = Frame(varNames, Array.Empty<AnnDataWriteColumn>()),
        };
        foreach (string empty in new[] { "layers", "obsm", "varm", "obsp", "varp", "uns" })
            file[empty] = new H5Group { Attributes = AnnDataWriteColumn.Encoded("dict", "0.1.0") };

        AtomicFile.WriteFile(path, target => file.Write(target));
    }

    private static H5Group Frame(IReadOnlyList<string> names, IReadOnlyList<AnnDataWriteColumn> columns)
    {
        var group = new H5Group
        {
            Attributes = AnnDataWriteColumn.Encoded("dataframe", "0.2.0", ("_index", (object)"_index"), ("column-order", columns.Select(c => c.Name).ToArray())),
            ["_index"] = new H5Dataset(names.ToArray()) { Attributes = AnnDataWriteColumn.Encoded("string-array", "0.2.0") },
        };
        foreach (AnnDataWriteColumn column in columns) group[column.Name] = column.Element(out _);
        return group;
    }

    private static void CheckNames(IReadOnlyList<string> names, int count, string what, string unit)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count != count) throw new ArgumentException($"{names.Count} {what} for {count} {unit}.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
            if (name is null || !seen.Add(name)) throw new ArgumentException($"The {what} must be unique and not null; '{name}' is not.");
    }
}
