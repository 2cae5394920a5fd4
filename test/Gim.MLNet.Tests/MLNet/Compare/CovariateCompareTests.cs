using Gim.MLNet.Data;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Peers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Compare;

/// <summary>Evaluate and Compare through ML.NET on a screen of several cell lines: shifts measured from each line's own vehicle (<see cref="CovariateControls"/>).</summary>
public class CovariateCompareTests
{
    private static (IDataView Train, IDataView Test, PerturbationDataset TestData, MLContext MlContext) Views()
    {
        var mlContext = new MLContext(seed: 0);
        PerturbationDataset data = CovariateBaselineTests.Screen();
        var train = new PerturbationDataset(data.Contexts.Where(c => c.Name != "d2|B").ToList(), data.VariableNames, data.FeatureNames);
        var test = new PerturbationDataset(data.Contexts.Where(c => c.Name == "d2|B").ToList(), data.VariableNames, data.FeatureNames);
        return (train.ToDataView(mlContext), test.ToDataView(mlContext), test, mlContext);
    }

    [Test]
    public void Evaluate_WithCovariateControls_MeasuresPearsonDeltaFromTheLinesVehicle()
    {
        var (train, test, testData, mlContext) = Views();
        ITransformer model = mlContext.Perturbation().Trainers.TrainingMean(new TrainingMeanOptions { Seed = 1, CovariateFeatures = CovariateBaselineTests.Lines }).Fit(train);
        IDataView predicted = mlContext.Data.Cache(model.Transform(test));
        CovariateControls controls = CovariateControls.FromData(train, CovariateBaselineTests.Lines);
        ControlStatistics space = ControlStatistics.FromData(train);

        // By hand from the rows: standardised means of the draws and of the cells, Pearson delta from line B's vehicle.
        float[][] samples = predicted.GetColumn<float[]>("Sample").ToArray(), cells = predicted.GetColumn<float[]>("Measurements").ToArray();
        double[] Standardised(IEnumerable<float[]> rows) => Enumerable.Range(0, 3)
            .Select(j => (rows.Average(r => (double)(float)((r[j] - space.Mean[j]) / space.Scale[j])))).ToArray();
        double[] vehicle = controls.ReferenceOf(testData.Contexts[0].Features, "d2|B").Select((v, j) => (v - space.Mean[j]) / space.Scale[j]).ToArray();
        double expected = MeanMetrics.PearsonDelta(Standardised(samples), Standardised(cells), vehicle);

        PerturbationEvaluation matched = mlContext.Perturbation().Evaluate(predicted, new PerturbationEvaluationOptions { ControlStatistics = space, CovariateControls = controls });
        PerturbationEvaluation pooled = mlContext.Perturbation().Evaluate(predicted, new PerturbationEvaluationOptions { ControlStatistics = space });
        TestContext.Out.WriteLine($"Pearson delta from line B's vehicle {matched.PerContext[0].PearsonDelta:F4} (by hand {expected:F4}); pooled {pooled.PerContext[0].PearsonDelta:F4}");
        Assert.That(matched.PerContext[0].PearsonDelta, Is.EqualTo(expected).Within(1e-5));
        Assert.That(Math.Abs(matched.PerContext[0].PearsonDelta - pooled.PerContext[0].PearsonDelta), Is.GreaterThan(0.05));

        IDataView noFeatures = mlContext.Transforms.DropColumns("Features").Fit(predicted).Transform(predicted);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Perturbation().Evaluate(noFeatures,
            new PerturbationEvaluationOptions { ControlStatistics = space, CovariateControls = controls }))!.Message,
            Does.Contain("Column 'Features' (features (PerturbationEvaluationOptions.CovariateControls finds each context's covariate level by them)) was not found"));
    }

    [Test]
    public void Compare_WithCovariateControls_ScoresEveryEstimator_AndRefusesAnUnseenLevelBeforeFitting()
    {
        var (train, test, _, mlContext) = Views();
        var options = new ComparisonOptions { Evaluation = { CovariateControls = CovariateControls.FromData(train, CovariateBaselineTests.Lines) } };
        var trainingMean = new TrainingMeanOptions { Seed = 1, CovariateFeatures = CovariateBaselineTests.Lines };
        Leaderboard Run(ComparisonOptions o) => mlContext.Perturbation().Compare(new Dictionary<string, IEstimator<ITransformer>>
        {
            ["Control"] = mlContext.Perturbation().Trainers.Control(new ControlOptions { Seed = 1, CovariateFeatures = CovariateBaselineTests.Lines }),
            ["TrainingMean"] = mlContext.Perturbation().Trainers.TrainingMean(trainingMean),
        }, train, new Dictionary<string, IDataView> { ["new"] = test }, o);
        Leaderboard board = Run(options), pooled = Run(new ComparisonOptions());
        Assert.That(board.Rows.All(r => r.Succeeded), Is.True, string.Join("; ", board.Rows.Select(r => r.Error)));

        // Compare scores as Evaluate does with the same controls (the seeded graph replays its draws), and not as the pooled control would.
        ITransformer model = mlContext.Perturbation().Trainers.TrainingMean(trainingMean).Fit(train);
        PerturbationEvaluation evaluated = mlContext.Perturbation().Evaluate(model.Transform(test), new PerturbationEvaluationOptions
        {
            ControlStatistics = ControlStatistics.FromData(train), CovariateControls = options.Evaluation.CovariateControls,
        });
        double compared = board["TrainingMean"].Value("new", PerturbationMetrics.PearsonDelta);
        TestContext.Out.WriteLine($"TrainingMean Pearson delta: Compare {compared:F4}, Evaluate {evaluated.PearsonDelta:F4}, pooled {pooled["TrainingMean"].Value("new", PerturbationMetrics.PearsonDelta):F4}");
        Assert.That(compared, Is.EqualTo(evaluated.PearsonDelta).Within(1e-9));
        Assert.That(Math.Abs(compared - pooled["TrainingMean"].Value("new", PerturbationMetrics.PearsonDelta)), Is.GreaterThan(0.05));

        var mlContext2 = new MLContext(seed: 0);
        var unseen = new PerturbationDataset(new[] { new PerturbationContext("d1|D", new[] { 1f, 1, 0.5f, 0 }, CovariateBaselineTests.Screen().Contexts[1].Samples) },
            new[] { "g1", "g2", "g3" }, new[] { "desc", "dose", "line=B", "line=C" }).ToDataView(mlContext2);
        // Refused before any fit, naming the split and the context.
        Assert.That(Assert.Throws<ArgumentException>(() => mlContext.Perturbation().Compare(new Dictionary<string, IEstimator<ITransformer>>
        {
            ["Control"] = mlContext.Perturbation().Trainers.Control(),
        }, train, new Dictionary<string, IDataView> { ["new"] = unseen }, options))!.Message,
            Does.Contain("Compare: split 'new': Context 'd1|D': its covariates (line=B = 0.5, line=C = 0) are no level"));
    }

    /// <summary>
    /// The screen's vehicles share one group ("vehicle"); without covariate controls a fold holds out lines B's and C's
    /// vehicles and the covariate-aware baseline cannot fit it. With them those vehicles stay in every training fold.
    /// </summary>
    [Test]
    public void CrossValidate_WithCovariateControls_KeepsEveryLinesVehicleInTraining()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = CovariateBaselineTests.Screen().ToDataView(mlContext);
        var estimator = mlContext.Perturbation().Trainers.TrainingMean(new TrainingMeanOptions { CovariateFeatures = CovariateBaselineTests.Lines, GroupColumnName = "Group" });
        var options = new PerturbationEvaluationOptions { CovariateControls = CovariateControls.FromData(data, CovariateBaselineTests.Lines) };

        PerturbationCrossValidation result = mlContext.Perturbation().CrossValidate(data, estimator, folds: 2, options: options, seed: 1);
        var held = result.Folds.SelectMany(f => f.HeldOutContexts).ToList();
        Assert.That(held, Does.Not.Contain("vehicle|B").And.Not.Contain("vehicle|C"));
        Assert.That(held, Is.EquivalentTo(new[] { "d1|A", "d2|A", "d3|A", "d1|B", "d2|B" }));

        Assert.That(Assert.Throws<ArgumentException>(() => mlContext.Perturbation().CrossValidate(data, estimator, folds: 4, seed: 1))!.Message,
            Does.Contain("no control of its own"), "without them, the fold holding out the vehicles cannot be fitted");
    }

    /// <summary>
    /// SplitByContext keeps the contexts it is told to in training, and SearchHyperparameters with covariate controls
    /// keeps every line's vehicle there by itself; without either, some seeds hold out the vehicles' group.
    /// </summary>
    [Test]
    public void SplitByContext_AndSearchHyperparameters_KeepEveryLinesVehicleInTraining()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = CovariateBaselineTests.Screen().ToDataView(mlContext);
        string[] vehicles = { "vehicle|B", "vehicle|C" };
        int heldWithout = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            ContextSplit plain = mlContext.Perturbation().SplitByContext(data, validationFraction: 0.4, seed: seed, groupColumnName: "Group");
            if (plain.ValidationContexts.Intersect(vehicles).Any()) heldWithout++;
            ContextSplit kept = mlContext.Perturbation().SplitByContext(data, validationFraction: 0.4, seed: seed, groupColumnName: "Group", keepInTraining: vehicles);
            Assert.That(kept.ValidationContexts, Has.None.AnyOf(vehicles), $"seed {seed}");
            Assert.That(kept.TrainContexts, Is.SupersetOf(vehicles), $"seed {seed}");
            Assert.That(kept.ValidationContexts, Is.Not.Empty);
        }
        TestContext.Out.WriteLine($"without keepInTraining the vehicles were held out in {heldWithout} of 20 splits");
        Assert.That(heldWithout, Is.GreaterThan(0), "the vehicles' group is a group like any other without it");
        Assert.That(() => mlContext.Perturbation().SplitByContext(data, keepInTraining: new[] { "vehicle|Z" }),
            Throws.ArgumentException.With.Message.Contains("keepInTraining names 'vehicle|Z', which is no context of column 'Context'"));

        var grid = new ParameterGrid { { "Fraction", 0.4 } };
        var options = new PerturbationEvaluationOptions { CovariateControls = CovariateControls.FromData(data, CovariateBaselineTests.Lines) };
        for (int seed = 0; seed < 20; seed++)
        {
            HyperparameterSearchResult<ParameterSet> search = mlContext.Perturbation().SearchHyperparameters(data, grid,
                _ => mlContext.Perturbation().Trainers.TrainingMean(new TrainingMeanOptions { CovariateFeatures = CovariateBaselineTests.Lines }),
                new HyperparameterSearchOptions { Evaluation = options, ValidationFraction = 0.4, GroupColumnName = "Group", Seed = seed });
            Assert.That(search.Split.ValidationContexts, Has.None.AnyOf(vehicles), $"seed {seed}");
            Assert.That(search.Best.Error, Is.Null, $"seed {seed}: the covariate-aware baseline fits, every line's vehicle in training");
        }
    }
}
