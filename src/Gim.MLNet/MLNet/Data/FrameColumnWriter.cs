using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>Copies one IDataView column into one or more DataFrame columns, row by row.</summary>
internal sealed class FrameColumnWriter
{
    private readonly Func<DataViewRowCursor, Action> _bind;

    private FrameColumnWriter(IReadOnlyList<DataFrameColumn> columns, Func<DataViewRowCursor, Action> bind)
    {
        Columns = columns;
        _bind = bind;
    }

    public IReadOnlyList<DataFrameColumn> Columns { get; }

    public Action Bind(DataViewRowCursor cursor) => _bind(cursor);

    public static bool IsSupported(DataViewType type) => type switch
    {
        VectorDataViewType v => v.IsKnownSize && v.ItemType == NumberDataViewType.Single,
        KeyDataViewType => true,
        TextDataViewType or BooleanDataViewType => true,
        NumberDataViewType n => n == NumberDataViewType.Single || n == NumberDataViewType.Double || n == NumberDataViewType.Int32 || n == NumberDataViewType.Int64,
        _ => false,
    };

    public static FrameColumnWriter Create(DataViewSchema.Column column, IReadOnlyList<string>? slotNames)
    {
        DataViewType type = column.Type;
        if (!IsSupported(type))
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}': type {type} cannot be copied into a DataFrame; supported are known-size vectors of Single and scalar Single, Double, Int32, Int64, Boolean, Text and key columns.");
        if (type is VectorDataViewType vector)
        {
            string[] names = SlotNames(column, vector.Size, slotNames);
            var frameColumns = names.Select(n => new PrimitiveDataFrameColumn<float>($"{column.Name}.{n}")).ToArray();
            return new FrameColumnWriter(frameColumns, cursor =>
            {
                var get = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> buffer = default;
                return () =>
                {
                    get(ref buffer);
                    int j = 0;
                    foreach (float v in buffer.DenseValues()) frameColumns[j++].Append(v);
                };
            });
        }
        if (type is KeyDataViewType || type is TextDataViewType)
        {
            var text = new StringDataFrameColumn(column.Name);
            return new FrameColumnWriter(new DataFrameColumn[] { text }, cursor =>
            {
                Func<long, string> get = ContextReader.Create(cursor, column);
                long row = 0;
                return () => text.Append(get(row++));
            });
        }
        if (type == BooleanDataViewType.Instance) return Scalar<bool>(column);
        if (type == NumberDataViewType.Single) return Scalar<float>(column);
        if (type == NumberDataViewType.Double) return Scalar<double>(column);
        if (type == NumberDataViewType.Int32) return Scalar<int>(column);
        return Scalar<long>(column);
    }

    private static FrameColumnWriter Scalar<T>(DataViewSchema.Column column) where T : unmanaged
    {
        var frameColumn = new PrimitiveDataFrameColumn<T>(column.Name);
        return new FrameColumnWriter(new DataFrameColumn[] { frameColumn }, cursor =>
        {
            var get = cursor.GetGetter<T>(column);
            T value = default;
            return () =>
            {
                get(ref value);
                frameColumn.Append(value);
            };
        });
    }

    private static string[] SlotNames(DataViewSchema.Column column, int size, IReadOnlyList<string>? given)
    {
        if (given is not null && given.Count == size) return given.ToArray();
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is not null)
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            column.Annotations.GetValue("SlotNames", ref names);
            string[] result = names.DenseValues().Select(n => n.ToString()).ToArray();
            if (result.Length == size && result.All(n => n.Length > 0)) return result;
        }
        return Enumerable.Range(0, size).Select(j => j.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
