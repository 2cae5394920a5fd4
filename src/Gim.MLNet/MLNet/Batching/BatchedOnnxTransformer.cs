using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace Gim.MLNet;

/// <summary>
/// Runs an exported graph on blocks of rows: one ONNX Runtime call per <see cref="RowsPerBatch"/> rows instead of
/// ML.NET's one call per row, which costs more than the arithmetic for small models (tens of microseconds per call).
/// Saving, the schema and single-row mapping (PredictionEngine) are ML.NET's <c>OnnxTransformer</c>'s, so the model
/// file stays an ordinary ML.NET file that <c>mlContext.Model.Load</c> reads without this library.
/// </summary>
/// <remarks>
/// <para>Every GIM and peer transformer predicts through this type; <see cref="ModelFileExtensions.LoadModel(ModelOperationsCatalog, string, out DataViewSchema)"/>
/// puts it back in front of the ONNX steps of a loaded pipeline (plain <c>mlContext.Model.Load</c> gives ML.NET's row-by-row step).</para>
/// <para>The transformed view reads its input twice, in step: one cursor for the columns passed through and one
/// running ahead to fill the next block. An input view must therefore give the same rows to every cursor, as the
/// IDataView contract asks: different row ids or row counts are reported; a one-shot source with positional ids
/// that gives different values cannot be detected (cache it first).</para>
/// <para>Values are those of the row-by-row path; random draws (the Sample column) come from the same seeded stream
/// but are dealt out in blocks, so a given row's draw differs from the row-by-row path's while its distribution is the same.</para>
/// </remarks>
public sealed class BatchedOnnxTransformer : ITransformer, IDisposable
{
    /// <summary>Values per output block that the default batch size aims at (about 1 MB of float32 per output).</summary>
    private const int TargetValuesPerBlock = 1 << 18;

    /// <summary>
    /// Below this many variables a block is too small to share between threads: ONNX Runtime's default pool then
    /// costs more in hand-offs than it saves (measured, d = 20: 1.8 M samples/s on the default pool, 2.9 M on one thread).
    /// </summary>
    private const int SingleThreadBelowWidth = 256;

    private readonly ITransformer _rowByRow;
    private readonly object _gate = new();
    private int _runsInFlight;
    private bool _disposed;

    private BatchedOnnxTransformer(ITransformer rowByRow, InferenceSession session, OnnxGraphSignature signature, int rowsPerBatch)
    {
        _rowByRow = rowByRow;
        Session = session;
        Signature = signature;
        RowsPerBatch = rowsPerBatch;
    }

