using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Support;

/// <summary>A small Hill screen as ML.NET data: one row per cell, as a user would load it.</summary>
internal static class HillScreenRows
{
    public sealed class Cell
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public float[] Measurements { get; set; } = Array.Empty<float>();
        public string Context { get; set; } = "";
        public bool IsControl { get; set; }
        public bool[] TrueTargets { get; set; } = Array.Empty<bool>();
    }

    /// <summary>5 variables, 8 training drugs × 4 doses, 4 new drugs; seconds to fit with a few hundred GIM steps.</summary>
    public static HillScreen SmallScreen(int seed = 7) => HillScreen.Generate(new HillScreenOptions
    {
        Variables = 5,
        TrainDrugs = 8,
        NewDrugs = 4,
        EmbeddingDimension = 4,
        SamplesPerTrainContext = 30,
        ControlSamples = 200,
        SamplesPerTestContext = 40,
        Seed = seed,
    });

    public static List<Cell> Cells(HillScreenSplit split)
    {
        var rows = new List<Cell>();
        for (int c = 0; c < split.Data.Contexts.Count; c++)
        {
            PerturbationContext context = split.Data.Contexts[c];
            for (int i = 0; i < context.SampleCount; i++)
            {
                var cell = new float[split.Data.VariableCount];
                for (int j = 0; j < cell.Length; j++) cell[j] = context.Samples[i, j];
                rows.Add(new Cell
                {
                    Features = context.Features,
                    Measurements = cell,
                    Context = context.Name,
                    IsControl = context.IsControl,
                    TrueTargets = split.Truth[c].Targets,
                });
            }
        }
        return rows;
    }

    /// <summary>The rows as an IDataView, with the vector sizes the estimators need (known at run time, hence a schema definition).</summary>
    public static IDataView Load(MLContext mlContext, HillScreenSplit split)
    {
        var schema = SchemaDefinition.Create(typeof(Cell));
        schema[nameof(Cell.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, split.Data.FeatureCount);
        schema[nameof(Cell.Measurements)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, split.Data.VariableCount);
        schema[nameof(Cell.TrueTargets)].ColumnType = new VectorDataViewType(BooleanDataViewType.Instance, split.Data.VariableCount);
        return mlContext.Data.LoadFromEnumerable(Cells(split), schema);
    }

    /// <summary>The true targets of every context of the screen (context name → flags).</summary>
    public static Dictionary<string, bool[]> Targets(params HillScreenSplit[] splits) =>
        splits.SelectMany(s => s.Truth).ToDictionary(t => t.Name, t => t.Targets);
}
