namespace Gim.MLNet.Data.AnnData;

/// <summary>
/// Reads AnnData <c>.h5ad</c> files (the on-disk format of anndata ≥ 0.8) with PureHDF, a managed
/// HDF5 reader: X or a layer (dense, CSR or CSC; float or integer), obs columns (numbers, bools,
/// strings, categoricals), obs_names and var_names. Every failure is a
/// <see cref="DataFileException"/> naming the file and the key.
/// </summary>
public static class AnnDataReader
{
    /// <summary>Reads an .h5ad file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">What to read; null reads X, all variables, all obs columns, all cells.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFileException">The file is not a readable .h5ad, lacks a key, uses an unsupported encoding, or the selection exceeds <see cref="AnnDataReadOptions.MaxDenseBytes"/>.</exception>
    public static AnnDataTable Read(string path, AnnDataReadOptions? options = null)
    {
        using H5adFile file = H5adFile.Open(path);
        return Read(file, options ?? new AnnDataReadOptions());
    }

    /// <summary>Reads an .h5ad file from a seekable stream (left open).</summary>
    /// <param name="stream">The file's bytes.</param>
    /// <param name="sourceName">How messages name the source (a file name or URL).</param>
    /// <param name="options">What to read; null reads everything.</param>
    public static AnnDataTable Read(Stream stream, string sourceName, AnnDataReadOptions? options = null)
    {
        using H5adFile file = H5adFile.Open(stream, sourceName);
        return Read(file, options ?? new AnnDataReadOptions());
    }

    private static AnnDataTable Read(H5adFile file, AnnDataReadOptions options)
    {
        try
        {
            return ReadChecked(file, options);
        }
        catch (Exception ex) when (ex is not DataFileException and not OperationCanceledException and not ArgumentException)
        {
            // A corrupt file can make structures inconsistent in ways no single check names.
            throw new DataFileException(file.Source, null, null,
                $"could not be read as AnnData ({ex.GetType().Name}: {ex.Message}); the file may be truncated or corrupt.", ex);
        }
    }

    private static AnnDataTable ReadChecked(H5adFile file, AnnDataReadOptions options)
    {
        string[] obsNames = H5adFrameReader.Index(file, "obs", H5adFrameReader.Frame(file, "obs"));
        string[] varNames = H5adFrameReader.Index(file, "var", H5adFrameReader.Frame(file, "var"));
        string matrixKey = MatrixKey(options.Layer);
        string encoding = H5adMatrixReader.Encoding(file, matrixKey, obsNames.Length, varNames.Length);

        int[] columns = AnnDataSelection.Variables(file, varNames, options.Variables);
        int[] rows = AnnDataSelection.Rows(file, obsNames.Length, options.Rows, options.RowFilter);
        MemoryGuard.Check(file.Source, matrixKey, encoding, obsNames.Length, varNames.Length, rows.Length, columns.Length, options.MaxDenseBytes);

        bool all = rows.Length == obsNames.Length;
        if (options.ObsColumns?.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"AnnDataReadOptions.ObsColumns lists '{twice.Key}' twice; name each obs column once.", nameof(options));
        IReadOnlyList<string> obsColumns = options.ObsColumns ?? H5adFrameReader.ColumnOrder(file, "obs", file.Group("obs"));
        var obs = new List<AnnDataObsColumn>();
        foreach (string name in obsColumns)
        {
            AnnDataObsColumn column = H5adFrameReader.Column(file, "obs", name, obsNames.Length);
            obs.Add(all ? column : column.Subset(rows));
        }
        float[,] x = H5adMatrixReader.Read(file, matrixKey, encoding, obsNames.Length, varNames.Length, rows, columns, options.ChunkElements);
        return new AnnDataTable(file.Source, matrixKey, encoding, x,
            all ? obsNames : rows.Select(r => obsNames[r]).ToArray(), columns.Select(c => varNames[c]).ToArray(), obs, rows);
    }

    /// <summary>The HDF5 key of X or of a layer ("counts" or "layers/counts").</summary>
    internal static string MatrixKey(string? layer) => layer switch
    {
        null or "" or "X" => "X",
        _ when layer.StartsWith("layers/", StringComparison.Ordinal) => layer,
        _ => "layers/" + layer,
    };
}
