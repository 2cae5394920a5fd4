using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace Gim.MLNet;

/// <summary>
/// Walks the input with a cursor running ahead that gathers the graph's inputs for the next block of rows, runs the
/// graph once on the block and serves its outputs row by row; a second input cursor, in step with this one, serves
/// the columns passed through (only when one of them is requested, or when no output is).
/// </summary>
internal sealed class BatchedOnnxCursor : DataViewRowCursor
{
    private readonly BatchedOnnxDataView _view;
    // Only when an input column is active, or no output column is.
    private readonly DataViewRowCursor? _main;
    private readonly ValueGetter<DataViewRowId>? _mainId;

    // Only when an output column is active.
    private readonly DataViewRowCursor? _ahead;
    private readonly ValueGetter<DataViewRowId>? _aheadId;
    private readonly ValueGetter<VBuffer<float>>[] _inputGetters = [];
    private readonly float[][] _inputBlocks = [];
    private readonly string[] _inputNames = [];
    private readonly string[] _activeOutputNames = [];
    private readonly int[] _resultOfOutput = [];
    private readonly DataViewRowId[] _blockIds = [];

    private readonly float[][] _outputBlocks = [];
    private readonly RunOptions _runOptions = new();
    private VBuffer<float> _scratch;
    private int _blockRows;
    private int _rowInBlock;
    private long _blockStart;
    private long _position = -1;
    private bool _rowReady;
    private bool _done;
    private bool _faulted;
    private bool _disposed;

    public BatchedOnnxCursor(BatchedOnnxDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        _view = view;
        DataViewSchema input = view.Input.Schema;
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        DataViewSchema.Column[] passThrough = input.Where(c => needed.Contains(c.Index)).ToArray();
        int[] activeOutputs = view.Plan.OutputOfColumn.Where(kv => needed.Contains(kv.Key)).Select(kv => kv.Value).Distinct().Order().ToArray();
        if (passThrough.Length > 0 || activeOutputs.Length == 0)
            _main = view.Input.GetRowCursor(passThrough);
        if (activeOutputs.Length == 0) return;

        try
        {
            OnnxGraphSignature signature = view.Transformer.Signature;
            _activeOutputNames = activeOutputs.Select(o => signature.Outputs[o]).ToArray();
            _resultOfOutput = Enumerable.Repeat(-1, signature.Outputs.Count).ToArray();
            for (int r = 0; r < activeOutputs.Length; r++) _resultOfOutput[activeOutputs[r]] = r;

            int rows = view.Transformer.RowsPerBatch;
            _ahead = view.Input.GetRowCursor(view.Plan.InputColumns.Select(i => input[i]));
            _aheadId = _ahead.GetIdGetter();
            _mainId = _main?.GetIdGetter();
            _inputNames = signature.Inputs.Select(i => i.Name).ToArray();
            _inputGetters = view.Plan.InputColumns.Select(i => _ahead.GetGetter<VBuffer<float>>(_ahead.Schema[i])).ToArray();
            _inputBlocks = signature.Inputs.Select(i => new float[rows * i.Width]).ToArray();
            _blockIds = new DataViewRowId[rows];
            _outputBlocks = _activeOutputNames.Select(_ => new float[rows * signature.OutputWidth]).ToArray();
        }
        catch
        {
            _ahead?.Dispose();
            _main?.Dispose();
            _runOptions.Dispose();
            throw;
        }
    }

    public override DataViewSchema Schema => _view.Schema;

    public override long Position => _main?.Position ?? _position;

    public override long Batch => _main?.Batch ?? 0;

    public override ValueGetter<DataViewRowId> GetIdGetter()
    {
        if (_main is not null) return _main.GetIdGetter();
        return (ref DataViewRowId id) =>
        {
            if (!_rowReady) throw new InvalidOperationException("No current row (call MoveNext first, and only while it returns true).");
            id = _blockIds[_rowInBlock];
        };
    }

    public override bool IsColumnActive(DataViewSchema.Column column)
    {
        if (column.Index < _view.Input.Schema.Count) return _main is not null && _main.IsColumnActive(_main.Schema[column.Index]);
        return _view.Plan.OutputOfColumn.TryGetValue(column.Index, out int output) && _resultOfOutput.Length > 0 && _resultOfOutput[output] >= 0;
    }

    public override bool MoveNext()
    {
        _rowReady = false;
        if (_faulted)
            throw new InvalidOperationException("This cursor failed on an earlier row (see the exception thrown then); create a new cursor to read the view again.");
        if (_done || _disposed) return false;
        try
        {
            return Advance();
        }
        catch
        {
            // A half-filled block must never be served: the cursor is unusable after any failure.
            _faulted = true;
            throw;
        }
    }

