using System.Collections.Concurrent;

namespace Gim.MLNet;

/// <summary>
/// An exported ONNX graph in a temporary file that this object owns and deletes: what ML.NET's row-by-row ONNX step of
/// a fitted transformer is built from.
/// </summary>
/// <remarks>
/// ML.NET's (5.0.1 and 6.0.0) <c>ApplyOnnxModel</c> from a stream writes the graph to a temporary file that disposing the
/// transformer does not delete: one file per fitted model, left behind when the process ends (hundreds per run of
/// our tests, thousands over a hyperparameter search). Built from a file, the transformer leaves the file to its
/// owner and reads it again whenever the model is saved, so the file lives as long as the transformer. Its name ends
/// in ".onnx", so ONNX Runtime never mistakes it for an ORT-format model (see <see cref="OrtFormatMisdetection"/>).
/// </remarks>
internal sealed class OnnxGraphFile : IDisposable
{
    /// <summary>Files not yet deleted; removed at process exit too, for models nobody disposed.</summary>
    private static readonly ConcurrentDictionary<string, byte> Live = new();

    private int _deleted;

    static OnnxGraphFile() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (string path in Live.Keys) TryDelete(path);
    };

    private OnnxGraphFile(string path) => Path = path;

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="graph"/> to a new file in <paramref name="folder"/> (ML.NET's temp folder).</summary>
    public static OnnxGraphFile Write(string folder, byte[] graph)
    {
        // A full path: Dispose and the exit-time clean-up must find the file whatever the working directory is by then.
        string path = System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), $"gim-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, graph);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(path);
            throw new IOException($"Could not write the exported ONNX graph to '{path}' (MLContext.TempFilePath is '{folder}'): {e.Message}", e);
        }
        Live.TryAdd(path, 0);
        return new OnnxGraphFile(path);
    }

    /// <summary>Deletes the file; call after the transformer reading it is disposed.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _deleted, 1) != 0) return;
        TryDelete(Path);
        Live.TryRemove(Path, out _);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary file; failing to delete it must not fail the dispose of a model.
        }
    }
}
