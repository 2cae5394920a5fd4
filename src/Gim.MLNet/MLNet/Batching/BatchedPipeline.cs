using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace Gim.MLNet;

/// <summary>
/// Puts batched prediction back in front of the ONNX steps of a loaded pipeline: every ML.NET
/// <see cref="OnnxTransformer"/> running a graph this library exported is wrapped in a <see cref="BatchedOnnxTransformer"/>;
/// every other step, and any graph from elsewhere, is left as loaded.
/// </summary>
internal static class BatchedPipeline
{
    /// <summary>
    /// <paramref name="model"/> with its ONNX steps batched (nested chains included, every step's scope kept), or
    /// <paramref name="model"/> itself when there is nothing to batch. On failure, the steps already wrapped are released.
    /// </summary>
    public static ITransformer Wrap(ModelOperationsCatalog catalog, ITransformer model)
    {
        if (model is OnnxTransformer onnx)
            return OnnxStepGraph.Read(catalog, onnx) is byte[] graph && BatchedOnnxTransformer.TryCreate(onnx, graph) is { } batched ? batched : model;
        // ML.NET loads every chain, nested ones included, as TransformerChain<ITransformer>.
        if (model is not TransformerChain<ITransformer> chain) return model;

        ITransformer[] steps = chain.ToArray();
        TransformerScope[] scopes = ScopesOf(chain, steps);
        var wrapped = new ITransformer[steps.Length];
        try
        {
            for (int i = 0; i < steps.Length; i++) wrapped[i] = Wrap(catalog, steps[i]);
        }
        catch
        {
            // A batched wrapper owns its own session (and disposing it would dispose the loaded step it wraps).
            foreach (BatchedOnnxTransformer made in wrapped.OfType<BatchedOnnxTransformer>()) made.DisposeSessionOnly();
            throw;
        }
        return wrapped.SequenceEqual(steps, ReferenceEqualityComparer.Instance) ? model : new TransformerChain<ITransformer>(wrapped, scopes);
    }

    /// <summary>Each step's scope, read back from which scoped sub-chains it belongs to (the chain keeps them private).</summary>
    private static TransformerScope[] ScopesOf(TransformerChain<ITransformer> chain, ITransformer[] steps)
    {
        var scopes = new TransformerScope[steps.Length];
        foreach (TransformerScope scope in new[] { TransformerScope.Training, TransformerScope.Testing, TransformerScope.Scoring })
        {
            var members = chain.GetModelFor(scope).ToHashSet(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < steps.Length; i++)
                if (members.Contains(steps[i])) scopes[i] |= scope;
        }
        return scopes;
    }

    /// <summary>Every ML.NET ONNX step of a loaded pipeline, nested chains included, in pipeline order.</summary>
    public static IEnumerable<OnnxTransformer> OnnxSteps(ITransformer model) => model switch
    {
        OnnxTransformer onnx => new[] { onnx },
        TransformerChain<ITransformer> chain => chain.SelectMany(OnnxSteps),
        _ => Array.Empty<OnnxTransformer>(),
    };
}
