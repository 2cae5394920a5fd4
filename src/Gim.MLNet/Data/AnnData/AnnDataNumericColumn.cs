using System.Globalization;
using System.Numerics;

namespace Gim.MLNet.Data.AnnData;

/// <summary>A numeric obs column: float (float32), double (float64) or long (any integer width).</summary>
/// <typeparam name="T">float, double or long.</typeparam>
public sealed class AnnDataNumericColumn<T> : AnnDataObsColumn where T : unmanaged, INumber<T>
{
    internal AnnDataNumericColumn(string name, AnnDataColumnKind kind, T[] values) : base(name, kind)
    {
        Values = values;
    }

    /// <summary>The values, one per row.</summary>
    public T[] Values { get; }

    /// <inheritdoc />
    public override int Count => Values.Length;

    /// <inheritdoc />
    public override string? FormatValue(int row) => Values[row].ToString(null, CultureInfo.InvariantCulture);

    internal override bool TryGetNumber(int row, out double value)
    {
        value = double.CreateTruncating(Values[row]);
        return true;
    }

    internal override AnnDataObsColumn Subset(int[] rows) => new AnnDataNumericColumn<T>(Name, Kind, rows.Select(r => Values[r]).ToArray());
}
