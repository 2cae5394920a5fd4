using Google.Protobuf;
using Onnx;

namespace Gim.MLNet;

/// <summary>
/// What a batched run of an exported graph needs to know: its float inputs of shape [N, width] and its flattened
/// float outputs of shape [N·width], read from the ONNX session itself so a model loaded from a .zip needs nothing else.
/// </summary>
internal sealed class OnnxGraphSignature
{
    /// <summary>The producer name every graph exported by this library carries.</summary>
    public const string Producer = "Gim.MLNet";

    private OnnxGraphSignature(IReadOnlyList<(string Name, int Width)> inputs, IReadOnlyList<string> outputs, string[] variableNames)
    {
        Inputs = inputs;
        Outputs = outputs;
        VariableNames = variableNames;
    }

    /// <summary>The measured variables, in the order of every output's slots (the graph's "gim.variables" metadata).</summary>
    public IReadOnlyList<string> VariableNames { get; }

    /// <summary>Graph inputs in the graph's order, each a float matrix [N, Width].</summary>
    public IReadOnlyList<(string Name, int Width)> Inputs { get; }

    /// <summary>Graph outputs, each a flattened float matrix [N·OutputWidth], row-major.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Values per row of every output: the number of measured variables.</summary>
    public int OutputWidth => VariableNames.Count;

    /// <summary>The most values any input or output has per row.</summary>
    public int Widest => Math.Max(OutputWidth, Inputs.Max(i => i.Width));

    /// <summary>
    /// The signature of a graph exported by this library with flattened outputs, or null for any other graph
    /// (another producer, unflattened outputs, non-float tensors, bytes that are not ONNX): those keep ML.NET's
    /// row-by-row path.
    /// </summary>
    public static OnnxGraphSignature? TryRead(byte[] onnxModel)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnxModel);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
        if (model.ProducerName != Producer || model.Graph is null) return null;
        string? variables = model.MetadataProps.FirstOrDefault(m => m.Key == "gim.variables")?.Value;
        if (string.IsNullOrEmpty(variables)) return null;
        string[] variableNames = variables.Split('\n');

        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        var inputs = new List<(string, int)>();
        foreach (ValueInfoProto input in model.Graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            if (FloatDims(input) is not [{ DimValue: 0 }, { DimValue: > 0 and <= int.MaxValue } columns]) return null;
            inputs.Add((input.Name, (int)columns.DimValue));
        }
        var outputs = new List<string>();
        foreach (ValueInfoProto output in model.Graph.Output)
        {
            if (FloatDims(output) is not [{ DimValue: 0 }]) return null;
            outputs.Add(output.Name);
        }
        return inputs.Count == 0 || outputs.Count == 0 ? null : new OnnxGraphSignature(inputs, outputs, variableNames);
    }

    /// <summary>The dimensions of a float tensor (a symbolic dimension has DimValue 0), or null for anything else.</summary>
    private static TensorShapeProto.Types.Dimension[]? FloatDims(ValueInfoProto value) =>
        value.Type?.TensorType is { ElemType: (int)TensorProto.Types.DataType.Float, Shape: { } shape } ? shape.Dim.ToArray() : null;
}
