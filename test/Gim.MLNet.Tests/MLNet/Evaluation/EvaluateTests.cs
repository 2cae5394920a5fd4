using Gim.MLNet.Data;
using Gim.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Evaluation;

/// <summary>Evaluate reads the columns, standardises by the control cells and gives exactly what the Metrics library gives on the same arrays.</summary>
public class EvaluateTests
{
    private const int D = 3;

    public sealed class Row
    {
        public string Context { get; set; } = "";
        public bool IsControl { get; set; }
        [VectorType(D)] public float[] Sample { get; set; } = Array.Empty<float>();
        [VectorType(D)] public float[] Measurements { get; set; } = Array.Empty<float>();
        [VectorType(D)] public float[] TargetProbabilities { get; set; } = Array.Empty<float>();
        [VectorType(D)] public bool[] TrueTargets { get; set; } = Array.Empty<bool>();
    }

    /// <summary>Observed and predicted cells of a control and two perturbed contexts, with per-variable offsets and scales.</summary>
    private static List<Row> Rows()
    {
        var random = new Random(5);
        float Normal(double mean, double sd) => (float)(mean + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        double[] offset = { 10, -3, 0.5 }, scale = { 2, 0.5, 1 };
        var contexts = new (string Name, bool Control, int Rows, double[] ObservedShift, double[] PredictedShift, float[] Pi, bool[] Truth)[]
        {
            ("control", true, 40, new double[D], new double[D], new float[D], new bool[D]),
            ("a", false, 30, new[] { 2.0, 0, 0 }, new[] { 1.5, 0.2, 0 }, new[] { 0.9f, 0.2f, 0.1f }, new[] { true, false, false }),
            ("b", false, 25, new[] { 0, -1.0, 0.5 }, new[] { 0.3, -0.4, 0.1 }, new[] { 0.3f, 0.7f, 0.6f }, new[] { false, true, false }),
        };
        var rows = new List<Row>();
        foreach (var c in contexts)
            for (int i = 0; i < c.Rows; i++)
                rows.Add(new Row
                {
                    Context = c.Name,
                    IsControl = c.Control,
                    Measurements = Enumerable.Range(0, D).Select(j => Normal(offset[j] + c.ObservedShift[j] * scale[j], scale[j])).ToArray(),
                    Sample = Enumerable.Range(0, D).Select(j => Normal(offset[j] + c.PredictedShift[j] * scale[j], scale[j] * 1.2)).ToArray(),
                    TargetProbabilities = c.Pi,
                    TrueTargets = c.Truth,
                });
        // Interleave the contexts' rows: grouping must not depend on row order.
        return rows.OrderBy(_ => random.Next()).ToList();
    }

    private static float[,] Matrix(IEnumerable<float[]> rows)
    {
        var list = rows.ToList();
        var m = new float[list.Count, D];
        for (int i = 0; i < list.Count; i++)
            for (int j = 0; j < D; j++) m[i, j] = list[i][j];
        return m;
    }

    [Test]
    public void Evaluate_MatchesTheMetricsLibraryOnTheSameStandardisedArrays()
    {
        var mlContext = new MLContext(seed: 1);
        List<Row> rows = Rows();
        PerturbationEvaluation evaluation = mlContext.Perturbation().Evaluate(mlContext.Data.LoadFromEnumerable(rows), new PerturbationEvaluationOptions
        {
            SinkhornEpsilon = 10,
            TopK = 2,
        });

        Standardizer control = Standardizer.FitRows(new[] { Matrix(rows.Where(r => r.IsControl).Select(r => r.Measurements)) }, D);
        Assert.That(evaluation.ControlStatistics.Mean, Is.EqualTo(control.Mean));
        Assert.That(evaluation.ControlStatistics.Scale, Is.EqualTo(control.Scale));
        Assert.That(evaluation.PerContext.Select(c => c.Context), Is.EquivalentTo(new[] { "control", "a", "b" }));
        var zero = new double[D];
        foreach (ContextEvaluation c in evaluation.PerContext)
        {
            var mine = rows.Where(r => r.Context == c.Context).ToList();
            float[,] p = control.Transform(Matrix(mine.Select(r => r.Sample)));
            float[,] q = control.Transform(Matrix(mine.Select(r => r.Measurements)));
            double[] pm = MeanMetrics.ColumnMeans(p), qm = MeanMetrics.ColumnMeans(q);
            Assert.Multiple(() =>
            {
                Assert.That(c.Rows, Is.EqualTo(mine.Count));
                Assert.That(c.IsControl, Is.EqualTo(c.Context == "control"));
                Assert.That(c.Mmd, Is.EqualTo(DistributionDistances.MmdMultiScale(p, q)).Within(1e-12), "mmd");
                Assert.That(c.MmdUnbiased, Is.EqualTo(DistributionDistances.MmdMultiScale(p, q, unbiased: true)).Within(1e-12), "mmd_unbiased");
                Assert.That(c.MmdMedian, Is.EqualTo(DistributionDistances.MmdMedianHeuristic(p, q)).Within(1e-12), "mmd_median");
                Assert.That(c.MmdMedianUnbiased, Is.EqualTo(DistributionDistances.MmdMedianHeuristic(p, q, unbiased: true)).Within(1e-12), "mmd_median_unbiased");
                Assert.That(c.Energy, Is.EqualTo(DistributionDistances.Energy(p, q)).Within(1e-12), "energy");
                Assert.That(c.Sinkhorn, Is.EqualTo(DistributionDistances.Sinkhorn(p, q, 10)).Within(1e-12), "sinkhorn");
                Assert.That(c.MeanRmse, Is.EqualTo(MeanMetrics.Rmse(pm, qm)).Within(1e-12), "mean_rmse");
                Assert.That(c.RSquared, Is.EqualTo(MeanMetrics.RSquared(pm, qm)).Within(1e-12), "r2");
                if (c.IsControl)
                {
                    Assert.That(c.RSquaredTopK, Is.NaN, "a control context has no shifted variables");
                    Assert.That(c.PearsonDelta, Is.NaN, "a control context has no shift to correlate");
                }
                else
                {
                    Assert.That(c.RSquaredTopK, Is.EqualTo(MeanMetrics.RSquared(pm, qm, MeanMetrics.TopKMostShifted(qm, zero, 2))).Within(1e-12), "r2_topk");
                    Assert.That(c.PearsonDelta, Is.EqualTo(MeanMetrics.PearsonDelta(pm, qm, zero)).Within(1e-12), "pearson_delta");
                    int[] top = MeanMetrics.TopKMostShifted(qm, zero, 2);
                    double[] Pick(double[] v) => top.Select(j => v[j]).ToArray();
                    Assert.That(c.PearsonDeltaTopK, Is.EqualTo(MeanMetrics.PearsonDelta(Pick(pm), Pick(qm), Pick(zero))).Within(1e-12), "pearson_delta_topk");
                }
            });
        }
        foreach (string metric in new[] { "mmd", "mmd_unbiased", "mmd_median", "mmd_median_unbiased", "energy", "sinkhorn", "mean_rmse", "r2" })
            Assert.That(evaluation.Metrics[metric], Is.EqualTo(evaluation.PerContext.Average(c => c[metric])).Within(1e-12), metric);
        foreach (string metric in new[] { "r2_topk", "pearson_delta", "pearson_delta_topk" })
            Assert.That(evaluation.Metrics[metric], Is.EqualTo(evaluation.PerContext.Where(c => !c.IsControl).Average(c => c[metric])).Within(1e-12),
                $"{metric}: NaN (undefined) values are left out of the average");
        Assert.That(evaluation.Metrics.Keys, Has.None.StartWith("target_"), "no true targets were given");
    }

    [Test]
    public void Evaluate_TargetMetrics_FromAColumnOrADictionary_PoolThePerturbedContexts()
    {
        var mlContext = new MLContext(seed: 1);
        List<Row> rows = Rows();
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        var byColumn = mlContext.Perturbation().Evaluate(data, new PerturbationEvaluationOptions { TrueTargetsColumnName = "TrueTargets" });
        var byDictionary = mlContext.Perturbation().Evaluate(data, new PerturbationEvaluationOptions
        {
            TrueTargets = new Dictionary<string, bool[]> { ["a"] = new[] { true, false, false }, ["b"] = new[] { false, true, false } },
            TargetThreshold = 0.65,
        });

        // Contexts in order of first appearance; the control (dose 0) is not a target-recovery case.
        var order = rows.Select(r => r.Context).Distinct().Where(c => c != "control").ToList();
        var scores = order.SelectMany(c => rows.First(r => r.Context == c).TargetProbabilities.Select(v => (double)v)).ToList();
        var labels = order.SelectMany(c => rows.First(r => r.Context == c).TrueTargets).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(byColumn.TargetPairs, Is.EqualTo(2 * D));
            Assert.That(byColumn.TargetAuroc, Is.EqualTo(ClassificationMetrics.Auroc(scores, labels)).Within(1e-7));
            Assert.That(byColumn.TargetAuprc, Is.EqualTo(ClassificationMetrics.Auprc(scores, labels)).Within(1e-7));
            Assert.That(byColumn.TargetF1, Is.EqualTo(ClassificationMetrics.F1(scores, labels, 0.5)).Within(1e-7));
            Assert.That(byDictionary.TargetAuroc, Is.EqualTo(byColumn.TargetAuroc));
            Assert.That(byDictionary.TargetF1, Is.EqualTo(ClassificationMetrics.F1(scores, labels, 0.65)).Within(1e-7));
            Assert.That(byDictionary.TargetF1, Is.Not.EqualTo(byColumn.TargetF1), "the threshold matters here (0.6 and 0.7 are on either side)");
        });
    }

    [Test]
    public void Evaluate_TargetMetrics_AreSkippedForAMethodWithoutTargetProbabilities()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Transforms.DropColumns("TargetProbabilities").Fit(mlContext.Data.LoadFromEnumerable(Rows()))
            .Transform(mlContext.Data.LoadFromEnumerable(Rows()));
        var evaluation = mlContext.Perturbation().Evaluate(data, new PerturbationEvaluationOptions { TrueTargetsColumnName = "TrueTargets" });
        Assert.That(evaluation.TargetAuroc, Is.NaN);
        Assert.That(evaluation.Metrics.ContainsKey(PerturbationMetrics.TargetAuroc), Is.False);
        Assert.That(evaluation.TargetPairs, Is.Zero);
    }

    [Test]
    public void Evaluate_WithoutControlRows_AsksForControlStatistics_AndUsesThemWhenGiven()
    {
        var mlContext = new MLContext(seed: 1);
        List<Row> rows = Rows();
        IDataView all = mlContext.Data.LoadFromEnumerable(rows);
        IDataView perturbedOnly = mlContext.Transforms.DropColumns("IsControl").Fit(all)
            .Transform(mlContext.Data.LoadFromEnumerable(rows.Where(r => !r.IsControl)));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Perturbation().Evaluate(perturbedOnly));
        Assert.That(error!.Message, Does.Contain("'IsControl'").And.Contain("ControlStatistics"));

        ControlStatistics statistics = ControlStatistics.FromData(all);
        var withStatistics = mlContext.Perturbation().Evaluate(perturbedOnly, new PerturbationEvaluationOptions { ControlStatistics = statistics });
        var withControls = mlContext.Perturbation().Evaluate(all, new PerturbationEvaluationOptions { ScoreControlContexts = false });
        Assert.That(withStatistics.PerContext, Is.EqualTo(withControls.PerContext), "same space, same contexts, same numbers");
        Assert.That(withStatistics.Mmd, Is.EqualTo(withControls.Mmd));
    }

    [Test]
    public void Evaluate_ControlContextValue_ReplacesTheControlColumn()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(Rows());
        var byValue = mlContext.Perturbation().Evaluate(data, new PerturbationEvaluationOptions { ControlColumnName = null, ControlContextValue = "control" });
        var byColumn = mlContext.Perturbation().Evaluate(data);
        Assert.That(byValue.PerContext, Is.EqualTo(byColumn.PerContext));
    }

    [Test]
    public void Evaluate_OptionalMetrics_AreAbsentWhenTurnedOff()
    {
        var mlContext = new MLContext(seed: 1);
        var evaluation = mlContext.Perturbation().Evaluate(mlContext.Data.LoadFromEnumerable(Rows()), new PerturbationEvaluationOptions
        {
            UnbiasedMmd = false,
            MedianHeuristicMmd = false,
        });
        Assert.That(evaluation.Metrics.Keys, Is.EqualTo(new[] { "mmd", "energy", "mean_rmse", "r2", "r2_topk", "pearson_delta", "pearson_delta_topk" }));
        Assert.That(evaluation.MmdUnbiased, Is.NaN);
        Assert.That(evaluation.Sinkhorn, Is.NaN);
        Assert.That(evaluation.PerContext.All(c => double.IsNaN(c.MmdMedian) && double.IsNaN(c.MmdMedianUnbiased)), Is.True);
    }

    [TestCase("Sample", "predicted samples")]
    [TestCase("Measurements", "observed cells")]
    [TestCase("Context", "context")]
    public void Evaluate_NamesAMissingColumnAndItsRole(string column, string role)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Transforms.DropColumns(column).Fit(mlContext.Data.LoadFromEnumerable(Rows())).Transform(mlContext.Data.LoadFromEnumerable(Rows()));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Perturbation().Evaluate(data));
        Assert.That(error!.Message, Does.Contain($"Column '{column}' ({role}) was not found"));
    }

    [Test]
    public void Evaluate_NamesAMistypedColumn()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Transforms.Conversion.ConvertType("Sample", "Sample", DataKind.Double)
            .Fit(mlContext.Data.LoadFromEnumerable(Rows())).Transform(mlContext.Data.LoadFromEnumerable(Rows()));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Perturbation().Evaluate(data));
        Assert.That(error!.Message, Does.Contain("Column 'Sample' (predicted samples): expected a known-size vector of Single"));
    }

    [Test]
    public void Evaluate_ACopyOfTheObservedCells_ScoresPerfectly()
    {
        // Any estimator's output works: an ML.NET-only "oracle" that copies the observed cells into Sample.
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(Rows());
        IDataView oracle = mlContext.Transforms.CopyColumns("Sample", "Measurements").Fit(data).Transform(data);
        var evaluation = mlContext.Perturbation().Evaluate(oracle);
        Assert.That(evaluation.Mmd, Is.EqualTo(0).Within(1e-12));
        Assert.That(evaluation.Energy, Is.EqualTo(0).Within(1e-12));
        Assert.That(evaluation.MeanRmse, Is.EqualTo(0));
        Assert.That(evaluation.RSquared, Is.EqualTo(1));
        Assert.That(evaluation.PearsonDelta, Is.EqualTo(1).Within(1e-12));
    }
}
