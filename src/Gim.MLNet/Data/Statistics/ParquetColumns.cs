using Parquet;
using Parquet.Schema;

namespace Gim.MLNet.Data;

/// <summary>
/// How this library reads a Parquet column of one row group (Parquet.Net): text, or numbers of any width and sign (and
/// booleans as 1/0) as doubles with their nulls. One place for the statistics files and the one-row-per-cell tables.
/// </summary>
internal static class ParquetColumns
{
    private static Type Clr(DataField field) => Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;

    /// <summary>A text column (Parquet.Net 6 reports strings as <c>ReadOnlyMemory&lt;char&gt;</c>).</summary>
    public static bool IsText(DataField field) => Clr(field) is var t && (t == typeof(string) || t == typeof(ReadOnlyMemory<char>));

    /// <summary>A column of numbers (not text, not booleans).</summary>
    public static bool IsNumber(DataField field) => Clr(field) is var t && (t == typeof(double) || t == typeof(float) || t == typeof(long)
        || t == typeof(int) || t == typeof(short) || t == typeof(sbyte) || t == typeof(ulong) || t == typeof(uint) || t == typeof(ushort)
        || t == typeof(byte) || t == typeof(decimal));

    public static async Task<string?[]> ReadText(ParquetRowGroupReader group, DataField field, int rows)
    {
        var values = new string?[rows];
        await group.ReadAsync(field, values.AsMemory());
        return values;
    }

    /// <summary>A number or boolean column as doubles, null where the file has none; other types throw <see cref="NotSupportedException"/>.</summary>
    public static async Task<double?[]> ReadNumbers(ParquetRowGroupReader group, DataField field, int rows)
    {
        async Task<double?[]> As<T>(Func<T, double> convert) where T : struct
        {
            // A required column is read as values, an optional one with its nulls: Parquet.Net's nullable read of a required
            // column returns shifted values and nulls past its first page.
            if (!field.IsNullable)
            {
                var required = new T[rows];
                await group.ReadAsync<T>(field, required.AsMemory());
                return required.Select(v => (double?)convert(v)).ToArray();
            }
            var values = new T?[rows];
            await group.ReadAsync<T>(field, values.AsMemory());
            return values.Select(v => v is T x ? convert(x) : (double?)null).ToArray();
        }
        Type t = Clr(field);
        return t switch
        {
            _ when t == typeof(double) => await As<double>(v => v),
            _ when t == typeof(float) => await As<float>(v => v),
            _ when t == typeof(long) => await As<long>(v => v),
            _ when t == typeof(int) => await As<int>(v => v),
            _ when t == typeof(short) => await As<short>(v => v),
            _ when t == typeof(sbyte) => await As<sbyte>(v => v),
            _ when t == typeof(ulong) => await As<ulong>(v => v),
            _ when t == typeof(uint) => await As<uint>(v => v),
            _ when t == typeof(ushort) => await As<ushort>(v => v),
            _ when t == typeof(byte) => await As<byte>(v => v),
            _ when t == typeof(decimal) => await As<decimal>(v => (double)v),
            _ when t == typeof(bool) => await As<bool>(v => v ? 1 : 0),
            _ => throw new NotSupportedException($"column '{field.Name}' has type {t.Name}; expected text, a number or true/false"),
        };
    }
}
