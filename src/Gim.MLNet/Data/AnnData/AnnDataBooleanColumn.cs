
namespace Gim.MLNet.Data.AnnData;

/// <summary>A bool obs column (h5py stores bools as an int8 enum FALSE/TRUE).</summary>
public sealed class AnnDataBooleanColumn : AnnDataObsColumn
{
    internal AnnDataBooleanColumn(string name, bool[] values) : base(name, AnnDataColumnKind.Boolean)
    {
        Values = values;
    }

    /// <summary>The values, one per row.</summary>
    public bool[] Values { get; }

    /// <inheritdoc />
    public override int Count => Values.Length;

    /// <inheritdoc />
    public override string? FormatValue(int row) => Values[row] ? "True" : "False";

    internal override bool TryGetNumber(int row, out double value)
    {
        value = Values[row] ? 1 : 0;
        return true;
    }

    internal override AnnDataObsColumn Subset(int[] rows) => new AnnDataBooleanColumn(Name, rows.Select(r => Values[r]).ToArray());
}
