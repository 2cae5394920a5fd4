namespace Gim.MLNet.Data.AnnData;

/// <summary>
/// What <see cref="AnnDataReader"/> read from an .h5ad file: a dense float32 matrix of the selected
/// cells × variables, the obs columns of those cells, and the names. Convert it with
/// <c>ToDataFrame</c> or <c>ToDataView</c> (extensions in Gim.MLNet), or <see cref="ToPerturbationDataset(string, IEnumerable{string}, IReadOnlyList{string})"/>.
/// </summary>
public sealed partial class AnnDataTable
{
    private readonly Dictionary<string, AnnDataObsColumn> _byName;

    internal AnnDataTable(string source, string matrixKey, string encoding, float[,] x, string[] obsNames, string[] varNames,
        IReadOnlyList<AnnDataObsColumn> obs, int[] sourceRows)
    {
        Source = source;
        MatrixKey = matrixKey;
        Encoding = encoding;
        X = x;
        ObsNames = obsNames;
        VarNames = varNames;
        Obs = obs;
        SourceRows = sourceRows;
        _byName = obs.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    /// <summary>The file path (or the name given for a stream).</summary>
    public string Source { get; }

    /// <summary>The HDF5 key the matrix came from: <c>X</c> or <c>layers/NAME</c>.</summary>
    public string MatrixKey { get; }

    /// <summary>How the matrix was stored: <c>dense</c>, <c>csr_matrix</c> or <c>csc_matrix</c>.</summary>
    public string Encoding { get; }

    /// <summary>The measurements, cells × variables, densified.</summary>
    public float[,] X { get; }

    /// <summary>The names of the cells read (obs_names).</summary>
    public IReadOnlyList<string> ObsNames { get; }

    /// <summary>The names of the variables read (var_names), in the order of <see cref="X"/>'s columns.</summary>
    public IReadOnlyList<string> VarNames { get; }

    /// <summary>The obs columns loaded.</summary>
    public IReadOnlyList<AnnDataObsColumn> Obs { get; }

    /// <summary>For each row read, its 0-based position in the file's obs.</summary>
    public IReadOnlyList<int> SourceRows { get; }

    /// <summary>Number of cells read.</summary>
    public int RowCount => X.GetLength(0);

    /// <summary>Number of variables read.</summary>
    public int VariableCount => X.GetLength(1);

    /// <summary>The obs column named <paramref name="name"/>; the error lists the loaded ones.</summary>
    public AnnDataObsColumn Column(string name) =>
        _byName.TryGetValue(name, out AnnDataObsColumn? column) ? column
            : throw new DataFileException(Source, "obs/" + name, null,
                $"obs column '{name}' was not loaded; loaded: {(Obs.Count == 0 ? "(none)" : string.Join(", ", Obs.Select(c => c.Name)))}. " +
                "Add it to AnnDataReadOptions.ObsColumns (null loads all).");
}
