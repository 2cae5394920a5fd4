using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>Reads a key, text or integer context column as text, so contexts can be grouped and named in messages.</summary>
internal static class ContextReader
{
    /// <summary>The error for a context whose rows name two perturbation groups (every reader of a group column checks this).</summary>
    public static ArgumentException GroupMismatch(string context, long row, string? group, string groupColumn, long firstRow, string? firstGroup) =>
        new($"Context '{context}': row {row} has '{group}' in column '{groupColumn}' (perturbation group) but row {firstRow} has '{firstGroup}'; a context belongs to one perturbation.");

    /// <summary>A reader of the current row's context (or group: <paramref name="role"/>); its argument is the row index, for error messages.</summary>
    public static Func<long, string> Create(DataViewRowCursor cursor, DataViewSchema.Column column, string role = "context")
    {
        DataViewType type = column.Type;
        if (type is TextDataViewType)
        {
            var get = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> value = default;
            return row =>
            {
                get(ref value);
                if (value.Span.Trim().IsEmpty)
                    throw new ArgumentException($"Column '{column.Name}' ({role}), row {row}: the {role} is empty; every row needs a {role}.");
                return value.ToString();
            };
        }
        if (type is KeyDataViewType key)
        {
            string[]? keyValues = KeyValues(column);
            Func<ulong> raw = RawKey(cursor, column, key.RawType);
            return row =>
            {
                ulong k = raw();
                if (k == 0)
                    throw new ArgumentException($"Column '{column.Name}' ({role}), row {row}: the key is missing (0); every row needs a {role}.");
                return keyValues is not null && k <= (ulong)keyValues.Length ? keyValues[k - 1] : k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            };
        }
        Func<string> integer = Integer(cursor, column, type.RawType);
        return _ => integer();
    }

    private static string[]? KeyValues(DataViewSchema.Column column)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (annotation is null || annotation.Value.Type is not VectorDataViewType { ItemType: TextDataViewType }) return null;
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.Annotations.GetValue("KeyValues", ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }

    private static Func<ulong> RawKey(DataViewRowCursor cursor, DataViewSchema.Column column, Type raw)
    {
        if (raw == typeof(byte)) { var g = cursor.GetGetter<byte>(column); byte v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(ushort)) { var g = cursor.GetGetter<ushort>(column); ushort v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(uint)) { var g = cursor.GetGetter<uint>(column); uint v = 0; return () => { g(ref v); return v; }; }
        { var g = cursor.GetGetter<ulong>(column); ulong v = 0; return () => { g(ref v); return v; }; }
    }

    private static Func<string> Integer(DataViewRowCursor cursor, DataViewSchema.Column column, Type raw)
    {
        Func<string> Of<T>() where T : IFormattable
        {
            var g = cursor.GetGetter<T>(column);
            T v = default!;
            return () => { g(ref v); return v.ToString(null, System.Globalization.CultureInfo.InvariantCulture); };
        }
        if (raw == typeof(sbyte)) return Of<sbyte>();
        if (raw == typeof(byte)) return Of<byte>();
        if (raw == typeof(short)) return Of<short>();
        if (raw == typeof(ushort)) return Of<ushort>();
        if (raw == typeof(int)) return Of<int>();
        if (raw == typeof(uint)) return Of<uint>();
        if (raw == typeof(long)) return Of<long>();
        if (raw == typeof(ulong)) return Of<ulong>();
        throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (context): expected a key, string or integer column; found {column.Type}.");
    }
}