    /// <summary>
    /// Wraps <paramref name="rowByRow"/> (ML.NET's transformer for <paramref name="onnxModel"/>), or returns null when
    /// the graph is not one this library exported with flattened outputs.
    /// </summary>
    internal static BatchedOnnxTransformer? TryCreate(ITransformer rowByRow, byte[] onnxModel, int? rowsPerBatch = null)
    {
        OnnxGraphSignature? signature = OnnxGraphSignature.TryRead(onnxModel);
        if (signature is null) return null;
        int rows = rowsPerBatch ?? Math.Clamp(TargetValuesPerBlock / signature.Widest, 16, 4096);
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rowsPerBatch), rowsPerBatch, "Rows per batch must be at least 1.");
        using var options = new SessionOptions { IntraOpNumThreads = signature.Widest < SingleThreadBelowWidth ? 1 : 0 };
        var session = new InferenceSession(onnxModel, options);
        return new BatchedOnnxTransformer(rowByRow, session, signature, rows);
    }

    /// <summary>Rows predicted per ONNX Runtime call (by default about 2¹⁸ values per output, between 16 and 4,096 rows).</summary>
    public int RowsPerBatch { get; }

    /// <summary>ML.NET's row-by-row ONNX transformer: what is saved, and what single-row mapping uses.</summary>
    public ITransformer RowByRowTransformer => _rowByRow;

    private InferenceSession Session { get; }

    internal OnnxGraphSignature Signature { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => _rowByRow.IsRowToRowMapper;

    /// <summary>ML.NET's output schema, with the variable names as slot names of every prediction column.</summary>
    /// <param name="inputSchema">The schema of the data to transform.</param>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return Plan(inputSchema).Output;
    }

    /// <summary>ML.NET's row-by-row mapper (PredictionEngine predicts one row at a time anyway).</summary>
    /// <param name="inputSchema">The schema of the rows to map.</param>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _rowByRow.GetRowToRowMapper(inputSchema);

    /// <summary>Adds the prediction columns, computed lazily a block of rows at a time.</summary>
    /// <param name="input">Rows with the graph's input columns.</param>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (output, plan) = Plan(input.Schema);
        return plan is null ? _rowByRow.Transform(input) : new BatchedOnnxDataView(this, input, output, plan);
    }

    /// <summary>
    /// The output schema for <paramref name="input"/> and how the graph maps onto it: ML.NET's schema with slot names
    /// when the graph lines up with the input (then the batched view serves exactly it), ML.NET's own otherwise.
    /// </summary>
    private (DataViewSchema Output, BatchPlan? Plan) Plan(DataViewSchema input)
    {
        CheckInputs(input);
        DataViewSchema output = _rowByRow.GetOutputSchema(input);
        BatchPlan? plan = BatchPlan.TryCreate(input, output, Signature);
        return plan is null ? (output, null) : (WithSlotNames(output, plan), plan);
    }

    /// <summary>
    /// A graph input column of the wrong type fails here, naming the column, rather than when ML.NET's ONNX step
    /// reads the first row ("Input shape mismatch"). A missing column is left to ML.NET's own check.
    /// </summary>
    private void CheckInputs(DataViewSchema schema)
    {
        foreach ((string name, int width) in Signature.Inputs)
        {
            if (schema.GetColumnOrNull(name) is not { } column) continue;
            if (!FloatVector.Is(column.Type, width))
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"Column '{name}': expected a vector of {width} Single (float) values, as in training; found {column.Type}.");
        }
    }

    /// <summary>
    /// ML.NET's ONNX step names no slots; the graph knows its variables, so every prediction column gets them as
    /// slot names (what ML.NET's own trainers give vector outputs, and what SaveAsText and DataFrames show).
    /// </summary>
    private DataViewSchema WithSlotNames(DataViewSchema schema, BatchPlan plan)
    {
        var builder = new DataViewSchema.Builder();
        ReadOnlyMemory<char>[] names = Signature.VariableNames.Select(n => n.AsMemory()).ToArray();
        foreach (DataViewSchema.Column column in schema)
        {
            if (!plan.OutputOfColumn.ContainsKey(column.Index))
            {
                builder.AddColumn(column.Name, column.Type, column.Annotations);
                continue;
            }
            var annotations = new DataViewSchema.Annotations.Builder();
            annotations.Add(column.Annotations, _ => true);
            annotations.Add<VBuffer<ReadOnlyMemory<char>>>("SlotNames", new VectorDataViewType(TextDataViewType.Instance, names.Length),
                (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(names.Length, (ReadOnlyMemory<char>[])names.Clone()));
            builder.AddColumn(column.Name, column.Type, annotations.ToAnnotations());
        }
        return builder.ToSchema();
    }

    /// <summary>Saves ML.NET's ONNX transformer, so the file loads with ML.NET alone.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _rowByRow.Save(ctx);

    /// <summary>
    /// Releases both ONNX Runtime sessions. Cursors still open on a transformed view then throw
    /// <see cref="ObjectDisposedException"/> at their next block; a block being computed finishes first.
    /// </summary>
    public void Dispose()
    {
        bool wasDisposed;
        lock (_gate) wasDisposed = _disposed;
        if (wasDisposed) return;
        DisposeSessionOnly();
        (_rowByRow as IDisposable)?.Dispose();
    }

    /// <summary>Releases the batched session only, leaving the wrapped row-by-row step to its owner.</summary>
    internal void DisposeSessionOnly()
    {
        // ONNX Runtime does not guard a disposed session: never release it under a running block.
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (_runsInFlight == 0) Session.Dispose();
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>One block through the session; safe against a concurrent <see cref="Dispose"/>.</summary>
    internal void Run(RunOptions options, IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs,
        IReadOnlyCollection<string> outputNames, IReadOnlyCollection<OrtValue> outputs)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _runsInFlight++;
        }
        try
        {
            Session.Run(options, inputNames, inputs, outputNames, outputs);
        }
        finally
        {
            lock (_gate)
            {
                if (--_runsInFlight == 0 && _disposed) Session.Dispose();
            }
        }
    }
}
