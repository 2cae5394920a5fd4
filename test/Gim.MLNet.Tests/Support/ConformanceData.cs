using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Support;

/// <summary>One context of a conformance data set: its features and its cells (rows × variables).</summary>
public sealed record ContextSpec(string Name, bool IsControl, float[] Features, float[][] Cells);

/// <summary>
/// Small one-row-per-cell data sets in the estimators' default columns (Features, Measurements, Context,
/// IsControl), built from explicit contexts so a test can plant exactly the problem it is about.
/// </summary>
public static class ConformanceData
{
    public sealed class Cell
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public float[] Measurements { get; set; } = Array.Empty<float>();
        public string Context { get; set; } = "";
        public bool IsControl { get; set; }
    }

    /// <summary>
    /// A control context and <paramref name="perturbed"/> shifted ones, <paramref name="cells"/> Gaussian cells
    /// each, over <paramref name="variables"/> variables; features are a dose per perturbation (control: zeros).
    /// </summary>
    public static List<ContextSpec> Contexts(int variables = 3, int features = 2, int perturbed = 2, int cells = 16, int seed = 1,
        double scale = 1, double offset = 0)
    {
        var random = new Random(seed);
        var result = new List<ContextSpec>();
        for (int k = 0; k <= perturbed; k++)
        {
            var gamma = new float[features];
            if (k > 0 && features > 0) gamma[(k - 1) % features] = k;
            var rows = new float[cells][];
            for (int i = 0; i < cells; i++)
            {
                rows[i] = new float[variables];
                for (int j = 0; j < variables; j++)
                {
                    double shift = k > 0 && j == (k - 1) % variables ? 2.0 : 0.0;
                    rows[i][j] = (float)(offset + scale * (shift + Normal(random)));
                }
            }
            result.Add(new ContextSpec(k == 0 ? "control" : $"drug{k}", k == 0, gamma, rows));
        }
        return result;
    }

    /// <summary>The contexts as a data view whose vectors have the contexts' sizes, with optional slot names.</summary>
    public static IDataView ToDataView(this IReadOnlyList<ContextSpec> contexts, MLContext mlContext, int? variables = null, int? features = null,
        string[]? variableNames = null, string[]? featureNames = null)
    {
        int d = variables ?? contexts.First().Cells.First().Length;
        int p = features ?? contexts.First().Features.Length;
        var schema = SchemaDefinition.Create(typeof(Cell));
        schema[nameof(Cell.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, p);
        schema[nameof(Cell.Measurements)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        if (variableNames is not null) AddSlotNames(schema[nameof(Cell.Measurements)], variableNames);
        if (featureNames is not null) AddSlotNames(schema[nameof(Cell.Features)], featureNames);
        var rows = contexts.SelectMany(c => c.Cells.Select(x => new Cell { Features = c.Features, Measurements = x, Context = c.Name, IsControl = c.IsControl })).ToList();
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>The default small data set (control and two perturbations, d = 3, p = 2) as a data view.</summary>
    public static IDataView Default(MLContext mlContext) => Contexts().ToDataView(mlContext);

    /// <summary>Rows with only a features column, as a prediction-time query.</summary>
    public static IDataView Queries(MLContext mlContext, int features, params float[][] rows)
    {
        var schema = SchemaDefinition.Create(typeof(Query));
        schema[nameof(Query.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        return mlContext.Data.LoadFromEnumerable(rows.Select(r => new Query { Features = r }), schema);
    }

    public sealed class Query
    {
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    /// <summary>A copy of the contexts with one cell value replaced.</summary>
    public static List<ContextSpec> WithCell(this IReadOnlyList<ContextSpec> contexts, int context, int cell, int variable, float value)
    {
        var copy = contexts.Select(c => c with { Cells = c.Cells.Select(r => (float[])r.Clone()).ToArray() }).ToList();
        copy[context].Cells[cell][variable] = value;
        return copy;
    }

    /// <summary>A copy of the contexts with one context's features replaced.</summary>
    public static List<ContextSpec> WithFeatures(this IReadOnlyList<ContextSpec> contexts, int context, float[] features)
    {
        var copy = contexts.ToList();
        copy[context] = copy[context] with { Features = features };
        return copy;
    }

    private static void AddSlotNames(SchemaDefinition.Column column, string[] names)
    {
        var slots = new VBuffer<ReadOnlyMemory<char>>(names.Length, names.Select(n => n.AsMemory()).ToArray());
        column.AddAnnotation("SlotNames", slots, new VectorDataViewType(TextDataViewType.Instance, names.Length));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
