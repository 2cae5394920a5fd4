namespace Gim.MLNet.Data.AnnData;

/// <summary>What <see cref="AnnDataReader"/> reads from an .h5ad file, and how much memory it may use.</summary>
public sealed class AnnDataReadOptions
{
    /// <summary>The default <see cref="MaxDenseBytes"/>: 2 GiB.</summary>
    public const long DefaultMaxDenseBytes = 2L << 30;

    /// <summary>
    /// The matrix to read: null or <c>"X"</c> for X, or the name of a layer (<c>"counts"</c> reads
    /// <c>layers/counts</c>; <c>"layers/counts"</c> is accepted too).
    /// </summary>
    public string? Layer { get; set; }

    /// <summary>
    /// The variables (var_names) to read, in this order; null reads all. Reading a few genes of a
    /// large sparse matrix only materialises those columns.
    /// </summary>
    public IReadOnlyList<string>? Variables { get; set; }

    /// <summary>The obs columns to load; null loads all (in the file's column order), empty loads none.</summary>
    public IReadOnlyList<string>? ObsColumns { get; set; }

    /// <summary>Keep only the cells (obs rows) at these 0-based positions (any order; the table keeps file order); null keeps all.</summary>
    public IReadOnlyList<int>? Rows { get; set; }

    /// <summary>Keep only the cells whose obs column has one of the given values (combined with <see cref="Rows"/>); null keeps all.</summary>
    public AnnDataRowFilter? RowFilter { get; set; }

    /// <summary>
    /// The largest dense matrix (cells × variables × 4 bytes) the reader will build; above it the read
    /// is refused before anything large is allocated, with a message saying how to subset. Default
    /// <see cref="DefaultMaxDenseBytes"/>.
    /// </summary>
    public long MaxDenseBytes { get; set; } = DefaultMaxDenseBytes;

    /// <summary>Elements read per HDF5 request when streaming a matrix (bounds temporary memory); tests lower it.</summary>
    internal int ChunkElements { get; set; } = 1 << 20;
}
