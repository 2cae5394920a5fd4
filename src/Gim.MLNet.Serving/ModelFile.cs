using Microsoft.ML;

namespace Gim.MLNet.Serving;

/// <summary>
/// Loads the saved pipeline with a message that names the file: ML.NET reports a damaged or foreign file as, say,
/// "Failed to open a zip archive", with a dozen exception types and no path.
/// </summary>
internal static class ModelFile
{
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        // Opening is an I/O matter (permissions) and keeps its own message; only reading the content is wrapped.
        using FileStream stream = File.OpenRead(path);
        try
        {
            DataViewSchema? schema = null;
            ITransformer model = OrtFormatMisdetection.RetryOnce(() =>
            {
                stream.Position = 0;
                return mlContext.Model.Load(stream, out schema);
            });
            inputSchema = schema!;
            return model;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: not a loadable ML.NET model ({e.GetType().Name}: {e.Message.Split('\n')[0].TrimEnd('\r')}).", e);
        }
    }
}
