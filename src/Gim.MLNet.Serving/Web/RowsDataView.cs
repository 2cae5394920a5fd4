using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Serving.Web;

/// <summary>
/// A request's rows as an ML.NET data view: one column per input the pipeline needs, values already checked against
/// the column types (Single, Double, Int32, Int64, Boolean, Text scalars; Single or Double vectors of known size).
/// </summary>
internal sealed class RowsDataView : IDataView
{
    private readonly IReadOnlyList<object[]> _rows;

    public RowsDataView(IReadOnlyList<InputColumn> columns, IReadOnlyList<object[]> rows)
    {
        var builder = new DataViewSchema.Builder();
        foreach (InputColumn column in columns) builder.AddColumn(column.Name, column.Type);
        Schema = builder.ToSchema();
        _rows = rows;
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _rows.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => new[] { new Cursor(this) };

    private sealed class Cursor(RowsDataView parent) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext() => ++_position < parent._rows.Count;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int index = column.Index;
            object Current() => parent._rows[(int)_position][index];
            Delegate getter = column.Type switch
            {
                VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Single =>
                    (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) => v = Copy((float[])Current())),
                VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Double =>
                    (ValueGetter<VBuffer<double>>)((ref VBuffer<double> v) => v = Copy((double[])Current())),
                TextDataViewType => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = ((string)Current()).AsMemory()),
                BooleanDataViewType => (ValueGetter<bool>)((ref bool v) => v = (bool)Current()),
                _ when column.Type == NumberDataViewType.Single => (ValueGetter<float>)((ref float v) => v = (float)Current()),
                _ when column.Type == NumberDataViewType.Double => (ValueGetter<double>)((ref double v) => v = (double)Current()),
                _ when column.Type == NumberDataViewType.Int32 => (ValueGetter<int>)((ref int v) => v = (int)Current()),
                _ when column.Type == NumberDataViewType.Int64 => (ValueGetter<long>)((ref long v) => v = (long)Current()),
                _ => throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}, which requests cannot carry."),
            };
            // A copy per call: a downstream step may reuse the buffer it is handed.
            static VBuffer<T> Copy<T>(T[] values) => new(values.Length, (T[])values.Clone());
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}; asked for {typeof(TValue).Name}.");
        }
    }
}
