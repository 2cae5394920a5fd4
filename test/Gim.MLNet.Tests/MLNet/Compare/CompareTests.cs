using System.Globalization;
using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.MLNet.Compare;

/// <summary>Compare on a small Hill screen: GIM, an ML.NET-only oracle, an estimator that fails to fit, one whose predictions cannot be evaluated,
/// and two peers: Control (no effect) and TwoStageCausal (which also reports target probabilities).</summary>
public class CompareTests
{
    private Leaderboard _board = null!;
    private StandIns.Recorder<ComparisonProgress> _progress = null!;
    private List<string> _log = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public void RunCompare()
    {
        _directory = Path.Combine(Path.GetTempPath(), "gim-compare-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        HillScreen screen = HillScreenRows.SmallScreen();
        var mlContext = new MLContext(seed: 1);
        var log = new List<string>();
        mlContext.Log += (_, e) => { lock (log) log.Add(e.Message); };
        var gim = new GimOptions { Seed = 3, MaxSteps = 300, LearningRate = 0.05, EncoderWidth = 8 };
        _progress = new StandIns.Recorder<ComparisonProgress>();

        _board = mlContext.Perturbation().Compare(
            new Dictionary<string, IEstimator<ITransformer>>
            {
                ["GIM"] = mlContext.Perturbation().Trainers.Gim(gim),
                ["Oracle"] = StandIns.Oracle(mlContext),
                ["Broken"] = new StandIns.Throwing(),
                ["WrongSize"] = StandIns.WrongSize(mlContext),
                ["Control"] = mlContext.Perturbation().Trainers.Control(new ControlOptions { Seed = 3 }),
                ["TwoStageCausal"] = mlContext.Perturbation().Trainers.TwoStageCausal(new TwoStageCausalOptions { Seed = 3, MaxSteps = 300 }),
            },
            HillScreenRows.Load(mlContext, screen.Train),
            new Dictionary<string, IDataView>
            {
                ["partial-ood"] = HillScreenRows.Load(mlContext, screen.PartialOod),
                ["full-ood"] = HillScreenRows.Load(mlContext, screen.FullOod),
            },
            new ComparisonOptions
            {
                Evaluation = { TrueTargets = HillScreenRows.Targets(screen.PartialOod, screen.FullOod) },
                Progress = _progress,
            });
        lock (log) _log = log.ToList();
        TestContext.Out.WriteLine(_board);
    }

    [OneTimeTearDown]
    public void CleanUp() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Leaderboard_HasOneRowPerEstimator_AndAColumnPerMetricAndSplit()
    {
        Assert.That(_board.Rows.Select(r => r.Method), Is.EqualTo(new[] { "GIM", "Oracle", "Broken", "WrongSize", "Control", "TwoStageCausal" }));
        Assert.That(_board.Splits, Is.EqualTo(new[] { "partial-ood", "full-ood" }));
        Assert.That(_board.Metrics, Is.EqualTo(new[] { "mmd", "mmd_unbiased", "mmd_median", "mmd_median_unbiased", "energy", "mean_rmse", "r2", "r2_topk", "pearson_delta", "pearson_delta_topk", "pearson_delta_pert",
            "coverage90", "target_auroc", "target_auprc", "target_f1" }));
        Assert.That(_board.Columns.Select(c => c.Name), Does.Contain("fit_seconds").And.Contain("partial-ood/mmd").And.Contain("full-ood/predict_seconds"));
        Assert.That(_board.Columns, Has.Count.EqualTo(1 + 2 * (_board.Metrics.Count + 1)));
    }

    [Test]
    public void FailingEstimator_IsReportedInItsRow_AndTheOthersSucceed()
    {
        LeaderboardRow broken = _board["Broken"];
        Assert.That(broken.Succeeded, Is.False);
        Assert.That(broken.FitError, Is.EqualTo("InvalidOperationException: " + StandIns.Throwing.Message));
        Assert.That(broken.FitSeconds, Is.Null);
        Assert.That(broken.Value("partial-ood", "mmd"), Is.NaN);

        LeaderboardRow wrongSize = _board["WrongSize"];
        Assert.That(wrongSize.FitSeconds, Is.Not.Null, "it fitted; its splits failed");
        Assert.That(wrongSize.SplitErrors.Keys, Is.EquivalentTo(new[] { "partial-ood", "full-ood" }));
        Assert.That(wrongSize.SplitErrors["full-ood"], Does.Contain("Column 'Sample' (predicted samples) has 11 values per row but column 'Measurements' (observed cells) has 5"));
        Assert.That(wrongSize.Error, Does.StartWith("split 'partial-ood': "));

        foreach (string method in new[] { "GIM", "Oracle", "Control", "TwoStageCausal" })
        {
            LeaderboardRow row = _board[method];
            Assert.That(row.Succeeded, Is.True, row.Error);
            Assert.That(row.FitSeconds, Is.GreaterThan(0));
            Assert.That(_board.Splits.All(s => row.PredictSeconds[s] > 0), Is.True);
        }
    }

    [Test]
    public void Metrics_AreThoseOfEvaluate_AndSensible()
    {
        LeaderboardRow gim = _board["GIM"], oracle = _board["Oracle"], control = _board["Control"];
        // On partial-ood (the training drugs at new doses) GIM is far closer than the no-effect Control peer: measured MMD² 0.0446
        // against 0.187 (ratio 0.24); half of Control's is the bound. On full-ood (new drugs) they are close (0.112 against 0.122),
        // so only partial-ood is checked.
        Assert.That(gim.Value("partial-ood", "mmd"), Is.LessThan(0.5 * control.Value("partial-ood", "mmd")), "GIM predicts the effects; Control predicts none");
        // Target AUROC above chance (0.5). Under chance its standard error is √((P + N + 1) / (12 P N)): partial-ood has P = 65 of
        // 200 (variable, context) pairs, SE 0.044; full-ood P = 32 of 80, SE 0.066. Measured: 0.824 and 0.678. The bounds are
        // 0.5 + 4.5 SE = 0.70 and 0.5 + 1.5 SE = 0.60 (contexts of one drug share its targets, so the pairs are not independent
        // and the true SE is larger).
        Assert.That(gim.Value("partial-ood", "target_auroc"), Is.GreaterThan(0.70), "GIM's target probabilities rank the true targets first");
        Assert.That(gim.Value("full-ood", "target_auroc"), Is.GreaterThan(0.60), "GIM's target probabilities rank the true targets first");
        foreach (string split in _board.Splits)
        {
            Assert.That(oracle.Value(split, "mmd"), Is.EqualTo(0).Within(1e-12), "the oracle predicts the observed cells");
            Assert.That(oracle.Value(split, "r2"), Is.EqualTo(1));
            Assert.That(gim.Value(split, "mmd"), Is.GreaterThan(0));
            Assert.That(double.IsNaN(oracle.Value(split, "target_auroc")), Is.True, "the oracle has no notion of targets");
            Assert.That(double.IsNaN(control.Value(split, "target_auroc")), Is.True, "neither has Control");
            PerturbationEvaluation evaluation = gim.Evaluations[split];
            Assert.That(gim.Metrics[split], Is.SameAs(evaluation.Metrics));
            Assert.That(evaluation.PerContext.Any(c => c.IsControl), Is.False, "test splits have no control rows");
            Assert.That(_board.Best(split, "mmd")!.Method, Is.EqualTo("Oracle"));
            Assert.That(_board.Best(split, "r2")!.Method, Is.EqualTo("Oracle"), "higher is better");
            // Two rows have a target AUROC (measured: partial-ood GIM 0.824, TwoStageCausal 0.852; full-ood GIM 0.678,
            // TwoStageCausal 0.518): the best is the higher, whichever it is.
            LeaderboardRow[] withTargets = _board.Rows.Where(r => !double.IsNaN(r.Value(split, "target_auroc"))).ToArray();
            Assert.That(withTargets.Select(r => r.Method), Is.EquivalentTo(new[] { "GIM", "TwoStageCausal" }));
            Assert.That(withTargets[0].Value(split, "target_auroc"), Is.Not.EqualTo(withTargets[1].Value(split, "target_auroc")));
            Assert.That(_board.Best(split, "target_auroc")!.Method, Is.EqualTo(withTargets.MaxBy(r => r.Value(split, "target_auroc"))!.Method));
        }
        Assert.That(gim.Evaluations["partial-ood"].PerContext, Has.Count.EqualTo(8 * 5));
        Assert.That(gim.Evaluations["full-ood"].TargetPairs, Is.EqualTo(4 * 4 * 5));
    }

    [Test]
    public void Progress_ReportsEveryStage_ToIProgressAndToTheMLContextLog()
    {
        var reports = _progress.Reports;
        Assert.That(reports.Where(p => p.Stage == ComparisonStage.Fitting).Select(p => p.Method), Is.EqualTo(new[] { "GIM", "Oracle", "Broken", "WrongSize", "Control", "TwoStageCausal" }));
        Assert.That(reports.Count(p => p.Stage == ComparisonStage.Evaluated), Is.EqualTo(8), "GIM, Oracle, Control and TwoStageCausal × 2 splits");
        Assert.That(reports.Where(p => p.Stage == ComparisonStage.Failed).Select(p => (p.Method, p.Split)),
            Is.EqualTo(new[] { ("Broken", (string?)null), ("WrongSize", "partial-ood"), ("WrongSize", "full-ood") }));
        Assert.That(reports.All(p => p.MethodCount == 6), Is.True);
        Assert.That(reports.Select(p => p.Elapsed), Is.Ordered);
        Assert.That(reports[0].ToString(), Does.StartWith("[1/6] GIM: fitting ("));
        foreach (ComparisonProgress report in reports)
            Assert.That(_log.Any(m => m.Contains(report.ToString(), StringComparison.Ordinal)), Is.True, $"mlContext.Log has '{report}'");
    }

    [Test]
    public void ToString_IsAnAlignedTable()
    {
        string[] lines = _board.ToString().TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2 + 6));
        Assert.That(lines[0], Does.StartWith("method ").And.Contain("partial-ood/mmd").And.EndWith("error"));
        // The dashes line marks every column; each value ends where its header ends (right-aligned numbers).
        string[] headers = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] dashes = lines[1].Split("  ");
        Assert.That(dashes, Has.Length.EqualTo(headers.Length));
        int end = dashes[0].Length;
        for (int c = 1; c < headers.Length - 1; c++)
        {
            end += 2 + dashes[c].Length;
            foreach (string line in lines.Skip(2).Prepend(lines[0]))
                Assert.That(line[end - 1], Is.Not.EqualTo(' '), $"column {headers[c]} ends at {end} in '{line}'");
        }
        Assert.That(lines.Single(l => l.StartsWith("Broken", StringComparison.Ordinal)), Does.Contain(" - ").And.Contain("deliberate failure | with, a comma and \"quotes\" and a second line"));
        var printed = new StringWriter();
        _board.Print(printed);
        Assert.That(printed.ToString(), Is.EqualTo(_board.ToString()));
    }

    [Test]
    public void Select_KeepsTheChosenMetricsAndTheTimes()
    {
        Leaderboard narrow = _board.Select(PerturbationMetrics.Mmd, PerturbationMetrics.TargetAuroc);
        Assert.That(narrow.Columns.Select(c => c.Name), Is.EqualTo(new[] { "fit_seconds", "partial-ood/mmd", "partial-ood/target_auroc",
            "partial-ood/predict_seconds", "full-ood/mmd", "full-ood/target_auroc", "full-ood/predict_seconds" }));
        Assert.That(narrow.Rows, Is.SameAs(_board.Rows));
        Assert.That(() => _board.Select("nope"), Throws.ArgumentException.With.Message.Contains("Unknown metric 'nope'"));
    }

    [Test]
    public void SaveCsv_WritesEveryValueRoundTrip_AndQuotesTheErrors()
    {
        string path = Path.Combine(_directory, "sub", "leaderboard.csv");
        _board.SaveCsv(path);
        _board.SaveCsv(path); // overwriting is fine
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.EqualTo(new[] { path }), "no temporary file is left behind");
        string text = File.ReadAllText(path);
        Assert.That(text, Is.EqualTo(_board.ToCsv()));
        List<string[]> records = Csv.Parse(text);
        string[] header = records[0];
        Assert.That(header, Is.EqualTo(_board.Columns.Select(c => c.Name).Prepend("method").Append("error")));
        Assert.That(records, Has.Count.EqualTo(7));
        foreach (string[] record in records.Skip(1))
        {
            LeaderboardRow row = _board[record[0]];
            Assert.That(record[^1], Is.EqualTo(row.Error ?? ""));
            for (int c = 1; c < header.Length - 1; c++)
            {
                LeaderboardColumn column = _board.Columns[c - 1];
                double expected = row.Value(column.Split ?? "", column.Metric);
                if (record[c].Length == 0) Assert.That(expected, Is.NaN, $"{row.Method} {column}: empty = missing");
                else Assert.That(double.Parse(record[c], CultureInfo.InvariantCulture), Is.EqualTo(expected), $"{row.Method} {column}");
            }
        }
        Assert.That(records[3][^1], Is.EqualTo("fit: InvalidOperationException: " + StandIns.Throwing.Message), "the error survives quoting verbatim");
    }

    [Test]
    public void SaveMarkdown_WritesAPipeTable()
    {
        string path = Path.Combine(_directory, "leaderboard.md");
        _board.SaveMarkdown(path);
        string[] lines = File.ReadAllText(path).TrimEnd('\n').Split('\n');
        int columns = _board.Columns.Count + 2;
        Assert.That(lines, Has.Length.EqualTo(2 + 6));
        Assert.That(lines[0], Does.StartWith("| method | fit_seconds | partial-ood/mmd |"));
        Assert.That(lines[1], Is.EqualTo("|---|" + string.Concat(Enumerable.Repeat("---:|", columns - 2)) + "---|"));
        foreach (string line in lines)
            Assert.That(line.Replace("\\|", "").Count(ch => ch == '|'), Is.EqualTo(columns + 1), line);
        Assert.That(lines.Single(l => l.StartsWith("| Broken", StringComparison.Ordinal)),
            Does.Contain("| – |").And.EndWith("fit: InvalidOperationException: deliberate failure \\| with, a comma and \"quotes\" and a second line |"));
        Assert.That(lines.Single(l => l.StartsWith("| GIM", StringComparison.Ordinal)), Does.Not.Contain("–"));
    }

    [Test]
    public void Cancellation_StopsBetweenEstimators()
    {
        HillScreen screen = HillScreenRows.SmallScreen();
        var mlContext = new MLContext(seed: 1);
        using var cancellation = new CancellationTokenSource();
        var progress = new StandIns.Recorder<ComparisonProgress>(p => { if (p.Stage == ComparisonStage.Evaluated) cancellation.Cancel(); });
        IDataView train = HillScreenRows.Load(mlContext, screen.Train);
        Assert.Throws<OperationCanceledException>(() => mlContext.Perturbation().Compare(
            new Dictionary<string, IEstimator<ITransformer>> { ["first"] = StandIns.Oracle(mlContext), ["second"] = StandIns.Oracle(mlContext) },
            train, new Dictionary<string, IDataView> { ["a"] = train, ["b"] = train },
            new ComparisonOptions { Progress = progress, CancellationToken = cancellation.Token }));
        Assert.That(progress.Reports.Select(p => (p.Method, p.Stage)), Is.EqualTo(new[]
        {
            ("first", ComparisonStage.Fitting), ("first", ComparisonStage.Fitted), ("first", ComparisonStage.Evaluating), ("first", ComparisonStage.Evaluated),
        }));
    }

    [Test]
    public void Compare_RejectsDuplicateNames_AndTrainingDataWithoutControls()
    {
        HillScreen screen = HillScreenRows.SmallScreen();
        var mlContext = new MLContext(seed: 1);
        IDataView train = HillScreenRows.Load(mlContext, screen.Train), test = HillScreenRows.Load(mlContext, screen.PartialOod);
        var twice = new[]
        {
            new KeyValuePair<string, IEstimator<ITransformer>>("same", StandIns.Oracle(mlContext)),
            new KeyValuePair<string, IEstimator<ITransformer>>("same", StandIns.Oracle(mlContext)),
        };
        var splits = new Dictionary<string, IDataView> { ["test"] = test };
        Assert.That(() => mlContext.Perturbation().Compare(twice, train, splits),
            Throws.ArgumentException.With.Message.Contains("'same' is used twice"));
        Assert.That(() => mlContext.Perturbation().Compare(twice.Take(1), test, splits),
            Throws.ArgumentException.With.Message.Contains("no control rows").And.Message.Contains("ComparisonOptions.Evaluation.ControlStatistics"));
    }

    /// <summary>RFC 4180 reader, enough for the tests.</summary>
    private static class Csv
    {
        public static List<string[]> Parse(string text)
        {
            var records = new List<string[]>();
            var fields = new List<string>();
            var field = new System.Text.StringBuilder();
            bool quoted = false;
            for (int i = 0; i < text.Length; i++)
            {
                char ch = text[i];
                if (quoted)
                {
                    if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (ch == '"') quoted = false;
                    else field.Append(ch);
                }
                else if (ch == '"') quoted = true;
                else if (ch == ',') { fields.Add(field.ToString()); field.Clear(); }
                else if (ch == '\n') { fields.Add(field.ToString()); field.Clear(); records.Add(fields.ToArray()); fields.Clear(); }
                else field.Append(ch);
            }
            return records;
        }
    }
}