    private bool Advance()
    {
        if (_main is not null && !_main.MoveNext())
        {
            if (_ahead is not null && (_rowInBlock + 1 < _blockRows || _ahead.MoveNext()))
                throw Misaligned("gave more rows to the cursor that feeds the model than to the one that passes columns through");
            return Finish();
        }
        if (_ahead is null) return true;

        _rowInBlock++;
        if (_rowInBlock >= _blockRows && !FillBlock()) return Finish();
        _position++;
        if (_main is not null)
        {
            DataViewRowId id = default;
            _mainId!(ref id);
            if (!id.Equals(_blockIds[_rowInBlock]))
                throw Misaligned("gave its rows in a different order to two cursors");
        }
        _rowReady = true;
        return true;
    }

    private InvalidOperationException Misaligned(string what) => new(
        $"Row {Position}: the input view {what}. Batched prediction reads the input with two cursors in step, and IDataView " +
        "asks every unshuffled cursor to see the same rows. Cache the input first (mlContext.Data.Cache), or predict row by " +
        "row with the transformer's RowByRowTransformer.");

    private bool Finish()
    {
        _done = true;
        _position = -1;
        return false;
    }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < _view.Input.Schema.Count)
        {
            if (_main is null || !_main.IsColumnActive(_main.Schema[column.Index]))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created; ask for it in GetRowCursor's columns.");
            return _main.GetGetter<TValue>(_main.Schema[column.Index]);
        }
        if (!_view.Plan.OutputOfColumn.TryGetValue(column.Index, out int output) || _resultOfOutput.Length == 0 || _resultOfOutput[output] < 0)
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created; ask for it in GetRowCursor's columns.");
        if (typeof(TValue) != typeof(VBuffer<float>))
            throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}; a getter of {typeof(TValue).Name} was requested (use VBuffer<float>).");
        int result = _resultOfOutput[output];
        int width = _view.Transformer.Signature.OutputWidth;
        ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
        {
            if (!_rowReady) throw new InvalidOperationException($"Column '{column.Name}': no current row (call MoveNext first, and only while it returns true).");
            ReadOnlySpan<float> row = _outputBlocks[result].AsSpan(_rowInBlock * width, width);
            var editor = VBufferEditor.Create(ref value, width);
            row.CopyTo(editor.Values);
            value = editor.Commit();
        };
        return (ValueGetter<TValue>)(Delegate)getter;
    }

    /// <summary>Gathers the next block's inputs from the cursor running ahead and runs the graph on them; false at the end of the input.</summary>
    private bool FillBlock()
    {
        _blockStart += _blockRows;
        OnnxGraphSignature signature = _view.Transformer.Signature;
        int rows = 0;
        while (rows < _blockIds.Length && _ahead!.MoveNext())
        {
            for (int k = 0; k < _inputGetters.Length; k++)
                ReadInput(k, rows, signature.Inputs[k]);
            _aheadId!(ref _blockIds[rows]);
            rows++;
        }
        if (rows == 0 && _main is not null)
            throw Misaligned("gave fewer rows to the cursor that feeds the model than to the one that passes columns through");
        _blockRows = rows;
        _rowInBlock = 0;
        if (rows == 0) return false;
        Run(rows);
        return true;
    }

    private void ReadInput(int k, int row, (string Name, int Width) input)
    {
        _inputGetters[k](ref _scratch);
        Span<float> destination = _inputBlocks[k].AsSpan(row * input.Width, input.Width);
        if (_scratch.Length != input.Width)
            throw new InvalidOperationException($"Column '{input.Name}', row {_blockStart + row}: a vector of {_scratch.Length} values; the model expects {input.Width}.");
        if (_scratch.IsDense)
        {
            _scratch.GetValues().CopyTo(destination);
        }
        else
        {
            destination.Clear();
            ReadOnlySpan<int> indices = _scratch.GetIndices();
            ReadOnlySpan<float> values = _scratch.GetValues();
            for (int i = 0; i < indices.Length; i++) destination[indices[i]] = values[i];
        }
    }

    /// <summary>Runs the graph on the block's first <paramref name="rows"/> rows, writing the outputs straight into the output blocks.</summary>
    private void Run(int rows)
    {
        OnnxGraphSignature signature = _view.Transformer.Signature;
        var inputs = new OrtValue?[signature.Inputs.Count];
        var outputs = new OrtValue?[_outputBlocks.Length];
        try
        {
            for (int k = 0; k < inputs.Length; k++)
            {
                int width = signature.Inputs[k].Width;
                inputs[k] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _inputBlocks[k].AsMemory(0, rows * width), new long[] { rows, width });
            }
            int values = rows * signature.OutputWidth;
            for (int o = 0; o < outputs.Length; o++)
                outputs[o] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _outputBlocks[o].AsMemory(0, values), new long[] { values });
            _view.Transformer.Run(_runOptions, _inputNames, inputs!, _activeOutputNames, outputs!);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"ONNX Runtime failed on input rows {_blockStart}–{_blockStart + rows - 1}: {e.Message}", e);
        }
        finally
        {
            foreach (OrtValue? value in inputs) value?.Dispose();
            foreach (OrtValue? value in outputs) value?.Dispose();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _rowReady = false;
            _ahead?.Dispose();
            _main?.Dispose();
            _runOptions.Dispose();
        }
        base.Dispose(disposing);
    }
}
