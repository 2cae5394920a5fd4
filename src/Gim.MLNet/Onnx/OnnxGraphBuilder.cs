using Gim.MLNet.Runtime;
using Google.Protobuf;
using Onnx;

namespace Gim.MLNet.Onnx;

/// <summary>
/// A small helper that appends constants, nodes, inputs and outputs to an ONNX graph with unique
/// intermediate names, so the exporter reads as the formula it implements.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private const string BatchDimension = "N";
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    /// <summary>The ONNX operator set every Gim.MLNet export uses.</summary>
    public const int OpsetVersion = 17;

    public GraphProto Graph { get; } = new() { Name = "gim" };

    /// <summary>Reserves the input and output names of a model graph (<paramref name="extraInput"/>: a second input, when there is one).</summary>
    public void Reserve(OnnxExportOptions options, bool targets, string? extraInput = null)
    {
        Reserve(options.FeaturesInputName);
        if (extraInput is not null) Reserve(extraInput);
        foreach (string output in options.OutputNames(targets)) Reserve(output);
    }

    /// <summary>
    /// Wraps the graph in a model (IR 8, <see cref="OpsetVersion"/>) that records the variable and feature names,
    /// plus any further metadata.
    /// </summary>
    public ModelProto ToModel(string docString, IEnumerable<string> variableNames, IEnumerable<string> featureNames,
        params (string Key, string Value)[] metadata)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Gim.MLNet",
            ProducerVersion = GimInfo.Version,
            DocString = docString,
            Graph = Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        if (_usesMicrosoftDomain) model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "gim.variables", Value = string.Join("\n", variableNames) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "gim.features", Value = string.Join("\n", featureNames) });
        foreach (var (key, value) in metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>Reserves a name the caller chose (inputs, outputs) so intermediates never reuse it.</summary>
    public void Reserve(string name)
    {
        if (!_names.Add(name))
            throw new ArgumentException($"The ONNX graph name '{name}' is used twice; input and output names must be distinct.");
    }

    public string Constant(string hint, float[] values, params long[] dims)
    {
        string name = Fresh(hint);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // Raw little-endian bytes: compact, and exactly the float32 values given.
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX export needs a little-endian machine.");
        tensor.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Constant(string hint, float[,] values)
    {
        var flat = new float[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(float));
        return Constant(hint, flat, values.GetLength(0), values.GetLength(1));
    }

    /// <summary>Adds a node with one output; <paramref name="output"/> null gives it a fresh name.</summary>
    public string Node(string opType, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        string name = output ?? Fresh(opType);
        var node = new NodeProto { OpType = opType, Name = "node_" + name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return name;
    }

    /// <summary>Adds a node with <paramref name="outputs"/> outputs (e.g. TopK's values and indices), returning their names.</summary>
    public string[] Node(string opType, string[] inputs, int outputs, params AttributeProto[] attributes)
    {
        string first = Node(opType, inputs, null, attributes);
        var names = new string[outputs];
        names[0] = first;
        for (int i = 1; i < outputs; i++)
        {
            names[i] = Fresh(opType + "_out" + i);
            Graph.Node[^1].Output.Add(names[i]);
        }
        return names;
    }

    /// <summary>ONNX Runtime's contrib operators (built into every ONNX Runtime, not part of the ONNX standard).</summary>
    public const string MicrosoftDomain = "com.microsoft";

    private bool _usesMicrosoftDomain;

    /// <summary>
    /// Adds an ONNX Runtime contrib node (<see cref="MicrosoftDomain"/>, version 1) with one output, e.g. <c>Inverse</c> of
    /// [..., n, n] matrices, which standard ONNX lacks; the model then imports that domain. ONNX Runtime — and so ML.NET's
    /// <c>ApplyOnnxModel</c> — runs it; other runtimes may not.
    /// </summary>
    public string MicrosoftNode(string opType, string[] inputs)
    {
        string name = Node(opType, inputs);
        Graph.Node[^1].Domain = MicrosoftDomain;
        _usesMicrosoftDomain = true;
        return name;
    }

    /// <summary>Renames a node output everywhere it is produced or used, returning the fresh name.</summary>
    public string Rename(string name, string hint)
    {
        string fresh = Fresh(hint);
        foreach (NodeProto node in Graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++) if (node.Input[i] == name) node.Input[i] = fresh;
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == name)
                {
                    node.Output[i] = fresh;
                    node.Name = "node_" + fresh; // node names must stay unique too
                }
        }
        return fresh;
    }

    /// <summary>An int64 constant (shapes).</summary>
    public string Int64Constant(string hint, params long[] values)
    {
        string name = Fresh(hint);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public void Input(string name, long width) => Graph.Input.Add(ValueInfo(name, width));

    public void Output(string name, long width) => Graph.Output.Add(ValueInfo(name, width));

    /// <summary>A one-dimensional output of unknown length.</summary>
    public void FlatOutput(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "Nd" });
        Graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        });
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static ValueInfoProto ValueInfo(string name, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    private string Fresh(string hint)
    {
        string name;
        do name = $"{hint}_{_counter++}"; while (!_names.Add(name));
        return name;
    }
}
