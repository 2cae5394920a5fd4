using Gim.MLNet.Runtime;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>
/// A fitted perturbation model in an ML.NET pipeline whose prediction runs the graph exported from the model
/// (GIM and its peers alike) in ONNX Runtime, a block of rows per call (<see cref="BatchedOnnxTransformer"/>).
/// Schema, single-row mapping and saving are ML.NET's ONNX transformer's; subclasses add typed accessors and
/// check their own input columns first.
/// </summary>
/// <remarks>
/// <c>mlContext.Model.Save</c> writes the ONNX transformer (ML.NET's model-file format is closed to third-party
/// types), so <c>mlContext.Model.Load</c> returns a pipeline that predicts identically with ONNX Runtime
/// only, but whose last step is ML.NET's <c>OnnxTransformer</c> (one ONNX Runtime call per row), not this type;
/// <see cref="ModelFileExtensions.LoadModel(ModelOperationsCatalog, string, out DataViewSchema)"/> gives the same
/// pipeline with batched prediction.
/// </remarks>
public abstract class OnnxBackedTransformer : ITransformer, IDisposable
{
    private readonly BatchedOnnxTransformer _onnx;
    private readonly OnnxGraphFile _graphFile;
    private readonly byte[] _onnxModel;
    private bool _disposed;

    private protected OnnxBackedTransformer(OnnxStep onnx, byte[] onnxModel)
    {
        try
        {
            _onnx = BatchedOnnxTransformer.TryCreate(onnx.RowByRow, onnxModel)
                ?? throw new InvalidOperationException("The exported ONNX graph lacks the signature batched prediction needs (flattened float outputs); this is a bug in the exporter.");
        }
        catch
        {
            onnx.Dispose();
            throw;
        }
        _graphFile = onnx.GraphFile;
        _onnxModel = onnxModel;
    }

    /// <summary>ML.NET's row-by-row ONNX step and the temporary file it reads the graph from.</summary>
    internal sealed record OnnxStep(ITransformer RowByRow, OnnxGraphFile GraphFile) : IDisposable
    {
        public void Dispose()
        {
            (RowByRow as IDisposable)?.Dispose();
            GraphFile.Dispose();
        }
    }

    /// <summary>
    /// ML.NET's ONNX transformer for <paramref name="onnxModel"/>: inputs bound to columns by name, every output
    /// declared a plain vector of <paramref name="width"/> values (the graph must flatten its outputs).
    /// </summary>
    internal static OnnxStep ApplyOnnx(MLContext mlContext, IDataView trainingData, byte[] onnxModel, string[] inputs,
        IReadOnlyList<string> outputs, int width)
    {
        // ML.NET runs one row at a time and would type [N, d] outputs as Vector<Single, 1, d>; the flattened
        // outputs declared [d] are ordinary vector columns (Vector<Single, d>); the shapes are saved with the model.
        var shapes = outputs.ToDictionary(name => name, _ => new[] { width });
        OnnxGraphFile file = OnnxGraphFile.Write(mlContext.TempFilePath ?? Path.GetTempPath(), onnxModel);
        try
        {
            var estimator = mlContext.Transforms.ApplyOnnxModel(outputs.ToArray(), inputs, file.Path, shapes, gpuDeviceId: null, fallbackToCpu: false);
            // The ONNX estimator learns nothing: fitting only checks that its input columns exist.
            return new OnnxStep(estimator.Fit(trainingData), file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A copy of the exported ONNX model that this transformer runs.</summary>
    public byte[] GetOnnxModel() => (byte[])_onnxModel.Clone();

    /// <summary>Writes the exported ONNX model to a file, atomically (temporary file, then rename).</summary>
    /// <param name="path">Destination file.</param>
    public void SaveOnnx(string path) => AtomicFile.Write(path, s => s.Write(_onnxModel));

    /// <inheritdoc />
    public bool IsRowToRowMapper => _onnx.IsRowToRowMapper;

    /// <summary>Checks the input columns, then gives the ONNX transformer's output schema.</summary>
    /// <param name="inputSchema">The schema of the data to transform.</param>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        Check(inputSchema);
        return _onnx.GetOutputSchema(inputSchema);
    }

    /// <summary>Checks the input columns, then gives the ONNX transformer's row mapper (used by PredictionEngine).</summary>
    /// <param name="inputSchema">The schema of the rows to map.</param>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        Check(inputSchema);
        return _onnx.GetRowToRowMapper(inputSchema);
    }

    /// <summary>Rows predicted per ONNX Runtime call by <see cref="Transform"/>.</summary>
    public int RowsPerBatch => _onnx.RowsPerBatch;

    /// <summary>Adds the prediction columns (lazily, as ML.NET transforms do, a block of rows per ONNX Runtime call).</summary>
    /// <param name="input">Rows with the features column (and whatever else the model reads).</param>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Check(input.Schema);
        return _onnx.Transform(input);
    }

    /// <summary>Saves the inner ONNX transformer: what ML.NET's model files can hold (see remarks).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        // ML.NET reads the graph back from the file that Dispose deleted: say what is wrong instead.
        ObjectDisposedException.ThrowIf(_disposed, this);
        ((ICanSaveModel)_onnx).Save(ctx);
    }

    /// <summary>Releases the ONNX Runtime session and the in-process model.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        (_onnx as IDisposable)?.Dispose();
        _graphFile.Dispose();
        DisposeModel();
        GC.SuppressFinalize(this);
    }

    /// <summary>Checks the columns the model reads at prediction time; throws naming the column and the type it must have.</summary>
    private protected abstract void CheckInput(DataViewSchema schema);

    /// <summary>Releases the in-process model.</summary>
    private protected abstract void DisposeModel();

    /// <summary>Throws unless <paramref name="name"/> is a vector of <paramref name="size"/> Single values.</summary>
    private protected static void CheckVector(DataViewSchema schema, string name, string role, int size, string unit)
    {
        DataViewSchema.Column? column = schema.GetColumnOrNull(name);
        if (column is null)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{name}' ({role}) was not found in the input; expected a vector of {size} Single (float) values ({unit}). Available columns: {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
        if (!FloatVector.Is(column.Value.Type, size))
            throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{name}' ({role}): expected a vector of {size} Single (float) values ({unit}, as in training); found {column.Value.Type}.");
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the transformer is disposed.</summary>
    private protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void Check(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckInput(schema);
    }
}
