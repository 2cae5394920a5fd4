using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// How a batched view maps the graph onto one input schema: which input columns feed the graph's inputs and which
/// added columns are which graph outputs. Null when they do not line up exactly (the row-by-row path is used then).
/// </summary>
internal sealed class BatchPlan
{
    private BatchPlan(int[] inputColumns, Dictionary<int, int> outputOfColumn)
    {
        InputColumns = inputColumns;
        OutputOfColumn = outputOfColumn;
    }

    /// <summary>For each graph input (in the signature's order), its column index in the input schema.</summary>
    public int[] InputColumns { get; }

    /// <summary>Output-schema column index → index into the signature's outputs.</summary>
    public Dictionary<int, int> OutputOfColumn { get; }

    public static BatchPlan? TryCreate(DataViewSchema input, DataViewSchema output, OnnxGraphSignature signature)
    {
        var inputColumns = new int[signature.Inputs.Count];
        for (int k = 0; k < inputColumns.Length; k++)
        {
            (string name, int width) = signature.Inputs[k];
            DataViewSchema.Column? column = input.GetColumnOrNull(name);
            if (column is null || !FloatVector.Is(column.Value.Type, width)) return null;
            inputColumns[k] = column.Value.Index;
        }

        // ML.NET's schema is the input's columns followed by the added ones.
        if (output.Count != input.Count + signature.Outputs.Count) return null;
        var outputOfColumn = new Dictionary<int, int>();
        for (int c = input.Count; c < output.Count; c++)
        {
            int o = IndexOf(signature.Outputs, output[c].Name);
            if (o < 0 || !FloatVector.Is(output[c].Type, signature.OutputWidth) || outputOfColumn.ContainsValue(o)) return null;
            outputOfColumn[c] = o;
        }
        return new BatchPlan(inputColumns, outputOfColumn);
    }


    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }
}
