using System.Reflection;
using Gim.MLNet.Causal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Support;

/// <summary>Rows with a ready-made features vector (no featurizers) and helpers shared by the ML.NET tests.</summary>
internal static class GimTestData
{
    public const int FeatureCount = 6;

    public sealed class FeatureCell
    {
        [VectorType(FeatureCount)] public float[] Features { get; set; } = Array.Empty<float>();
        [VectorType(TinyLinearScm.Variables)] public float[] Measurements { get; set; } = Array.Empty<float>();
        public string Context { get; set; } = "";
        public bool IsControl { get; set; }
    }

    public static List<FeatureCell> FeatureCells(int cellsPerContext = 100, int seed = 1) =>
        TinyLinearScm.Cells(cellsPerContext, seed).Select(c => new FeatureCell
        {
            Features = TinyLinearScm.Features(c.Reagent, c.Dose),
            Measurements = c.Measurements,
            Context = c.Context,
            IsControl = c.IsControl,
        }).ToList();

    /// <summary>Small, fast training settings for tests.</summary>
    public static GimOptions Options(int steps = 300) => new()
    {
        Seed = 3,
        MaxSteps = steps, EvaluateEvery = 100, LearningRate = 0.05, EncoderWidth = 8,
        CalibrationFolds = 0, // calibration has its own tests (NoveltyCalibrationTests)
    };

    /// <summary>SchemaShape.Create is internal to ML.NET; estimators are normally handed shapes by EstimatorChain.</summary>
    public static SchemaShape Shape(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)!
            .Invoke(null, new object[] { schema })!;

    public static float[][] Column(IDataView data, string name) =>
        data.GetColumn<float[]>(name).ToArray();
}
