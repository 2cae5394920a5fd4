namespace Gim.MLNet.Data.AnnData;

/// <summary>Settings of <see cref="AnnDataStatistics.Compute"/>.</summary>
public sealed class AnnDataStatisticsOptions
{
    /// <summary>The matrix: null or "X" for X, else a layer name ("counts" or "layers/counts").</summary>
    public string? Layer { get; set; }

    /// <summary>
    /// Scale each cell's counts to a total of <see cref="TargetSum"/> over all genes and take log1p before anything else
    /// (scanpy's <c>normalize_total</c> then <c>log1p</c>; what <c>NormalizeTotalLog1p</c> does in a pipeline). Default
    /// false: the matrix is used as it is (already log-normalised, or protein levels).
    /// </summary>
    public bool NormalizeTotalLog1p { get; set; }

    /// <summary>The total each cell is scaled to when normalising. Default 10,000 (the value most single-cell tutorials use).</summary>
    public double TargetSum { get; set; } = 1e4;

    /// <summary>
    /// Read only these genes (var names, in this order); null: every gene, then the <see cref="HighlyVariableGenes"/> if
    /// asked. Normalisation totals are over the genes read (as the pipeline step's are over the column it is given).
    /// </summary>
    public IReadOnlyList<string>? Variables { get; set; }

    /// <summary>
    /// Keep the N most variable genes (scanpy's "seurat" dispersion ranking, 20 bins, as <c>SelectHighlyVariableGenes</c>),
    /// chosen in a first pass over the cells; null: keep all. The statistics then need two passes.
    /// </summary>
    public int? HighlyVariableGenes { get; set; }

    /// <summary>Cells read at a time. Default 4,096: 2,000 genes take 33 MB as float32, and the d × d products stay large enough for BLAS.</summary>
    public int ChunkRows { get; set; } = 4096;

    /// <summary>Called after each chunk with the pass (1 or 2), the cells done in it and the cells in all.</summary>
    public Action<int, long, long>? Progress { get; set; }

    /// <summary>Stops between chunks.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>After <see cref="AnnDataStatistics.Compute"/>: how many genes were read (the cell totals' genes when normalising).</summary>
    public int? GenesRead { get; internal set; }
}

/// <summary>
/// Computes a screen's <see cref="PerturbationStatistics"/> from an <c>.h5ad</c> file in bounded memory: the obs columns a
/// <see cref="ScreenDesign"/> names make the contexts (exactly as <see cref="AnnDataTable.ToPerturbationDataset(ScreenDesign)"/>
/// does), then the matrix is read a chunk of cells at a time (CSR or dense; CSC works but rereads the matrix per chunk),
/// normalised per chunk if asked, and summed into the statistics. Memory: the obs columns, one chunk, K·d sums and two d × d
/// products, whatever the number of cells.
/// </summary>
public static class AnnDataStatistics
{
    /// <summary>Reads the statistics of <paramref name="path"/>'s cells under <paramref name="design"/>.</summary>
    /// <param name="path">The .h5ad file.</param>
    /// <param name="design">Which obs columns are the perturbation, dose, covariates; descriptors.</param>
    /// <param name="options">Matrix, normalisation, genes, chunk size; null for the defaults.</param>
    public static PerturbationStatistics Compute(string path, ScreenDesign design, AnnDataStatisticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        options ??= new AnnDataStatisticsOptions();
        if (options.ChunkRows < 1) throw new ArgumentOutOfRangeException(nameof(options), options.ChunkRows, "AnnDataStatisticsOptions.ChunkRows must be ≥ 1.");
        if (options.HighlyVariableGenes is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.HighlyVariableGenes, "AnnDataStatisticsOptions.HighlyVariableGenes must be ≥ 1 (or null for all genes).");
        if (!(options.TargetSum > 0) || double.IsInfinity(options.TargetSum)) throw new ArgumentOutOfRangeException(nameof(options), options.TargetSum, "AnnDataStatisticsOptions.TargetSum must be a finite number > 0.");
        if (options.Variables is not null && options.HighlyVariableGenes is not null)
            throw new ArgumentException("Give AnnDataStatisticsOptions.Variables or HighlyVariableGenes, not both.", nameof(options));
        using H5adFile file = H5adFile.Open(path);
        try
        {
            return Stream(file, design, options);
        }
        catch (Exception ex) when (ex is not DataFileException and not OperationCanceledException and not ArgumentException and not InvalidOperationException)
        {
            throw new DataFileException(file.Source, null, null, $"could not be read as AnnData ({ex.GetType().Name}: {ex.Message}); the file may be truncated or corrupt.", ex);
        }
    }

