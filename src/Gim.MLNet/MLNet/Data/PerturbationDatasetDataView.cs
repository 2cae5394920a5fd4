using Gim.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>Turns a <see cref="PerturbationDataset"/> into the one-row-per-cell IDataView the estimators read.</summary>
public static class PerturbationDatasetDataView
{
    /// <summary>One row of <see cref="ToDataView"/>'s output.</summary>
    public sealed class CellRow
    {
        /// <summary>The context's name.</summary>
        public string Context { get; set; } = "";

        /// <summary>True for cells of a control context.</summary>
        public bool IsControl { get; set; }

        /// <summary>The perturbation the context belongs to (<see cref="PerturbationContext.Group"/>, e.g. the drug of a drug-at-dose context).</summary>
        public string Group { get; set; } = "";

        /// <summary>The context's features (identical on all its rows).</summary>
        public float[] Features { get; set; } = Array.Empty<float>();

        /// <summary>The cell's measured variables.</summary>
        public float[] Measurements { get; set; } = Array.Empty<float>();
    }

    /// <summary>
    /// Columns <c>Context</c> (text), <c>IsControl</c> (Boolean), <c>Group</c> (text: the context's perturbation), <c>Features</c> (Vector&lt;Single, p&gt;,
    /// slot names = feature names) and <c>Measurements</c> (Vector&lt;Single, d&gt;, slot names = variable
    /// names): exactly what <c>mlContext.Perturbation().Trainers.*</c> expect by default.
    /// </summary>
    public static IDataView ToDataView(this PerturbationDataset data, MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(mlContext);
        int d = data.VariableCount, p = data.FeatureCount;
        var schema = SchemaDefinition.Create(typeof(CellRow));
        schema[nameof(CellRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, p);
        schema[nameof(CellRow.Measurements)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        AddSlotNames(schema[nameof(CellRow.Features)], data.FeatureNames);
        AddSlotNames(schema[nameof(CellRow.Measurements)], data.VariableNames);
        return mlContext.Data.LoadFromEnumerable(Rows(data), schema);
    }

    /// <summary>
    /// A view with no rows and the columns a transformer fitted on <paramref name="data"/> binds to (features and
    /// measurements as vectors with slot names, under the given names): what fitting from statistics wraps its model against.
    /// </summary>
    internal static IDataView SchemaView(this PerturbationDataset data, MLContext mlContext, string featureColumn, string measurementsColumn)
    {
        var schema = SchemaDefinition.Create(typeof(CellRow));
        schema[nameof(CellRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, data.FeatureCount);
        schema[nameof(CellRow.Measurements)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, data.VariableCount);
        AddSlotNames(schema[nameof(CellRow.Features)], data.FeatureNames);
        AddSlotNames(schema[nameof(CellRow.Measurements)], data.VariableNames);
        schema[nameof(CellRow.Features)].ColumnName = featureColumn;
        schema[nameof(CellRow.Measurements)].ColumnName = measurementsColumn;
        return mlContext.Data.LoadFromEnumerable(Array.Empty<CellRow>(), schema);
    }

    private static IEnumerable<CellRow> Rows(PerturbationDataset data)
    {
        int d = data.VariableCount;
        foreach (PerturbationContext context in data.Contexts)
            for (int i = 0; i < context.SampleCount; i++)
            {
                var cell = new float[d];
                for (int j = 0; j < d; j++) cell[j] = context.Samples[i, j];
                yield return new CellRow { Context = context.Name, IsControl = context.IsControl, Group = context.Group, Features = context.Features, Measurements = cell };
            }
    }

    private static void AddSlotNames(SchemaDefinition.Column column, IReadOnlyList<string> names)
    {
        var slots = new VBuffer<ReadOnlyMemory<char>>(names.Count, names.Select(n => n.AsMemory()).ToArray());
        column.AddAnnotation("SlotNames", slots, new VectorDataViewType(TextDataViewType.Instance, names.Count));
    }
}
