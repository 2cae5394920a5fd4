using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>The lazily transformed view: the input's columns plus the graph's outputs, computed a block at a time.</summary>
internal sealed class BatchedOnnxDataView(BatchedOnnxTransformer transformer, IDataView input, DataViewSchema schema, BatchPlan plan) : IDataView
{
    public BatchedOnnxTransformer Transformer { get; } = transformer;

    public IDataView Input { get; } = input;

    public BatchPlan Plan { get; } = plan;

    public DataViewSchema Schema { get; } = schema;

    // Shuffling would need both input cursors to shuffle alike, which a shared Random cannot promise.
    public bool CanShuffle => false;

    public long? GetRowCount() => Input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        Transformer.ThrowIfDisposed();
        return new BatchedOnnxCursor(this, columnsNeeded);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}