    private static PerturbationStatistics Stream(H5adFile file, ScreenDesign design, AnnDataStatisticsOptions options)
    {
        string[] obsNames = H5adFrameReader.Index(file, "obs", H5adFrameReader.Frame(file, "obs"));
        string[] varNames = H5adFrameReader.Index(file, "var", H5adFrameReader.Frame(file, "var"));
        string key = AnnDataReader.MatrixKey(options.Layer);
        string encoding = H5adMatrixReader.Encoding(file, key, obsNames.Length, varNames.Length);
        int n = obsNames.Length;

        // The contexts, from the obs columns alone.
        var columns = new Dictionary<string, AnnDataObsColumn>(StringComparer.Ordinal);
        AnnDataObsColumn Column(string name) => columns.TryGetValue(name, out AnnDataObsColumn? c) ? c
            : columns[name] = H5adFrameReader.Column(file, "obs", name, n);
        string RowLabel(int i) => $"cell '{obsNames[i]}' (obs row {i})";
        var rows = new ScreenRows(file.Source, n, RowLabel, name => "obs/" + name, name => Column(name).FormatValue, name => Column(name).Numbers(), new float[0, 0], Array.Empty<string>());
        ScreenLayout layout = rows.Layout(design);
        PerturbationGrouper.Plan plan = PerturbationGrouper.Contexts(file.Source, layout.ContextColumn, layout.Labels, RowLabel, layout.Features,
            layout.ControlLabels, layout.FeatureNames, layout.GroupOf);

        // The genes read (all, or the Variables asked for; normalisation totals are over them), then those kept among them.
        int[] read = options.Variables is null ? Enumerable.Range(0, varNames.Length).ToArray() : AnnDataSelection.Variables(file, varNames, options.Variables);
        options.GenesRead = read.Length;
        int[] kept = Enumerable.Range(0, read.Length).ToArray(); // positions within the genes read
        if (options.HighlyVariableGenes is int top && top < varNames.Length)
        {
            var dispersion = new GeneDispersion(read.Length);
            Stream(file, key, encoding, obsNames.Length, varNames.Length, read, kept, options, pass: 1, (chunk, _) =>
            {
                for (int i = 0; i < chunk.GetLength(0); i++)
                    for (int j = 0; j < chunk.GetLength(1); j++) dispersion.Add(j, chunk[i, j]);
                dispersion.AddCells(chunk.GetLength(0));
            });
            kept = dispersion.Top(top, bins: 20, out _);
            if (kept.Length == 0) throw new DataFileException(file.Source, key, null, "no gene has a nonzero mean; nothing to rank for AnnDataStatisticsOptions.HighlyVariableGenes.");
        }
        string[] variables = kept.Select(j => varNames[read[j]]).ToArray();
        using var builder = new PerturbationStatisticsBuilder(variables, layout.FeatureNames, plan.Definitions);
        Stream(file, key, encoding, obsNames.Length, varNames.Length, read, kept, options, pass: 2,
            (chunk, start) => builder.Add(plan.ContextOfRow.AsSpan(start, chunk.GetLength(0)), chunk));
        return builder.Build();
    }

    /// <summary>
    /// Reads the matrix's columns <paramref name="read"/> a chunk of cells at a time, normalises each cell over them if asked,
    /// keeps the positions <paramref name="kept"/> among them and hands the chunk (rows × kept) and its first row to <paramref name="use"/>.
    /// </summary>
    private static void Stream(H5adFile file, string key, string encoding, int obsCount, int varCount, int[] read, int[] kept, AnnDataStatisticsOptions options,
        int pass, Action<float[,], int> use)
    {
        const int chunkElements = 1 << 20;
        // CSR (the usual X): indptr once, then each range of rows by its own entries.
        H5adMatrixReader.CsrRows? csr = encoding == "csr_matrix" ? new H5adMatrixReader.CsrRows(file, key, obsCount, varCount) : null;
        int[] target = Enumerable.Repeat(-1, varCount).ToArray();
        for (int j = 0; j < read.Length; j++) target[read[j]] = j;
        for (int start = 0; start < obsCount; start += options.ChunkRows)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(options.ChunkRows, obsCount - start);
            float[,] values = csr is not null ? csr.Read(start, count, target, read.Length, chunkElements)
                : H5adMatrixReader.Read(file, key, encoding, obsCount, varCount, Enumerable.Range(start, count).ToArray(), read, chunkElements);
            float[,] chunk = options.NormalizeTotalLog1p ? Normalise(file, key, values, kept, options.TargetSum, start)
                : kept.Length == read.Length ? values : Keep(values, kept);
            use(chunk, start);
            options.Progress?.Invoke(pass, start + count, obsCount);
        }
    }

    private static float[,] Keep(float[,] values, int[] kept)
    {
        var result = new float[values.GetLength(0), kept.Length];
        for (int i = 0; i < values.GetLength(0); i++)
            for (int k = 0; k < kept.Length; k++) result[i, k] = values[i, kept[k]];
        return result;
    }

    private static float[,] Normalise(H5adFile file, string key, float[,] counts, int[] kept, double targetSum, int firstRow)
    {
        try
        {
            return CountNormalization.NormalizeTotalLog1p(counts, targetSum, kept, i => $"obs row {firstRow + i}");
        }
        catch (ArgumentException e)
        {
            throw new DataFileException(file.Source, key, null, e.Message, e);
        }
    }
}
