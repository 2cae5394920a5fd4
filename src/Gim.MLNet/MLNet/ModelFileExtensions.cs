using Gim.MLNet.Onnx;
using Microsoft.ML;

namespace Gim.MLNet.MLNet;

/// <summary>Saving ML.NET model files without ever leaving a half-written file behind.</summary>
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
}
