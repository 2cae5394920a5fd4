using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>The lazily transformed view: the input's columns plus the graph's outputs, computed a block at a time.</summary>
internal sealed class BatchedOnnxDataView : IDataView
{
    public BatchedOnnxDataView(BatchedOnnxTransformer transformer, IDataView input, DataViewSchema schema, BatchPlan plan)
    {
        Transformer = transformer;
        Input = input;
        Schema = schema;
        Plan = plan;
    }

    public BatchedOnnxTransformer Transformer { get; }

    public IDataView Input { get; }

    public BatchPlan Plan { get; }

    public DataViewSchema Schema { get; }

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
