using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>
/// The rows of a data view whose context is in a given set, lazily. ML.NET's own filters work on numeric ranges or
/// on hashed keys (TrainTestSplit's sampling key, whose fraction is only approximate and which could put the control
/// context in validation), not on a chosen set of key, text or integer values, hence this small view.
/// </summary>
internal sealed class ContextFilterView : IDataView
{
    private readonly IDataView _source;
    private readonly DataViewSchema.Column _context;
    private readonly HashSet<string> _keep;

    public ContextFilterView(IDataView source, DataViewSchema.Column context, IEnumerable<string> keep)
    {
        _source = source;
        _context = context;
        _keep = new HashSet<string>(keep, StringComparer.Ordinal);
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _source.Schema;

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Append(_context).GroupBy(c => c.Index).Select(g => g.First()).ToList();
        return new Cursor(_source.GetRowCursor(needed), _context, _keep);
    }

    // One cursor: the filter is cheap next to whatever consumes it, and a single cursor keeps row order.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _inner;
        private readonly Func<long, string> _getContext;
        private readonly HashSet<string> _keep;
        private long _position = -1, _sourceRow;

        public Cursor(DataViewRowCursor inner, DataViewSchema.Column context, HashSet<string> keep)
        {
            _inner = inner;
            _getContext = ContextReader.Create(inner, context);
            _keep = keep;
        }

        public override DataViewSchema Schema => _inner.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _inner.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _inner.GetGetter<TValue>(column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => _inner.GetIdGetter();

        public override bool MoveNext()
        {
            while (_inner.MoveNext())
            {
                if (!_keep.Contains(_getContext(_sourceRow++))) continue;
                _position++;
                return true;
            }
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
