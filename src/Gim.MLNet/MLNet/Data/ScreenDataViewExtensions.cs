using System.Globalization;
using Gim.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>
/// A one-row-per-cell <see cref="IDataView"/> read with a <see cref="ScreenDesign"/> (drug × dose × cell line, descriptors
/// joined by name), as the CSV, AnnData and DataFrame readers do: the ML.NET way in for screens kept over several columns.
/// </summary>
public static class ScreenDataViewExtensions
{
    /// <summary>
    /// Groups the rows into contexts by the columns of <paramref name="design"/> (perturbation, dose, guide, covariates), with
    /// the features it makes (descriptors, dose, guides, covariate levels, feature columns). The design's columns may be text
    /// (<see cref="TextDataViewType"/>; empty is missing) or numeric scalars (single, double, integers, boolean); the
    /// measurements are one known-size float vector column whose slot names (when present) name the variables.
    /// </summary>
    /// <param name="data">One row per cell (read once, in order).</param>
    /// <param name="design">Which columns say what.</param>
    /// <param name="measurementsColumn">The vector column of measured values. Default "Measurements".</param>
    /// <param name="sourceName">How messages name the data.</param>
    /// <exception cref="DataFileException">A column is missing or of a type that cannot serve, or a measurement is not finite; the message names the column and row.</exception>
    public static PerturbationDataset ToPerturbationDataset(this IDataView data, ScreenDesign design, string measurementsColumn = "Measurements",
        string sourceName = "IDataView")
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(measurementsColumn);
        DataViewSchema schema = data.Schema;
        DataViewSchema.Column Find(string name) => schema.GetColumnOrNull(name) is { } column ? column
            : throw new DataFileException(sourceName, name, null, $"has no column '{name}'; the columns are: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name).Take(30))}.");
        DataViewSchema.Column measurements = Find(measurementsColumn);
        if (measurements.Type is not VectorDataViewType { ItemType: NumberDataViewType item, Size: > 0 } vector || item.RawType != typeof(float))
            throw new DataFileException(sourceName, measurementsColumn, null,
                $"is {measurements.Type}; the measurements must be a known-size vector of Single (e.g. mlContext.Transforms.Concatenate of the gene columns).");
        int d = vector.Size;
        string[] variables = PerturbationDataReader.SlotNames(measurements, "measurements", d)
            ?? Enumerable.Range(0, d).Select(j => "x" + j.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[] names = design.Columns.ToArray();
        DataViewSchema.Column[] columns = names.Select(Find).ToArray();
        foreach (DataViewSchema.Column column in columns)
            if (column.Type is not TextDataViewType && column.Type is not BooleanDataViewType && !(column.Type is NumberDataViewType number && IsReadable(number.RawType)))
                throw new DataFileException(sourceName, column.Name, null, $"is {column.Type}; a design column must be text, boolean or a numeric scalar" +
                    (column.Type is KeyDataViewType ? " (a key column: map it back with mlContext.Transforms.Conversion.MapKeyToValue)." : "."));

        var rows = new List<float[]>();
        var text = names.ToDictionary(n => n, _ => new List<string?>(), StringComparer.Ordinal);
        var numbers = names.ToDictionary(n => n, _ => new List<double>(), StringComparer.Ordinal);
        using (DataViewRowCursor cursor = data.GetRowCursor(columns.Append(measurements)))
        {
            var getMeasurements = cursor.GetGetter<VBuffer<float>>(measurements);
            Func<(string? Text, double Number)>[] readers = columns.Select(c => Reader(cursor, c)).ToArray();
            VBuffer<float> buffer = default;
            while (cursor.MoveNext())
            {
                getMeasurements(ref buffer);
                var values = new float[d];
                buffer.CopyTo(values);
                int bad = Array.FindIndex(values, v => !float.IsFinite(v));
                if (bad >= 0)
                    throw new DataFileException(sourceName, measurementsColumn, null,
                        $"row {cursor.Position}, slot {bad} ('{variables[bad]}') is {values[bad].ToString(CultureInfo.InvariantCulture)}; measurements must be finite numbers.");
                rows.Add(values);
                for (int c = 0; c < columns.Length; c++)
                {
                    var (t, x) = readers[c]();
                    text[names[c]].Add(t);
                    numbers[names[c]].Add(x);
                }
            }
        }
        int n = rows.Count;
        var matrix = new float[n, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) matrix[i, j] = rows[i][j];
        Func<int, string?> Text(string name) => text.TryGetValue(name, out List<string?>? values) ? i => values[i]
            : throw new DataFileException(sourceName, name, null, "was not read; it is not a column of the design.");
        Func<int, double>? Number(string name)
        {
            if (!numbers.TryGetValue(name, out List<double>? values)) throw new DataFileException(sourceName, name, null, "was not read; it is not a column of the design.");
            List<string?> texts = text[name];
            // A text column's numbers are parsed as the other readers parse them; a numeric column's are its values.
            return i => double.IsNaN(values[i]) && texts[i] is string t ? ScreenRows.ParseNumber(t) : values[i];
        }
        return new ScreenRows(sourceName, n, i => $"row {i}", column => column, Text, Number, matrix, variables).ToDataset(design);
    }

    private static bool IsReadable(Type type) => type == typeof(float) || type == typeof(double) || type == typeof(int) || type == typeof(long)
        || type == typeof(short) || type == typeof(sbyte) || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(byte);

    /// <summary>
    /// One column's value at the cursor as text (invariant, as the CSV, AnnData and DataFrame readers write it: 0.1f is
    /// "0.1"; null when missing — empty text, or NaN, ML.NET's missing number) and as a number (NaN when not one).
    /// </summary>
    private static Func<(string? Text, double Number)> Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case TextDataViewType:
            {
                var get = cursor.GetGetter<ReadOnlyMemory<char>>(column);
                ReadOnlyMemory<char> value = default;
                return () =>
                {
                    get(ref value);
                    return value.IsEmpty ? (null, double.NaN) : (value.ToString(), double.NaN);
                };
            }
            case BooleanDataViewType:
            {
                var get = cursor.GetGetter<bool>(column);
                bool value = default;
                return () =>
                {
                    get(ref value);
                    return (value ? "True" : "False", value ? 1 : 0);
                };
            }
        }
        Type raw = column.Type.RawType;
        if (raw == typeof(float)) return Numeric<float>(cursor, column, v => v);
        if (raw == typeof(double)) return Numeric<double>(cursor, column, v => v);
        if (raw == typeof(int)) return Numeric<int>(cursor, column, v => v);
        if (raw == typeof(long)) return Numeric<long>(cursor, column, v => v);
        if (raw == typeof(short)) return Numeric<short>(cursor, column, v => v);
        if (raw == typeof(sbyte)) return Numeric<sbyte>(cursor, column, v => v);
        if (raw == typeof(uint)) return Numeric<uint>(cursor, column, v => v);
        if (raw == typeof(ulong)) return Numeric<ulong>(cursor, column, v => v);
        if (raw == typeof(ushort)) return Numeric<ushort>(cursor, column, v => v);
        return Numeric<byte>(cursor, column, v => v);

        static Func<(string?, double)> Numeric<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, double> convert) where T : IFormattable
        {
            var get = cursor.GetGetter<T>(column);
            T value = default!;
            return () =>
            {
                get(ref value);
                double x = convert(value);
                return double.IsNaN(x) ? (null, x) : (value.ToString(null, CultureInfo.InvariantCulture), x);
            };
        }
    }
}
