
namespace Gim.MLNet.Data.AnnData;

/// <summary>
/// A pandas categorical obs column: integer codes into a list of categories (code −1 = missing).
/// Numeric categories are resolved to invariant-culture text.
/// </summary>
public sealed class AnnDataCategoricalColumn : AnnDataObsColumn
{
    internal AnnDataCategoricalColumn(string name, int[] codes, string[] categories, bool ordered) : base(name, AnnDataColumnKind.Categorical)
    {
        Codes = codes;
        Categories = categories;
        Ordered = ordered;
    }

    /// <summary>The code of each row: an index into <see cref="Categories"/>, or −1 for a missing value.</summary>
    public int[] Codes { get; }

    /// <summary>The categories, in the file's order.</summary>
    public string[] Categories { get; }

    /// <summary>True for an ordered categorical.</summary>
    public bool Ordered { get; }

    /// <inheritdoc />
    public override int Count => Codes.Length;

    /// <summary>The category of <paramref name="row"/>, or null when missing.</summary>
    public string? this[int row] => Codes[row] < 0 ? null : Categories[Codes[row]];

    /// <inheritdoc />
    public override string? FormatValue(int row) => this[row];

    internal override AnnDataObsColumn Subset(int[] rows) =>
        new AnnDataCategoricalColumn(Name, rows.Select(r => Codes[r]).ToArray(), Categories, Ordered);
}
