using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace Gim.MLNet.MLNet.Batching;

/// <summary>
/// Puts batched prediction back in front of the ONNX steps of a loaded pipeline: every ML.NET
/// <see cref="OnnxTransformer"/> running a graph this library exported is wrapped in a <see cref="BatchedOnnxTransformer"/>;
/// every other step, and any graph from elsewhere, is left as loaded.
/// </summary>
internal static class BatchedPipeline
{
    /// <summary>The zip entry in which ML.NET's OnnxTransformer saves its graph (a length-prefixed byte array).</summary>
    private const string OnnxModelEntry = "OnnxModel";

    public static ITransformer Wrap(ModelOperationsCatalog catalog, ITransformer model)
    {
        if (model is OnnxTransformer onnx)
            return ReadGraph(catalog, onnx) is byte[] graph && BatchedOnnxTransformer.TryCreate(onnx, graph) is { } batched ? batched : model;
        // ML.NET loads every chain, nested ones included, as TransformerChain<ITransformer>.
        if (model is not TransformerChain<ITransformer> chain) return model;

        ITransformer[] steps = chain.ToArray();
        // Rebuilding a chain resets every step's scope to Everything; only do it when that is what they were.
        if (chain.GetModelFor(TransformerScope.Scoring).Count() != steps.Length || chain.GetModelFor(TransformerScope.Training).Count() != steps.Length)
            return model;
        ITransformer[] wrapped = steps.Select(step => Wrap(catalog, step)).ToArray();
        return wrapped.SequenceEqual(steps, ReferenceEqualityComparer.Instance) ? model : new TransformerChain<ITransformer>(wrapped);
    }

    /// <summary>The graph a loaded OnnxTransformer runs, read back from its own saved form; null if not found.</summary>
    private static byte[]? ReadGraph(ModelOperationsCatalog catalog, OnnxTransformer onnx)
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
