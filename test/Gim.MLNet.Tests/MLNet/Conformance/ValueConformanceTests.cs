using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.MLNet.Conformance;

/// <summary>
/// Bad values and degenerate designs fail in Fit, before any training, with an <see cref="ArgumentException"/>
/// that names where the problem is (column, row, slot, context) and what was expected.
/// </summary>
public class ValueConformanceTests
{
    private static IEnumerable<TestCaseData> Each(params (string Case, object[] Args)[] cases)
    {
        foreach (ConformanceEstimator estimator in ConformanceEstimators.All)
            foreach (var c in cases)
                yield return new TestCaseData(c.Args.Prepend(estimator).ToArray()).SetArgDisplayNames(estimator.Name, c.Case);
    }

    public static IEnumerable<TestCaseData> NonFiniteMeasurements() => Each(
        ("NaN", new object[] { float.NaN, "NaN" }),
        ("+Inf", new object[] { float.PositiveInfinity, "Infinity" }),
        ("-Inf", new object[] { float.NegativeInfinity, "-Infinity" }));

    [TestCaseSource(nameof(NonFiniteMeasurements))]
    public void NonFiniteMeasurement_NamesRowColumnSlotAndContext(ConformanceEstimator estimator, float value, string shown)
    {
        var mlContext = new MLContext(seed: 1);
        // Context 1 starts at row 16 (16 cells per context), so its cell 3 is row 19.
        IDataView data = ConformanceData.Contexts().WithCell(1, 3, 2, value).ToDataView(mlContext, variableNames: new[] { "A", "B", "C" });
        Assert.That(() => estimator.Create(mlContext).Fit(data), Throws.ArgumentException
            .With.Message.Contains("Column 'Measurements' (measurements), row 19, slot 2 ('C')")
            .And.Message.Contains($"the value is {shown}")
            .And.Message.Contains("context 'drug1'")
            .And.Message.Contains("expected a finite number"));
    }

    public static IEnumerable<TestCaseData> NonFiniteFeatures() => Each(
        ("NaN", new object[] { float.NaN, "NaN" }),
        ("-Inf", new object[] { float.NegativeInfinity, "-Infinity" }));

    [TestCaseSource(nameof(NonFiniteFeatures))]
    public void NonFiniteFeature_NamesRowColumnSlotAndContext(ConformanceEstimator estimator, float value, string shown)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = ConformanceData.Contexts().WithFeatures(2, new[] { 0f, value }).ToDataView(mlContext);
        Assert.That(() => estimator.Create(mlContext).Fit(data), Throws.ArgumentException
            .With.Message.Contains("Column 'Features' (features), row 32, slot 1 ('f1')")
            .And.Message.Contains($"the value is {shown}")
            .And.Message.Contains("context 'drug2'")
            .And.Message.Contains("expected a finite number"));
    }

    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.All))]
    public void EmptyData_SaysThereAreNoRows(ConformanceEstimator estimator)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = new List<ContextSpec>().ToDataView(mlContext, variables: 3, features: 2);
        Assert.That(() => estimator.Create(mlContext).Fit(data), Throws.ArgumentException
            .With.Message.Contains("The input has no rows; expected one row per cell")
            .And.Message.Contains("'Features', 'Measurements', 'Context', 'IsControl'"));
    }

    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.All))]
    public void NoControlRows_NamesTheControlColumn(ConformanceEstimator estimator)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = ConformanceData.Contexts().Skip(1).ToList().ToDataView(mlContext);
        Assert.That(() => estimator.Create(mlContext).Fit(data), Throws.ArgumentException
            .With.Message.Contains("No row has 'IsControl' = true")
            .And.Message.Contains("32 rows in 2 context(s)")
            .And.Message.Contains("expected the control (unperturbed) cells marked true in column 'IsControl'"));
    }

    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.All))]
    public void ContextWithOneCell_NamesTheContextAndTheMinimum(ConformanceEstimator estimator)
    {
        var mlContext = new MLContext(seed: 1);
        var contexts = ConformanceData.Contexts();
        contexts[2] = contexts[2] with { Cells = contexts[2].Cells.Take(1).ToArray() };
        Assert.That(() => estimator.Create(mlContext).Fit(contexts.ToDataView(mlContext)), Throws.ArgumentException
            .With.Message.Contains("Context 'drug2' has 1 cell(s); at least 2 are needed per context."));
    }

    public static IEnumerable<TestCaseData> DuplicateNames() => Each(
        ("variables", new object[] { "Measurements", "measurements", new[] { "A", "B", "A" }, null! }),
        ("features", new object[] { "Features", "features", null!, new[] { "dose", "dose" } }));

    [TestCaseSource(nameof(DuplicateNames))]
    public void DuplicateSlotNames_NameTheColumnTheNameAndBothSlots(ConformanceEstimator estimator, string column, string role,
        string[]? variableNames, string[]? featureNames)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = ConformanceData.Contexts().ToDataView(mlContext, variableNames: variableNames, featureNames: featureNames);
        string name = (variableNames ?? featureNames)![0];
        int second = variableNames is null ? 1 : 2;
        Assert.That(() => estimator.Create(mlContext).Fit(data), Throws.ArgumentException
            .With.Message.Contains($"Column '{column}' ({role}): slot names must be unique")
            .And.Message.Contains($"'{name}' names slots 0 and {second}"));
    }

    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.All))]
    public void FeaturesOfLengthZero_AreRejectedWithAHint(ConformanceEstimator estimator)
    {
        // ML.NET cannot declare a known-size vector of length 0: it becomes a variable-size vector.
        var mlContext = new MLContext(seed: 1);
        IDataView data = ConformanceData.Contexts(features: 0).ToDataView(mlContext);
        Assert.That(() => estimator.Create(mlContext).Fit(data), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("Column 'Features' (features): expected a known-size vector of Single (float); found a variable-size vector of Single.")
            .And.Message.Contains("a vector declared with length 0 no known size"));
    }
}
