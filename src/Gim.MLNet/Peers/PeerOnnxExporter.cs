using Gim.MLNet.Causal;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;
using Gim.MLNet.Runtime;
namespace Gim.MLNet.Peers;

/// <summary>
/// Exports a fitted peer of GIM as an ONNX graph (opset 17) that ONNX Runtime — and so ML.NET's
/// <c>ApplyOnnxModel</c> — runs without TorchSharp.
/// </summary>
/// <remarks>
/// Input: the raw features [N, p]. Outputs, each [N, d] float: Sample (one draw per row), PredictedMean and
/// Shift (the effect on the mean in control standard deviations). Empirical draws (Control, NearestContext,
/// MeanShift's control cells) are ⌊u·n⌋-th rows of a constant table of training cells, u from a seeded
/// RandomUniformLike; ConditionalGaussian's noise comes from a seeded RandomNormalLike. A TwoStageCausal model
/// is a linear GIM and is exported by <see cref="LinearGimOnnxExporter"/> (MAP targets): its graph also has
/// TargetProbabilities, and its Shift is GIM's ψ(γ), the shift of the targeted mechanisms.
/// </remarks>
public static class PeerOnnxExporter
{
    /// <summary>Builds the graph and returns the serialised ONNX model.</summary>
    /// <param name="model">A fitted peer.</param>
    /// <param name="options">Input/output names, seed and layout; null for the defaults.</param>
    public static byte[] Export(PerturbationModel model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxExportOptions();
        if (model is TwoStageCausalModel twoStage)
            return LinearGimOnnxExporter.Export(twoStage.Parameters, new GimOnnxExportOptions
            {
                FeaturesInputName = options.FeaturesInputName,
                Seed = options.Seed,
                SampleOutputName = options.SampleOutputName,
                PredictedMeanOutputName = options.PredictedMeanOutputName,
                TargetProbabilitiesOutputName = options.TargetProbabilitiesOutputName,
                ShiftOutputName = options.ShiftOutputName,
                FlattenOutputs = options.FlattenOutputs,
                Mode = PredictionMode.Map,
            });
        var graph = new PeerGraph(model, options);
        string description = model switch
        {
            ControlModel control => ControlGraph.Build(graph, control),
            NearestContextModel nearest => NearestContextGraph.Build(graph, nearest),
            MeanShiftModel meanShift => MeanShiftGraph.Build(graph, meanShift),
            ConditionalGaussianModel gaussian => ConditionalGaussianGraph.Build(graph, gaussian),
            _ => throw new NotSupportedException($"No ONNX export for {model.GetType().Name}."),
        };
        return graph.Finish(description);
    }

    /// <summary>Writes the ONNX model to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    /// <param name="model">A fitted peer.</param>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    /// <param name="options">Input/output names, seed and layout; null for the defaults.</param>
    public static void Save(PerturbationModel model, string path, OnnxExportOptions? options = null)
    {
        byte[] bytes = Export(model, options);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The outputs the graph of <paramref name="model"/> has, in order.</summary>
    /// <param name="model">A fitted peer.</param>
    /// <param name="options">The names; null for the defaults.</param>
    public static IReadOnlyList<string> OutputNames(PerturbationModel model, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        var names = new List<string> { options.SampleOutputName, options.PredictedMeanOutputName };
        if (model.HasTargets) names.Add(options.TargetProbabilitiesOutputName);
        names.Add(options.ShiftOutputName);
        return names;
    }
}
