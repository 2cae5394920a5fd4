namespace Gim.MLNet.Data.AnnData;

/// <summary>
/// Refuses a dense result larger than the configured limit before anything is allocated: a sparse
/// single-cell matrix (10⁶ cells × 3·10⁴ genes) densifies to 120 GB, which must never happen silently.
/// </summary>
internal static class MemoryGuard
{
    public static void Check(string source, string key, string encoding, int obsCount, int varCount, int rows, int columns, long maxBytes)
    {
        long bytes = (long)rows * columns * sizeof(float);
        // A .NET array also caps the element count, whatever the limit says.
        if (bytes <= maxBytes && (long)rows * columns <= Array.MaxLength) return;
        throw new DataFileException(source, key, null,
            $"reading {encoding} '{key}' ({obsCount:N0} cells × {varCount:N0} variables in the file) as a dense float32 matrix of " +
            $"{rows:N0} cells × {columns:N0} variables needs {Format(bytes)}, above the limit of {Format(maxBytes)} (AnnDataReadOptions.MaxDenseBytes). " +
            "Read fewer variables (AnnDataReadOptions.Variables, e.g. the highly variable genes), fewer cells (AnnDataReadOptions.RowFilter " +
            "to keep some conditions, or AnnDataReadOptions.Rows), or raise MaxDenseBytes if the machine has the memory.");
    }

    internal static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.##} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.##} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.##} KiB",
        _ => $"{bytes} bytes",
    };
}
