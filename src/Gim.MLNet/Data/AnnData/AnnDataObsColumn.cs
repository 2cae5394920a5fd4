
namespace Gim.MLNet.Data.AnnData;

/// <summary>One obs (per-cell) column of an .h5ad file, already subset to the rows read.</summary>
public abstract class AnnDataObsColumn
{
    private protected AnnDataObsColumn(string name, AnnDataColumnKind kind)
    {
        Name = name;
        Kind = kind;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>How the column is stored.</summary>
    public AnnDataColumnKind Kind { get; }

    /// <summary>Number of rows.</summary>
    public abstract int Count { get; }

    /// <summary>
    /// The value at <paramref name="row"/> as text (categories resolved, numbers in invariant culture,
    /// bools as True/False); null for a missing categorical value.
    /// </summary>
    public abstract string? FormatValue(int row);

    /// <summary>
    /// The column as numbers for a screen's design (<see cref="ScreenRows"/>): a numeric column's values (NaN where missing),
    /// a categorical's or text's parsed row by row (NaN where a value is no number).
    /// </summary>
    internal Func<int, double> Numbers() => Count == 0 || TryGetNumber(0, out _)
        ? i => TryGetNumber(i, out double value) ? value : double.NaN
        : i => ScreenRows.ParseNumber(FormatValue(i));

    /// <summary>The value as a number, for feature columns; false for non-numeric kinds.</summary>
    internal virtual bool TryGetNumber(int row, out double value)
    {
        value = double.NaN;
        return false;
    }

    internal abstract AnnDataObsColumn Subset(int[] rows);
}
