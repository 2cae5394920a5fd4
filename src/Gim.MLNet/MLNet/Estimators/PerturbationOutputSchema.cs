using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>The output schema of a perturbation estimator: the input plus one float vector per output column.</summary>
internal static class PerturbationOutputSchema
{
    public static SchemaShape Create(MLContext mlContext, SchemaShape inputSchema, string featureColumnName, IReadOnlyList<string> outputNames)
    {
        // SchemaShape.Column has no public constructor; a column "known-size vector of Single" is what
        // Concatenate makes of the (checked) features column, so borrow its output shape for ours.
        IEstimator<ITransformer> shapes = mlContext.Transforms.Concatenate(outputNames[0], featureColumnName);
        foreach (string name in outputNames.Skip(1))
            shapes = shapes.Append(mlContext.Transforms.Concatenate(name, featureColumnName));
        var names = new HashSet<string>(outputNames, StringComparer.Ordinal);
        SchemaShape.Column[] outputs = shapes.GetOutputSchema(inputSchema).Where(c => names.Contains(c.Name)).ToArray();
        return new SchemaShape(inputSchema.Where(c => !names.Contains(c.Name)).Concat(outputs));
    }
}
