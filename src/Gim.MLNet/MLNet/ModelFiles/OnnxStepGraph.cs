using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Transforms.Onnx;

namespace Gim.MLNet;

/// <summary>
/// The ONNX graph a loaded ML.NET <see cref="OnnxTransformer"/> runs, read back from the step's own saved form: ML.NET
/// keeps it in a zip entry named "OnnxModel" as a length-prefixed byte array and exposes it nowhere else.
/// </summary>
/// <remarks>
/// One file for both readers of that layout: the library (<c>BatchedPipeline</c>, <c>LoadGimModel</c>) and the serving
/// app, which compiles this file in (it must not reference Gim.MLNet), so it uses only ML.NET and System.IO.Compression.
/// </remarks>
internal static class OnnxStepGraph
{
    private const string OnnxModelEntry = "OnnxModel";

    /// <summary>The graph bytes, or null when the saved step has no (or an empty or short) graph entry.</summary>
    public static byte[]? Read(ModelOperationsCatalog catalog, OnnxTransformer onnx)
    {
        using var file = new MemoryStream();
        catalog.Save(onnx, null, file);
        file.Position = 0;
        using var zip = new ZipArchive(file, ZipArchiveMode.Read);
        ZipArchiveEntry? entry = zip.Entries.SingleOrDefault(e => e.Name == OnnxModelEntry);
        if (entry is null) return null;
        using var reader = new BinaryReader(entry.Open());
        int length = reader.ReadInt32();
        byte[] graph = reader.ReadBytes(length);
        return graph.Length == length && length > 0 ? graph : null;
    }
}
