using Gim.MLNet.Causal;
using Onnx;

namespace Gim.MLNet.Tests.Support;

/// <summary>Graph hygiene shared by the exporter tests: the export variants, and the constants no node reads.</summary>
internal static class OnnxInitializers
{
    /// <summary>Map, Marginal and Counterfactual, each unflattened and flattened.</summary>
    public static IEnumerable<GimOnnxExportOptions> Variants()
    {
        foreach (bool flatten in new[] { false, true })
        {
            yield return new GimOnnxExportOptions { FlattenOutputs = flatten };
            yield return new GimOnnxExportOptions { Mode = PredictionMode.Marginal, FlattenOutputs = flatten };
            yield return new GimOnnxExportOptions { ControlCellsInputName = "Measurements", FlattenOutputs = flatten };
        }
    }

    /// <summary>Exports every variant and asserts that each graph reads every constant it holds.</summary>
    public static void AssertEveryVariantUsesAll(Func<GimOnnxExportOptions, byte[]> export)
    {
        foreach (GimOnnxExportOptions options in Variants())
            Assert.That(Unused(export(options)), Is.Empty,
                $"mode {options.Mode}, counterfactual {options.ControlCellsInputName is not null}, flattened {options.FlattenOutputs}");
    }

    /// <summary>Initializers that no node takes as an input (ONNX Runtime warns about each and drops it; they only add size).</summary>
    public static string[] Unused(byte[] model)
    {
        GraphProto graph = ModelProto.Parser.ParseFrom(model).Graph;
        var read = graph.Node.SelectMany(n => n.Input).ToHashSet();
        return graph.Initializer.Select(i => i.Name).Where(name => !read.Contains(name)).ToArray();
    }
}
