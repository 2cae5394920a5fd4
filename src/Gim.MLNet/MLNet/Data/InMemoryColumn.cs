using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>One column of an <see cref="InMemoryDataView"/>: its schema entry and how to read a row.</summary>
internal abstract class InMemoryColumn
{
    protected InMemoryColumn(string name, DataViewType type, DataViewSchema.Annotations? annotations = null)
    {
        Name = name;
        Type = type;
        Annotations = annotations;
    }

    public string Name { get; }

    public DataViewType Type { get; }

    public DataViewSchema.Annotations? Annotations { get; }

    /// <summary>A <see cref="ValueGetter{TValue}"/> of the column's raw type, reading the row at <paramref name="position"/>.</summary>
    public abstract Delegate MakeGetter(Func<long> position);

    /// <summary>A scalar column (float, double, long, int, bool).</summary>
    public static InMemoryColumn Scalar<T>(string name, PrimitiveDataViewType type, T[] values) => new ScalarColumn<T>(name, type, values);

    /// <summary>A text column; null values read as empty text.</summary>
    public static InMemoryColumn Text(string name, IReadOnlyList<string?> values) => new TextColumn(name, values);

    /// <summary>A known-size float vector column, one matrix row per data-view row, with slot names.</summary>
    public static InMemoryColumn Vector(string name, float[,] rows, IReadOnlyList<string> slotNames) => new VectorColumn(name, rows, slotNames);

    private sealed class ScalarColumn<T>(string name, PrimitiveDataViewType type, T[] values) : InMemoryColumn(name, type)
    {
        public override Delegate MakeGetter(Func<long> position) =>
            (ValueGetter<T>)((ref T value) => value = values[position()]);
    }

    private sealed class TextColumn(string name, IReadOnlyList<string?> values) : InMemoryColumn(name, TextDataViewType.Instance)
    {
        public override Delegate MakeGetter(Func<long> position) =>
            (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = (values[(int)position()] ?? "").AsMemory());
    }

    private sealed class VectorColumn : InMemoryColumn
    {
        private readonly float[,] _rows;

        public VectorColumn(string name, float[,] rows, IReadOnlyList<string> slotNames)
            : base(name, new VectorDataViewType(NumberDataViewType.Single, rows.GetLength(1)), SlotNames(slotNames))
        {
            _rows = rows;
        }

        public override Delegate MakeGetter(Func<long> position) =>
            (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                int width = _rows.GetLength(1);
                long row = position();
                VBufferEditor<float> editor = VBufferEditor.Create(ref value, width);
                for (int j = 0; j < width; j++)
                    editor.Values[j] = _rows[row, j];
                value = editor.Commit();
            });

        private static DataViewSchema.Annotations SlotNames(IReadOnlyList<string> names)
        {
            var builder = new DataViewSchema.Annotations.Builder();
            var buffer = new VBuffer<ReadOnlyMemory<char>>(names.Count, names.Select(n => n.AsMemory()).ToArray());
            // "SlotNames" is ML.NET's annotation kind for vector slot names (its helper is internal).
            builder.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, names.Count),
                (ref VBuffer<ReadOnlyMemory<char>> value) => buffer.CopyTo(ref value));
            return builder.ToAnnotations();
        }
    }
}
