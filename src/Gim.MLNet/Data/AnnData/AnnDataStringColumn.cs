
namespace Gim.MLNet.Data.AnnData;

/// <summary>A string obs column (anndata encoding <c>string-array</c>).</summary>
public sealed class AnnDataStringColumn : AnnDataObsColumn
{
    internal AnnDataStringColumn(string name, string[] values) : base(name, AnnDataColumnKind.String)
    {
        Values = values;
    }

    /// <summary>The values, one per row.</summary>
    public string[] Values { get; }

    /// <inheritdoc />
    public override int Count => Values.Length;

    /// <inheritdoc />
    public override string? FormatValue(int row) => Values[row];

    internal override AnnDataObsColumn Subset(int[] rows) => new AnnDataStringColumn(Name, rows.Select(r => Values[r]).ToArray());
}
