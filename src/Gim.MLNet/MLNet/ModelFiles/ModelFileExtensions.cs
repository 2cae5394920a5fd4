using Gim.MLNet.Causal;
using Gim.MLNet.Runtime;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>Saving ML.NET model files without ever leaving a half-written file behind, and loading them with one clear error.</summary>
public static class ModelFileExtensions
{
    /// <summary>
    /// <c>mlContext.Model.Save</c> to a file, atomically: the .zip is written to a temporary file in the same
    /// directory and renamed over <paramref name="path"/>, so a reader (a serving process) sees the old model
    /// or the new one, never a partial file.
    /// </summary>
    /// <param name="catalog">mlContext.Model.</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputSchema">The schema of the data the pipeline was fitted on (saved with the model).</param>
    /// <param name="path">Destination .zip.</param>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        AtomicFile.Write(path, stream => catalog.Save(model, inputSchema, stream));
    }

    /// <summary>
    /// <c>mlContext.Model.Load</c> of a file, with one exception for every way the file's content can be unusable.
    /// A damaged model file makes ML.NET throw any of a dozen exception types (FormatException, InvalidDataException,
    /// InvalidOperationException, TargetInvocationException, even FileNotFoundException for a garbled assembly name),
    /// none naming the file; this wraps them all in an <see cref="InvalidDataException"/> that names the file and
    /// keeps ML.NET's exception as the inner one. It first checks every zip entry against its recorded CRC-32, which
    /// ML.NET does not: damage inside a saved ONNX graph that still parses would otherwise load and predict wrong numbers.
    /// Every ONNX step running a graph exported by this library comes back wrapped in a <see cref="BatchedOnnxTransformer"/>,
    /// so Transform runs ONNX Runtime on blocks of rows rather than ML.NET's one call per row (saving it again writes the
    /// same ML.NET file); the pipeline is otherwise the one <c>mlContext.Model.Load</c> returns.
    /// </summary>
    /// <param name="catalog">mlContext.Model.</param>
    /// <param name="path">A .zip written by <c>mlContext.Model.Save</c> or <see cref="SaveAtomically"/>.</param>
    /// <param name="inputSchema">The schema of the data the pipeline was fitted on, as saved with it.</param>
    /// <returns>The loaded pipeline.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist (other errors opening it propagate as thrown).</exception>
    /// <exception cref="InvalidDataException">The file is not a loadable ML.NET model: truncated, corrupt, not a model, or written by an incompatible version.</exception>
    public static ITransformer LoadModel(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        // Opening is an I/O matter (permissions, locks) and keeps its own exceptions; only reading the content is wrapped.
        using FileStream stream = File.OpenRead(path);
        return LoadModel(catalog, stream, path, out inputSchema);
    }

    /// <summary>
    /// <c>mlContext.Model.Load</c> of a seekable stream (left open), wrapping every failure caused by the content in an
    /// <see cref="InvalidDataException"/> that names <paramref name="sourceName"/> (see <see cref="LoadModel(ModelOperationsCatalog, string, out DataViewSchema)"/>).
    /// </summary>
    /// <param name="catalog">mlContext.Model.</param>
    /// <param name="stream">The model file's bytes.</param>
    /// <param name="sourceName">How the message names the source (a file name or URL).</param>
    /// <param name="inputSchema">The schema of the data the pipeline was fitted on, as saved with it.</param>
    /// <returns>The loaded pipeline.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a loadable ML.NET model.</exception>
    public static ITransformer LoadModel(this ModelOperationsCatalog catalog, Stream stream, string sourceName, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        return Load(catalog, stream, sourceName, out inputSchema, model => BatchedPipeline.Wrap(catalog, model));
    }

    /// <summary>
    /// The GIM inside a saved pipeline, rebuilt in process from the parameters its ONNX graph carries
    /// (<see cref="GimParameterFormat"/>): <see cref="GimModel.Explain(float[])"/>, <see cref="GimModel.Graph"/> and the
    /// ranked targets give exactly what the fitted <see cref="GimTransformer"/> gave before it was saved, in this
    /// process or a fresh one. Explain takes GIM's own features (the pipeline's features column, after any
    /// featurizers): run the loaded pipeline on raw inputs and read that column to explain raw rows.
    /// </summary>
    /// <param name="catalog">mlContext.Model.</param>
    /// <param name="path">A .zip saved by <c>mlContext.Model.Save</c> or <see cref="SaveAtomically"/> from a pipeline with a GIM step (Gim.MLNet 0.3.0 or later).</param>
    /// <param name="options">Device and prediction settings of the rebuilt model; null for the defaults.</param>
    /// <returns>The model (dispose it); with several GIM steps, the last one.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a loadable model, or no step is a GIM that carries its parameters (a peer, or saved before 0.3.0); the message says which.</exception>
    public static GimModel LoadGimModel(this ModelOperationsCatalog catalog, string path, GimOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        using FileStream stream = File.OpenRead(path);
        ITransformer model = Load(catalog, stream, path, out _, loaded => loaded);
        try
        {
            var graphs = BatchedPipeline.OnnxSteps(model).Select(step => OnnxStepGraph.Read(catalog, step)).OfType<byte[]>().ToList();
            if (graphs.Count == 0)
                throw new InvalidDataException($"{path}: the pipeline has no ONNX step, so no GIM to explain; expected a pipeline ending in mlContext.Perturbation().Trainers.Gim(...).");
            // The last step that carries parameters (damaged parameters fail, naming the step); when none does, the
            // last step's own message says why (a peer's graph, or one saved before 0.3.0).
            int step = graphs.FindLastIndex(GimParameterFormat.HasParameters);
            int chosen = step >= 0 ? step : graphs.Count - 1;
            return GimModel.FromOnnx(graphs[chosen], $"{path} (ONNX step {chosen + 1} of {graphs.Count})", options);
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    /// <summary>ML.NET's load with integrity check and one retry, every content failure wrapped naming the source; then <paramref name="finish"/>.</summary>
    private static ITransformer Load(ModelOperationsCatalog catalog, Stream stream, string sourceName, out DataViewSchema inputSchema,
        Func<ITransformer, ITransformer> finish)
    {
        try
        {
            long start = stream.Position;
            ZipIntegrity.Verify(stream);
            DataViewSchema? schema = null;
            ITransformer model = OrtFormatMisdetection.RetryOnce(() =>
            {
                stream.Position = start;
                return catalog.Load(stream, out schema);
            });
            inputSchema = schema!;
            try
            {
                return finish(model);
            }
            catch
            {
                (model as IDisposable)?.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidDataException(
                $"{sourceName}: not a loadable ML.NET model ({ex.GetType().Name}: {FirstLine(ex.Message)}). Expected a .zip written by " +
                "mlContext.Model.Save or SaveAtomically; the file may be truncated or corrupt, or saved by an incompatible version.", ex);
        }
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }
}
