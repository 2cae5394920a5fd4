using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

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
}
