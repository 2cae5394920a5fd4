using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Estimators;

/// <summary>Wrong or missing columns fail up front, naming the column and the type it needs.</summary>
public class GimEstimatorSchemaTests
{
    private readonly MLContext _mlContext = new(seed: 1);

    private sealed class DoubleFeatures
    {
        [VectorType(2)] public double[] Features { get; set; } = { 1, 2 };
        [VectorType(TinyLinearScm.Variables)] public float[] Measurements { get; set; } = new float[TinyLinearScm.Variables];
        public string Context { get; set; } = "a";
        public bool IsControl { get; set; }
    }

    private sealed class VariableFeatures
    {
        public float[] Features { get; set; } = { 1, 2 };
        [VectorType(TinyLinearScm.Variables)] public float[] Measurements { get; set; } = new float[TinyLinearScm.Variables];
        public string Context { get; set; } = "a";
        public bool IsControl { get; set; }
    }

    private sealed class ScalarMeasurements
    {
        [VectorType(2)] public float[] Features { get; set; } = { 1, 2 };
        public float Measurements { get; set; }
        public string Context { get; set; } = "a";
        public bool IsControl { get; set; }
    }

    private sealed class FloatContext
    {
        [VectorType(2)] public float[] Features { get; set; } = { 1, 2 };
        [VectorType(TinyLinearScm.Variables)] public float[] Measurements { get; set; } = new float[TinyLinearScm.Variables];
        public float Context { get; set; }
        public bool IsControl { get; set; }
    }

    private sealed class NoControl
    {
        [VectorType(2)] public float[] Features { get; set; } = { 1, 2 };
        [VectorType(TinyLinearScm.Variables)] public float[] Measurements { get; set; } = new float[TinyLinearScm.Variables];
        public int Context { get; set; }
        public float IsControl { get; set; }
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(typeof(DoubleFeatures), "Column 'Features' (features): expected a known-size vector of Single (float); found a known-size vector of Double").SetName("Features of Double");
        yield return new TestCaseData(typeof(VariableFeatures), "Column 'Features' (features): expected a known-size vector of Single (float); found a variable-size vector of Single").SetName("Features of unknown size");
        yield return new TestCaseData(typeof(ScalarMeasurements), "Column 'Measurements' (measurements): expected a known-size vector of Single (float); found a scalar Single").SetName("Scalar measurements");
        yield return new TestCaseData(typeof(FloatContext), "Column 'Context' (context): expected a key, string (Text) or integer column; found a scalar Single").SetName("Float context");
        yield return new TestCaseData(typeof(NoControl), "Column 'IsControl' (control flag): expected a Boolean column; found a scalar Single").SetName("Float control flag");
    }

    [TestCaseSource(nameof(Cases))]
    public void WrongColumnType_FailsInGetOutputSchemaAndFit_NamingTheColumn(Type rowType, string message)
    {
        IDataView data = Load(rowType);
        GimEstimator estimator = _mlContext.Perturbation().Trainers.Gim(GimTestData.Options());
        Assert.That(() => estimator.GetOutputSchema(GimTestData.Shape(data.Schema)), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(message));
        Assert.That(() => estimator.Fit(data), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(message));
    }

    [Test]
    public void MissingColumn_IsNamed_WithTheAvailableColumns()
    {
        IDataView data = _mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(2));
        var estimator = _mlContext.Perturbation().Trainers.Gim(contextColumnName: "Drug");
        Assert.That(() => estimator.Fit(data), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("Column 'Drug' (context) was not found in the input").And.Message.Contains("'Context'"));
    }

    [Test]
    public void GetOutputSchema_AddsTheFourVectorColumns()
    {
        IDataView data = _mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(2));
        SchemaShape output = _mlContext.Perturbation().Trainers.Gim().GetOutputSchema(GimTestData.Shape(data.Schema));
        foreach (string name in new[] { "Sample", "PredictedMean", "TargetProbabilities", "Shift" })
        {
            SchemaShape.Column column = output.Single(c => c.Name == name);
            Assert.That(column.Kind, Is.EqualTo(SchemaShape.Column.VectorKind.Vector), name);
            Assert.That(column.ItemType, Is.EqualTo(NumberDataViewType.Single), name);
        }
    }

    [Test]
    public void FeaturesDifferingWithinAContext_NameTheContextAndRow()
    {
        var cells = GimTestData.FeatureCells(3);
        cells[4].Features = cells[4].Features.Select(v => v + 1).ToArray(); // second context ("r0@1"), its second row
        var estimator = _mlContext.Perturbation().Trainers.Gim(GimTestData.Options());
        Assert.That(() => estimator.Fit(_mlContext.Data.LoadFromEnumerable(cells)), Throws.ArgumentException
            .With.Message.Contains("Context 'r0@1'").And.Message.Contains("row 4").And.Message.Contains("row 3"));
    }

    [Test]
    public void ControlContextValue_MustOccur()
    {
        var options = GimTestData.Options();
        options.ControlContextValue = "DMSO";
        var estimator = _mlContext.Perturbation().Trainers.Gim(options);
        Assert.That(() => estimator.Fit(_mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(3))),
            Throws.ArgumentException.With.Message.Contains("'DMSO'").And.Message.Contains("'control'"));
    }

    [Test]
    public void Transform_ChecksFeatureSize()
    {
        using var transformer = _mlContext.Perturbation().Trainers.Gim(GimTestData.Options(steps: 5)).Fit(_mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(5)));
        IDataView wrong = _mlContext.Data.LoadFromEnumerable(new[] { new DoubleFeatures() });
        Assert.That(() => transformer.Transform(wrong), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("Column 'Features' (features): expected a vector of 6 Single (float) values"));
    }

    private IDataView Load(Type rowType)
    {
        var rows = Array.CreateInstance(rowType, 1);
        rows.SetValue(Activator.CreateInstance(rowType), 0);
        var method = typeof(DataOperationsCatalog).GetMethods().First(m => m.Name == "LoadFromEnumerable" && m.GetParameters().Length == 2);
        return (IDataView)method.MakeGenericMethod(rowType).Invoke(_mlContext.Data, new object?[] { rows, null })!;
    }
}
