using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>
/// A read-only <see cref="IDataView"/> over columns already in memory. The loaders need one because
/// their columns are only known at run time (obs columns, variable counts), which rules out
/// <c>LoadFromEnumerable</c> over a static class, and a <c>DataFrame</c> cannot hold the known-size
/// vector columns (Features, Measurements) the GIM estimator reads.
/// </summary>
internal sealed class InMemoryDataView : IDataView
{
    private readonly IReadOnlyList<InMemoryColumn> _columns;
    private readonly long _rowCount;

    internal InMemoryDataView(IReadOnlyList<InMemoryColumn> columns, long rowCount)
    {
        _columns = columns;
        _rowCount = rowCount;
        var builder = new DataViewSchema.Builder();
        foreach (InMemoryColumn column in columns)
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly InMemoryDataView _view;
        private readonly HashSet<int> _active;
        private long _position = -1;

        public Cursor(InMemoryDataView view, HashSet<int> active)
        {
            _view = view;
            _active = active;
        }

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => _view.Schema;

        public override bool MoveNext()
        {
            if (_position + 1 >= _view._rowCount)
            {
                _position = _view._rowCount;
                return false;
            }
            _position++;
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            Delegate getter = _view._columns[column.Index].MakeGetter(() => _position);
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
                $"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);
    }
}
