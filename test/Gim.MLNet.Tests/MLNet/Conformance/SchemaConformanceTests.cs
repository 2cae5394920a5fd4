using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using NUnit.Framework.Constraints;

namespace Gim.MLNet.Tests.MLNet.Conformance;

/// <summary>
/// Wrong column types and missing columns fail before any training, in GetOutputSchema and in Fit alike,
/// with an <see cref="ArgumentOutOfRangeException"/> naming the column, its role, what it must be and what it is.
/// </summary>
public class SchemaConformanceTests
{
    private sealed class ScalarFeatures
    {
        public float Features { get; set; }
        [VectorType(2)] public float[] Measurements { get; set; } = new float[2];
        public string Context { get; set; } = "a";
        public bool IsControl { get; set; }
    }

    private sealed class VariableSizeMeasurements
    {
        [VectorType(2)] public float[] Features { get; set; } = new float[2];
        public float[] Measurements { get; set; } = new float[2];
        public string Context { get; set; } = "a";
        public bool IsControl { get; set; }
    }

    private sealed class DoubleContext
    {
        [VectorType(2)] public float[] Features { get; set; } = new float[2];
        [VectorType(2)] public float[] Measurements { get; set; } = new float[2];
        public double Context { get; set; }
        public bool IsControl { get; set; }
    }

    private sealed class TextControl
    {
        [VectorType(2)] public float[] Features { get; set; } = new float[2];
        [VectorType(2)] public float[] Measurements { get; set; } = new float[2];
        public string Context { get; set; } = "a";
        public string IsControl { get; set; } = "yes";
    }

    private sealed class DoubleMeasurements
    {
        [VectorType(2)] public float[] Features { get; set; } = new float[2];
        [VectorType(2)] public double[] Measurements { get; set; } = new double[2];
        public string Context { get; set; } = "a";
        public bool IsControl { get; set; }
    }

    public static IEnumerable<TestCaseData> WrongTypes()
    {
        var types = new (string Case, Type Row, string Message)[]
        {
            ("features not a vector", typeof(ScalarFeatures), "Column 'Features' (features): expected a known-size vector of Single (float); found a scalar Single"),
            ("measurements of variable size", typeof(VariableSizeMeasurements), "Column 'Measurements' (measurements): expected a known-size vector of Single (float); found a variable-size vector of Single"),
            ("measurements of Double", typeof(DoubleMeasurements), "Column 'Measurements' (measurements): expected a known-size vector of Single (float); found a known-size vector of Double"),
            ("context of Double", typeof(DoubleContext), "Column 'Context' (context): expected a key, string (Text) or integer column; found a scalar Double"),
            ("control flag of Text", typeof(TextControl), "Column 'IsControl' (control flag): expected a Boolean column; found a scalar String"),
        };
        foreach (ConformanceEstimator estimator in ConformanceEstimators.All)
            foreach (var t in types)
                yield return new TestCaseData(estimator, t.Row, t.Message).SetArgDisplayNames(estimator.Name, t.Case);
    }

    [TestCaseSource(nameof(WrongTypes))]
    public void WrongColumnType_FailsUpFront_NamingColumnExpectedAndFound(ConformanceEstimator estimator, Type row, string message)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = OneRow(mlContext, row);
        IEstimator<ITransformer> created = estimator.Create(mlContext);
        Assert.That(() => created.GetOutputSchema(GimTestData.Shape(data.Schema)),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(message));
        Assert.That(() => created.Fit(data), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(message));
    }

    public static IEnumerable<TestCaseData> MissingColumns()
    {
        var roles = new[] { ("Features", "features"), ("Measurements", "measurements"), ("Context", "context"), ("IsControl", "control flag") };
        foreach (ConformanceEstimator estimator in ConformanceEstimators.All)
            foreach (var (column, role) in roles)
                yield return new TestCaseData(estimator, column, role).SetArgDisplayNames(estimator.Name, column);
    }

    [TestCaseSource(nameof(MissingColumns))]
    public void MissingColumn_FailsUpFront_NamingItAndTheAvailableColumns(ConformanceEstimator estimator, string column, string role)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView full = ConformanceData.Default(mlContext);
        IDataView data = mlContext.Transforms.DropColumns(column).Fit(full).Transform(full);
        IEstimator<ITransformer> created = estimator.Create(mlContext);
        // A constraint is stateful once resolved: build one per assertion.
        IResolveConstraint Expected() => Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains($"Column '{column}' ({role}) was not found in the input; expected")
            .And.Message.Contains("Available columns:");
        Assert.That(() => created.GetOutputSchema(GimTestData.Shape(data.Schema)), Expected());
        Assert.That(() => created.Fit(data), Expected());
    }

    private static IDataView OneRow(MLContext mlContext, Type rowType)
    {
        var rows = Array.CreateInstance(rowType, 1);
        rows.SetValue(Activator.CreateInstance(rowType), 0);
        var load = typeof(DataOperationsCatalog).GetMethods().First(m => m.Name == "LoadFromEnumerable" && m.GetParameters().Length == 2);
        return (IDataView)load.MakeGenericMethod(rowType).Invoke(mlContext.Data, new object?[] { rows, null })!;
    }
}
