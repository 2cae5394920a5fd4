using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;

namespace Gim.MLNet.Tests.MLNet.Compare;

/// <summary>The examples of docs/compare.md, verbatim between the "docs:" markers (CompareDocsSnippetTests checks the page), run on a small Hill screen.</summary>
public class CompareDocsExampleTests
{
    private HillScreen _screen = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public void Screen()
    {
        _screen = HillScreenRows.SmallScreen();
        _directory = Path.Combine(Path.GetTempPath(), "gim-compare-docs-" + Guid.NewGuid().ToString("N"));
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void Evaluate()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = HillScreenRows.Load(mlContext, _screen.Train), test = HillScreenRows.Load(mlContext, _screen.PartialOod);
        Dictionary<string, bool[]> trueTargets = HillScreenRows.Targets(_screen.PartialOod);

        // docs: evaluate
        // train, test: one row per cell with Features, Measurements, Context (and IsControl: the control rows are in train)
        var estimator = mlContext.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 300 });
        ITransformer model = estimator.Fit(train);
        IDataView predictions = model.Transform(test);               // keeps Measurements (observed), adds Sample (predicted)

        PerturbationEvaluation evaluation = mlContext.Perturbation().Evaluate(predictions, new PerturbationEvaluationOptions
        {
            ControlStatistics = ControlStatistics.FromData(train),   // the test split has no control rows
            TrueTargets = trueTargets,                               // optional: context -> one flag per variable
        });
        Console.WriteLine($"MMD {evaluation.Mmd:F4}, energy {evaluation.Energy:F3}, target AUROC {evaluation.TargetAuroc:F2}");
        foreach (ContextEvaluation c in evaluation.PerContext.Take(3))
            Console.WriteLine($"{c.Context}: MMD {c.Mmd:F4}, mean RMSE {c.MeanRmse:F3}, Pearson delta {c.PearsonDelta:F2}");
        // docs: end

        Assert.That(evaluation.PerContext, Has.Count.EqualTo(_screen.PartialOod.Data.Contexts.Count));
        Assert.That(evaluation.Metrics.Keys, Does.Contain("target_auroc"));
        ((IDisposable)model).Dispose();
    }

    [Test]
    public void CompareAndSave()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = HillScreenRows.Load(mlContext, _screen.Train);
        IDataView partialOod = HillScreenRows.Load(mlContext, _screen.PartialOod), fullOod = HillScreenRows.Load(mlContext, _screen.FullOod);
        Dictionary<string, bool[]> trueTargets = HillScreenRows.Targets(_screen.PartialOod, _screen.FullOod);
        string outputDirectory = _directory;

        // docs: compare
        Leaderboard board = mlContext.Perturbation().Compare(
            new Dictionary<string, IEstimator<ITransformer>>
            {
                ["GIM (300 steps)"] = mlContext.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 300 }),
                ["GIM (sparser)"] = mlContext.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 300, TargetSparsity = 0.5 }),
                ["Typo"] = mlContext.Transforms.CopyColumns("Sample", "Measurement"),   // fails: no such column
            },
            train,
            new Dictionary<string, IDataView> { ["partial-ood"] = partialOod, ["full-ood"] = fullOod },
            new ComparisonOptions
            {
                Evaluation = { TrueTargets = trueTargets },                             // adds target_auroc/auprc/f1
                Progress = new Progress<ComparisonProgress>(p => Console.WriteLine(p)),
            });

        board.Print(Console.Out);                                                       // every metric: a wide table
        board.Select(PerturbationMetrics.Mmd, PerturbationMetrics.TargetAuroc).Print(Console.Out);
        board.SaveCsv(Path.Combine(outputDirectory, "leaderboard.csv"));
        board.SaveMarkdown(Path.Combine(outputDirectory, "leaderboard.md"));
        LeaderboardRow? best = board.Best("full-ood", PerturbationMetrics.Mmd);
        // docs: end

        Assert.That(board["Typo"].FitError, Does.Contain("Measurement"));
        Assert.That(best!.Method, Does.StartWith("GIM"));
        Assert.That(File.Exists(Path.Combine(outputDirectory, "leaderboard.csv")) && File.Exists(Path.Combine(outputDirectory, "leaderboard.md")), Is.True);
    }

    [Test]
    public void SearchHyperparameters()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = HillScreenRows.Load(mlContext, _screen.Train);

        // docs: search
        var grid = new ParameterGrid { { "TargetSparsity", 0.01, 0.1, 1.0 } };
        HyperparameterSearchResult<ParameterSet> search = mlContext.Perturbation().SearchHyperparameters(train, grid,
            p => mlContext.Perturbation().Trainers.Gim(new GimOptions
            {
                MaxSteps = 300, TargetSparsity = p.Get<double>("TargetSparsity"),
            }),
            new HyperparameterSearchOptions { Metric = PerturbationMetrics.Mmd, ValidationFraction = 0.2, Seed = 1 });
        Console.WriteLine(search);                                   // the best trial, then the trial table

        double targetSparsity = search.BestParameters.Get<double>("TargetSparsity");
        var final = mlContext.Perturbation().Trainers.Gim(new GimOptions
        {
            MaxSteps = 300, TargetSparsity = targetSparsity,
        }).Fit(train);                                               // refit on all the training contexts
        // docs: end

        Assert.That(search.Trials, Has.Count.EqualTo(3));
        Assert.That(targetSparsity, Is.EqualTo(search.Trials.MinBy(t => t.Score)!.Parameters.Get<double>("TargetSparsity")));
        final.Dispose();
    }

    [Test]
    public void SplitByContext()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = HillScreenRows.Load(mlContext, _screen.Train);

        // docs: split
        ContextSplit split = mlContext.Perturbation().SplitByContext(train, validationFraction: 0.2, seed: 1);
        Console.WriteLine($"validation contexts: {string.Join(", ", split.ValidationContexts)}");
        // split.Train keeps the control context; split.Validation holds whole contexts the model never sees
        // docs: end

        Assert.That(split.TrainContexts, Does.Contain("control"));
    }

    [Test]
    public void CrossValidate()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = _screen.Train.Data.ToDataView(mlContext);
        var estimator = mlContext.Perturbation().Trainers.LinearFeatures(new LinearFeaturesOptions { GroupColumnName = "Group" });

        // docs: crossvalidate
        PerturbationCrossValidation cv = mlContext.Perturbation().CrossValidate(data, estimator, folds: 5, groupColumnName: "Group");
        foreach (PerturbationFoldResult fold in cv.Folds)
            Console.WriteLine($"fold {fold.Fold}: held out {string.Join(", ", fold.HeldOutGroups)}, MMD {fold.Evaluation.Mmd:F4}");
        Console.WriteLine($"pooled over every held-out context: MMD {cv.Pooled.Mmd:F4}, Pearson Δ (vs training perturbations) {cv.Pooled.PearsonDeltaPerturbed:F3}");
        // docs: end

        Assert.That(cv.Folds.SelectMany(f => f.HeldOutGroups), Is.EquivalentTo(_screen.Drugs.Where(d => !d.IsNew).Select(d => d.Name)));
    }

    [Test]
    public void ComparingOverSeeds()
    {
        var runs = new List<(int Seed, Leaderboard Board)>();
        foreach (int seed in new[] { 0, 1 })
        {
            HillScreen screen = HillScreenRows.SmallScreen(seed);
            var methods = new Dictionary<string, Func<PerturbationDataset, PerturbationModel>>
            {
                ["gim-linear"] = d => new GimTrainer(new GimOptions { Seed = seed, MaxSteps = 200 }).Fit(d),
                ["training-mean"] = d => new TrainingMeanTrainer().Fit(d),
            };
            runs.Add((seed, ModelComparison.Run(methods, screen.Train.Data,
                new Dictionary<string, PerturbationDataset> { ["food"] = screen.FullOod.Data }, new ModelComparisonOptions { Seed = seed })));
        }
        string csv = Path.Combine(_directory, "results.csv");

        // docs: seeds
        SeedSummary summary = SeedSummary.FromLeaderboards(runs);     // runs: (seed, leaderboard) per seed
        summary.SaveCsv("results.csv");                               // method,split,metric,mean,sd,n_seeds
        foreach (PairedComparison p in summary.Paired("gim-linear", "training-mean"))
            Console.WriteLine($"{p.Split} {p.Metric}: {p.MeanDifference:+0.0000;-0.0000} [{p.Lower:F4}, {p.Upper:F4}], {p.Wins}/{p.Ties}/{p.Losses}");
        // docs: end

        Assert.That(File.ReadLines("results.csv").First(), Is.EqualTo("method,split,metric,mean,sd,n_seeds"));
        File.Delete("results.csv");
        Assert.That(summary.Paired("gim-linear", "training-mean").Single(p => p.Metric == PerturbationMetrics.Mmd).Seeds, Is.EqualTo(2));
    }
}
