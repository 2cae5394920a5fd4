namespace Gim.MLNet.Data.AnnData;

/// <summary>
/// Keeps the cells whose obs column takes one of the given values, compared as text: a categorical's
/// category, a string, a number in invariant culture (<c>"2"</c>, <c>"0.5"</c>), a bool as
/// <c>"True"</c>/<c>"False"</c>.
/// </summary>
public sealed class AnnDataRowFilter
{
    /// <summary>Creates the filter.</summary>
    /// <param name="column">The obs column to test (it need not be among the loaded obs columns).</param>
    /// <param name="values">The values to keep.</param>
    public AnnDataRowFilter(string column, params string[] values)
    {
        Column = column ?? throw new ArgumentNullException(nameof(column));
        Values = (values ?? throw new ArgumentNullException(nameof(values))).ToHashSet(StringComparer.Ordinal);
        if (Values.Count == 0) throw new ArgumentException("Give at least one value to keep.", nameof(values));
    }

    /// <summary>The obs column tested.</summary>
    public string Column { get; }

    /// <summary>The values kept.</summary>
    public IReadOnlySet<string> Values { get; }
}
