using System.Globalization;
using System.Diagnostics;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Samples;

/// <summary>
/// `fit` on a user's CSV: bad data and unwritable folders fail before training and leave no folder behind,
/// Ctrl-C stops cleanly, and the errors for common mistakes (an id column, a ';' file) say which flag fixes them.
/// </summary>
public class FitCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("gim-fit-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private (int ExitCode, string Output) Fit(params string[] args) =>
        SamplesApp.RunIn(_folder, Timeout, new[] { "fit", "--context", "drug", "--control", "DMSO", "--feature-prefix", "fp_" }.Concat(args).ToArray());

    [Test]
    public void IdColumn_ErrorNamesTheFlagsThatFixIt_AndIgnoreDoes()
    {
        UserCells.Write(_folder);
        var (exitCode, output) = Fit("--data", "cells.csv", "--steps", "20", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("'cell': 'c0' is not a number"));
        Assert.That(output, Does.Contain("--ignore cell").And.Contain("--measurements").And.Contain("--measurement-prefix"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "run")), Is.False, "a failed load creates no folder");

        (exitCode, output) = Fit("--data", "cells.csv", "--steps", "20", "--ignore", "cell", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(0), output);
        string[] targets = File.ReadAllLines(Path.Combine(_folder, "run", "targets.csv"));
        Assert.That(targets[0], Is.EqualTo($"context,g0,\"{UserCells.CommaVariable}\",g2"), "names with commas are quoted");
    }

    /// <summary>`--dose` names the dose feature: the fit learns a curve per perturbation and writes where each context sits on it.</summary>
    [Test]
    public void Dose_WritesEachContextsPlaceOnItsDoseCurve()
    {
        UserCells.Write(_folder);
        var (exitCode, output) = Fit("--data", "cells.csv", "--ignore", "cell", "--dose", "fp_dose", "--steps", "50", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(0), output);
        string[] lines = File.ReadAllLines(Path.Combine(_folder, "run", "dose-curves.csv"));
        Assert.That(lines[0], Is.EqualTo("context,dose,dose_fraction,half_effect_dose,hill_exponent"));
        Assert.That(lines.Skip(1).Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "A", "B", "C" }));
        foreach (string line in lines.Skip(1))
        {
            double[] v = line.Split(',').Skip(1).Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.That(v[1], Is.InRange(0.0, 1.0), line);
            Assert.That(v[2], Is.GreaterThan(0), line);
            Assert.That(v[3], Is.GreaterThan(0), line);
        }
        Assert.That(output, Does.Contain("dose-curves.csv"));
    }

    /// <summary>`--combinations +` reads "A+B"-style labels as one 0/1 feature per perturbation; no feature columns needed.</summary>
    [Test]
    public void Combinations_TurnPairLabelsIntoPerturbationFeatures()
    {
        var lines = new List<string> { "drug,g0,g1" };
        var random = new Random(2);
        foreach (var (label, shift) in new[] { ("DMSO", 0.0), ("A+ctrl", 1.0), ("B+ctrl", -1.0), ("A+B", 0.5) })
            for (int i = 0; i < 20; i++)
                lines.Add(FormattableString.Invariant($"{label},{shift + random.NextDouble():F4},{random.NextDouble():F4}"));
        File.WriteAllLines(Path.Combine(_folder, "pairs.csv"), lines);
        var (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--data", "pairs.csv", "--context", "drug", "--control", "DMSO",
            "--combinations", "+", "--steps", "30", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(0), output);
        string[] targets = File.ReadAllLines(Path.Combine(_folder, "run", "targets.csv"));
        Assert.That(targets.Skip(1).Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "A+ctrl", "B+ctrl", "A+B" }));

        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--data", "pairs.csv", "--context", "drug", "--control", "DMSO",
            "--non-targeting", "ctrl", "--steps", "30", "--out", "run2");
        Assert.That(exitCode, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("--non-targeting applies to combination labels"));
    }

    /// <summary>
    /// `--combinations + --known-targets knockdown`: a Perturb-seq CSV (condition labels, one column per gene) fits a
    /// known-target GIM; genes no training label names get an indicator too, and the pipeline is saved (ONNX inside).
    /// </summary>
    [Test]
    public void KnownTargets_FitAPerturbSeqScreenFromItsLabels()
    {
        var screen = Gim.MLNet.Data.Synthetic.PerturbSeqScreen.Generate(new Gim.MLNet.Data.Synthetic.PerturbSeqScreenOptions { Seed = 9, ControlCells = 60, CellsPerCondition = 30 });
        var lines = new List<string> { "condition," + string.Join(",", screen.Train.VariableNames) };
        foreach (var c in screen.Train.Contexts)
            for (int i = 0; i < c.SampleCount; i++)
                lines.Add(c.Name + "," + string.Join(",", Enumerable.Range(0, c.Samples.GetLength(1)).Select(j => c.Samples[i, j].ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
        File.WriteAllLines(Path.Combine(_folder, "perturbseq.csv"), lines);
        var (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--data", "perturbseq.csv", "--context", "condition", "--control", "ctrl",
            "--combinations", "+", "--known-targets", "knockdown", "--steps", "200", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("8 measured genes have no indicator"), "20 genes, 12 named by training labels");
        Assert.That(Directory.GetFiles(Path.Combine(_folder, "run"), "*.zip"), Is.Not.Empty, output);
    }

    /// <summary>
    /// The same screen as an AnnData file in Norman et al.'s layout, read with `--perturbation condition --combinations +`:
    /// `fit` records the design, so `predict --perturbation` takes labels — a pair, and a gene that no training label names —
    /// and a knockdown pulls the knocked-down gene's predicted level toward zero (its mechanism scaled by the remaining fraction).
    /// </summary>
    [Test]
    public void KnownTargets_FromAnH5adScreen_PredictByLabel_IncludingAGeneNeverPerturbed()
    {
        var screen = Gim.MLNet.Data.Synthetic.PerturbSeqScreen.Generate(new Gim.MLNet.Data.Synthetic.PerturbSeqScreenOptions { Seed = 9, ControlCells = 60, CellsPerCondition = 30 });
        screen.WriteH5ad(Path.Combine(_folder, "train.h5ad"));
        string unseen = screen.UnseenSingle!.Contexts[0].Name.Split('+')[0];
        string seenPair = screen.Train.Contexts.First(c => !c.IsControl && !c.Name.Contains("ctrl", StringComparison.Ordinal)).Name;
        Assert.That(screen.Train.Contexts.Any(c => c.Name.Split('+').Contains(unseen)), Is.False, $"{unseen} is in no training label");

        var (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--data", "train.h5ad", "--perturbation", "condition", "--control", "ctrl",
            "--combinations", "+", "--known-targets", "knockdown", "--steps", "200", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(File.Exists(Path.Combine(_folder, "run", "screen-design.json")), Is.True, output);

        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "predict", "--model", "run/gim-model.zip", "--perturbation", $"ctrl,{unseen},{seenPair}",
            "--count", "200", "-o", "predicted.csv");
        Assert.That(exitCode, Is.EqualTo(0), output);
        string[] header = File.ReadLines(Path.Combine(_folder, "predicted.csv")).First().Split(',');
        double[][] cells = File.ReadLines(Path.Combine(_folder, "predicted.csv")).Skip(1)
            .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        double Mean(int query, string gene) => cells.Where(r => r[0] == query).Average(r => r[Array.IndexOf(header, gene)]);
        Assert.That(cells.Length, Is.EqualTo(600), "200 cells for each of the three labels");
        foreach (var (query, gene) in new[] { (1, unseen) }.Concat(seenPair.Split('+').Select(g => (2, g))))
        {
            TestContext.Out.WriteLine($"{gene}: control {Mean(0, gene):F3}, knocked down ({(query == 1 ? unseen : seenPair)}) {Mean(query, gene):F3}");
            Assert.That(Math.Abs(Mean(query, gene)), Is.LessThan(Math.Abs(Mean(0, gene))),
                $"{gene}: the knockdown's predicted mean {Mean(query, gene):F3} is not nearer 0 than the control's {Mean(0, gene):F3}");
        }
    }

    /// <summary>
    /// The same screen streamed (`fit --stream`: the cells are never held): the statistics folder keeps each context's
    /// targets' covariance rows (target_rows.parquet), the knockdown fit reads them, and `predict` takes a gene no training
    /// label names; `fit --statistics` on the written folder fits the same model (the same graph, to the printed digit).
    /// </summary>
    [Test]
    public void KnownTargets_Streamed_FitFromStatistics_AndPredictAGeneNeverPerturbed()
    {
        var screen = Gim.MLNet.Data.Synthetic.PerturbSeqScreen.Generate(new Gim.MLNet.Data.Synthetic.PerturbSeqScreenOptions { Seed = 9, ControlCells = 60, CellsPerCondition = 30 });
        screen.WriteH5ad(Path.Combine(_folder, "train.h5ad"));
        string unseen = screen.UnseenSingle!.Contexts[0].Name.Split('+')[0];

        var (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--stream", "--data", "train.h5ad", "--perturbation", "condition", "--control", "ctrl",
            "--combinations", "+", "--known-targets", "knockdown", "--steps", "200", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("8 measured genes have no indicator"), "20 genes, 12 named by training labels");
        var statistics = Gim.MLNet.Data.PerturbationStatistics.Read(Path.Combine(_folder, "run", "statistics"));
        Assert.That(statistics.Contexts.Where(c => !c.IsControl).Select(c => c.Moments.CovarianceRows.Count),
            Is.EqualTo(statistics.Contexts.Where(c => !c.IsControl).Select(c => c.Name.Split('+').Count(g => g != "ctrl"))), "a row per gene a label names");

        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "predict", "--model", "run/gim-model.zip", "--perturbation", $"ctrl,{unseen}", "--count", "200", "-o", "predicted.csv");
        Assert.That(exitCode, Is.EqualTo(0), output);
        string[] header = File.ReadLines(Path.Combine(_folder, "predicted.csv")).First().Split(',');
        double[][] cells = File.ReadLines(Path.Combine(_folder, "predicted.csv")).Skip(1)
            .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        double Mean(int query) => cells.Where(r => r[0] == query).Average(r => r[Array.IndexOf(header, unseen)]);
        TestContext.Out.WriteLine($"{unseen}: control {Mean(0):F3}, knocked down {Mean(1):F3}");
        Assert.That(Math.Abs(Mean(1)), Is.LessThan(Math.Abs(Mean(0))), $"{unseen}: the knockdown's predicted mean is not nearer 0 than the control's");

        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--statistics", "run/statistics", "--known-targets", "knockdown", "--steps", "200", "--out", "again");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(File.ReadAllText(Path.Combine(_folder, "again", "graph.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(_folder, "run", "graph.csv"))));
    }

    /// <summary>
    /// A screen laid out as Replogle et al.'s (the gene in one obs column, the guide in another) streamed with `--guide`:
    /// each guide's cells are a context of their own whose gene indicator names the target, so the statistics keep that
    /// gene's covariance row for every guide's context, and the knockdown GIM fits from them.
    /// </summary>
    [Test]
    public void KnownTargets_StreamedPerGuide_KeepEachGuidesTargetRow()
    {
        var screen = Gim.MLNet.Data.Synthetic.PerturbSeqScreen.Generate(new Gim.MLNet.Data.Synthetic.PerturbSeqScreenOptions { Seed = 9, GuidesPerGene = 2, ControlCells = 60, CellsPerCondition = 20 });
        screen.WriteH5ad(Path.Combine(_folder, "guides.h5ad"));
        var (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--stream", "--data", "guides.h5ad", "--perturbation", "condition", "--guide", "guide",
            "--control", "ctrl", "--combinations", "+", "--known-targets", "knockdown", "--steps", "100", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(0), output);
        var statistics = Gim.MLNet.Data.PerturbationStatistics.Read(Path.Combine(_folder, "run", "statistics"));
        var perturbed = statistics.Contexts.Where(c => !c.IsControl).ToList();
        Assert.That(perturbed.Select(c => c.Name), Has.All.Contains("|guide="), "a context per guide (\"g1+ctrl|guide=g1_sg1\")");
        foreach (var c in perturbed)
        {
            string[] genes = c.Name.Split('|')[0].Split('+').Where(g => g != "ctrl").ToArray();
            Assert.That(c.Moments.CovarianceRows.Keys.Select(j => statistics.VariableNames[j]), Is.EquivalentTo(genes), c.Name);
        }
        Assert.That(File.Exists(Path.Combine(_folder, "run", "gim-model.zip")), Is.True, output);
    }

    /// <summary>
    /// `--covariates` with `--known-targets`: a knockdown screen run in two cell lines (obs cell_line; line L1's baselines
    /// moved by N(0, 2²) a gene) fits with the line as GIM's covariate, and `predict --covariates cell_line=L1` predicts a
    /// gene no training label names in that line. The predicted difference between the lines (L1 − L0, every gene) follows
    /// the observed one: measured Pearson 0.999 over the 20 genes, and the knocked-down gene lower than the line's control in
    /// both lines.
    /// </summary>
    [Test]
    public void KnownTargets_WithCellLinesAsCovariates_PredictEachLine()
    {
        var screen = Gim.MLNet.Data.Synthetic.PerturbSeqScreen.Generate(new Gim.MLNet.Data.Synthetic.PerturbSeqScreenOptions
        {
            Seed = 9, ControlCells = 200, CellsPerCondition = 60, CellLines = 2, CellLineShift = 2,
        });
        screen.WriteH5ad(Path.Combine(_folder, "train.h5ad"));
        string unseen = screen.UnseenGenes[0];
        var (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--data", "train.h5ad", "--perturbation", "condition", "--control", "ctrl",
            "--combinations", "+", "--covariates", "cell_line", "--known-targets", "knockdown", "--steps", "600", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(File.ReadAllText(Path.Combine(_folder, "run", "screen-design.json")), Does.Contain("cell_line"));
        Assert.That(System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "),
            Does.Contain("GIM covariates: cell_line=L1: each level moves every gene's intercept, and a declared target's kind acts on its own line's mechanism."));
        double[] Predicted(string line)
        {
            var (code, text) = SamplesApp.RunIn(_folder, Timeout, "predict", "--model", "run/gim-model.zip", "--perturbation", $"ctrl,{unseen}",
                "--covariates", $"cell_line={line}", "--count", "400", "-o", $"{line}.csv");
            Assert.That(code, Is.EqualTo(0), text);
            string[] header = File.ReadLines(Path.Combine(_folder, $"{line}.csv")).First().Split(',');
            double[][] rows = File.ReadLines(Path.Combine(_folder, $"{line}.csv")).Skip(1)
                .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
            int g = Array.IndexOf(header, unseen);
            double Mean(int query, int column) => rows.Where(r => r[0] == query).Average(r => r[column]);
            Assert.That(Mean(1, g), Is.LessThan(Mean(0, g)), $"{line}: {unseen} knocked down is below the line's control");
            return screen.Train.VariableNames.Select(v => Mean(1, Array.IndexOf(header, v))).ToArray();
        }
        double[] l0 = Predicted("L0"), l1 = Predicted("L1");
        double[] Observed(string line) => SyntheticTestMath.ColumnMeans(screen.UnseenSingle!.Contexts.Single(c => c.Name == $"{unseen}+ctrl|cell_line={line}").Samples);
        double[] predictedDifference = l1.Zip(l0, (a, b) => a - b).ToArray();
        double[] observedDifference = Observed("L1").Zip(Observed("L0"), (a, b) => a - b).ToArray();
        double r = Gim.MLNet.Scoring.MeanMetrics.PearsonDelta(predictedDifference, observedDifference, new double[predictedDifference.Length]);
        TestContext.Out.WriteLine($"{unseen}: L1 − L0, predicted against observed over the genes: Pearson {r:F3}");
        Assert.That(r, Is.GreaterThan(0.95));
    }

    /// <summary>
    /// `--guide`: a CRISPR screen with the gene in one column and the guide in another goes in per guide, and `predict
    /// --guide` gives each guide its own strength (g0's two guides leave 20% and 70% of it); a guide the model never saw
    /// gets a note. The bar is only the order and a gap of half the true one (2.1 − 0.6 observed), far from float noise.
    /// </summary>
    [Test]
    public void Guide_EachGuideIsAContext_AndPredictsWithItsOwnStrength()
    {
        var random = new Random(5);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var lines = new List<string> { "perturbation,guide_id,g0,g1" };
        foreach (var (gene, guide, m) in new[] { ("non-targeting", "NT_1", 1.0), ("non-targeting", "NT_2", 1.0), ("g0", "g0_sg1", 0.2), ("g0", "g0_sg2", 0.7), ("g1", "g1_sg1", 1.0) })
            for (int i = 0; i < 100; i++)
            {
                double x0 = m * (3 + 0.5 * Normal()), x1 = (gene == "g1" ? 0.5 : 1) * (0.8 * x0 + 1 + 0.5 * Normal());
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{gene},{guide},{x0:F4},{x1:F4}"));
            }
        File.WriteAllLines(Path.Combine(_folder, "guides.csv"), lines);

        var (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--data", "guides.csv", "--perturbation", "perturbation", "--guide", "guide_id",
            "--control", "non-targeting", "--combinations", "+", "--known-targets", "knockdown", "--steps", "500", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(File.ReadAllLines(Path.Combine(_folder, "run", "targets.csv")).Skip(1).Select(l => l.Split(',')[0]),
            Is.EqualTo(new[] { "g0|guide_id=g0_sg1", "g0|guide_id=g0_sg2", "g1|guide_id=g1_sg1" }));
        Assert.That(File.ReadAllText(Path.Combine(_folder, "run", "screen-design.json")), Does.Contain("\"guide\": \"guide_id\""));

        double PredictedG0(string guide, out string log)
        {
            var (code, text) = SamplesApp.RunIn(_folder, Timeout, "predict", "--model", "run/gim-model.zip", "--perturbation", "g0", "--guide", guide,
                "--count", "400", "-o", $"{guide}.csv");
            Assert.That(code, Is.EqualTo(0), text);
            log = text;
            return File.ReadLines(Path.Combine(_folder, $"{guide}.csv")).Skip(1).Average(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)); // query, draw, g0, g1
        }
        double strong = PredictedG0("g0_sg1", out _), weak = PredictedG0("g0_sg2", out _), unseen = PredictedG0("g0_sg9", out string note);
        TestContext.Out.WriteLine($"predicted g0: g0_sg1 {strong:F3}, g0_sg2 {weak:F3}, a guide never seen {unseen:F3}");
        Assert.That(weak - strong, Is.GreaterThan(0.75), "the weaker guide leaves more of g0");
        Assert.That(System.Text.RegularExpressions.Regex.Replace(note, @"\s+", " "), Does.Contain("guide 'g0_sg9' is not one the model was fitted on"));

        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--data", "guides.csv", "--context", "perturbation", "--guide", "guide_id",
            "--control", "non-targeting", "--combinations", "+", "--out", "run2");
        Assert.That(exitCode, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("--guide applies with --perturbation"));
    }

    /// <summary>
    /// `--perturbation` with `--dose`, `--covariates` and `--descriptors`: a drug × dose × cell-line screen goes in as
    /// biologists keep it (the condition over three columns, drug descriptors in a second table).
    /// </summary>
    [Test]
    public void Perturbation_DoseCovariatesAndDescriptors_MakeTheContexts()
    {
        var lines = new List<string> { "product_name,dose,cell_type,g0,g1" };
        var random = new Random(3);
        foreach (string line in new[] { "A549", "MCF7" })
            foreach (var (drug, dose, shift) in new[] { ("vehicle", 0, 0.0), ("drugA", 10, 0.5), ("drugA", 1000, 1.5), ("drugB", 10, -0.5), ("drugB", 1000, -1.0) })
                for (int i = 0; i < 15; i++)
                    lines.Add(FormattableString.Invariant($"{drug},{dose},{line},{shift + (line == "MCF7" ? 2 : 0) + random.NextDouble():F4},{random.NextDouble():F4}"));
        File.WriteAllLines(Path.Combine(_folder, "screen.csv"), lines);
        File.WriteAllLines(Path.Combine(_folder, "drugs.csv"), new[] { "drug,logP", "drugA,1.5", "drugB,-0.5" });
        string[] Screen(params string[] more) => new[] { "fit", "--data", "screen.csv", "--perturbation", "product_name", "--control", "vehicle",
            "--descriptors", "drugs.csv", "--dose", "dose", "--steps", "30" }.Concat(more).ToArray();

        var (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, Screen("--covariates", "cell_type", "--out", "run"));
        Assert.That(exitCode, Is.EqualTo(0), output);
        string unwrapped = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
        // With covariates the dose goes to GIM's saturating curve too: the MCF7 vehicle (dose 0) keeps its line's difference
        // through the covariate shift (GimOptions.CovariateFeatures), which the dose curve does not scale.
        Assert.That(unwrapped, Does.Contain("control: vehicle|cell_type=A549").And.Contain("Features: logP, dose, cell_type=MCF7").And.Contain("'dose' read by GIM's saturating dose curve"));
        string[] targets = File.ReadAllLines(Path.Combine(_folder, "run", "targets.csv"));
        Assert.That(targets.Skip(1).Select(l => l.Split(',')[0]), Does.Contain("drugA|dose=1000|cell_type=MCF7").And.Contain("vehicle|cell_type=MCF7"));
        Assert.That(File.ReadAllLines(Path.Combine(_folder, "run", "dose-curves.csv")).Skip(1).Single(l => l.StartsWith("vehicle|cell_type=MCF7,", StringComparison.Ordinal)),
            Does.StartWith("vehicle|cell_type=MCF7,0,0,"), "the other line's vehicle: dose 0, no share of any drug's shift");
        // explain: all of that vehicle's effect (from the A549 control) is its line's own (features logP, dose, cell_type=MCF7).
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "explain", "--model", "run/gim-model.zip", "--features", "0,0,1", "-o", "vehicle.csv");
        Assert.That(exitCode, Is.EqualTo(0), output);
        foreach (string[] f in File.ReadAllLines(Path.Combine(_folder, "vehicle.csv")).Skip(1).Select(l => l.Split(',')))
            Assert.That(double.Parse(f[14], CultureInfo.InvariantCulture), Is.EqualTo(double.Parse(f[6], CultureInfo.InvariantCulture)).Within(1e-4), $"{f[1]}: covariate effect = total effect");

        // Without covariates the dose goes to GIM's saturating curve by default (both lines' cells pool into one context per drug and dose).
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, Screen("--ignore", "cell_type", "--out", "run2"));
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("'dose' read by GIM's saturating dose curve"));
        Assert.That(File.ReadAllLines(Path.Combine(_folder, "run2", "dose-curves.csv")).Skip(1).Select(l => l.Split(',')[0]),
            Is.EqualTo(new[] { "drugA|dose=10", "drugA|dose=1000", "drugB|dose=10", "drugB|dose=1000" }));

        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, Screen("--covariates", "cell_type", "--dose-as", "log", "--out", "run3"));
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "), Does.Contain("Features: logP, log10(1+dose), cell_type=MCF7").And.Contain("log10(1 + dose) as a feature"));

        // --perturbation-indicators: each drug its own feature besides logP; screen-design.json keeps it, so predict makes
        // the same features by name, and a drug the fit never saw (drugC) gets no indicator, only its descriptors.
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, Screen("--covariates", "cell_type", "--perturbation-indicators", "--per-drug-curve", "--out", "run5"));
        Assert.That(exitCode, Is.EqualTo(0), output);
        // --per-drug-curve: each drug its own half-effect dose (from its features but the dose: its indicator, logP, its line).
        double HalfEffect(string context) => double.Parse(File.ReadAllLines(Path.Combine(_folder, "run5", "dose-curves.csv"))
            .Single(l => l.StartsWith(context + ",", StringComparison.Ordinal)).Split(',')[3], CultureInfo.InvariantCulture);
        Assert.That(HalfEffect("drugA|dose=10|cell_type=A549"), Is.Not.EqualTo(HalfEffect("drugB|dose=10|cell_type=A549")).Within(1e-6));
        Assert.That(HalfEffect("drugA|dose=10|cell_type=A549"), Is.EqualTo(HalfEffect("drugA|dose=1000|cell_type=A549")).Within(1e-6),
            "one curve per drug and line (the curve reads every feature but the dose)");
        Assert.That(System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "), Does.Contain("Features: 2 perturbation indicators (drugA, drugB), logP, dose, cell_type=MCF7"));
        Assert.That(File.ReadAllText(Path.Combine(_folder, "run5", "screen-design.json")), Does.Contain("\"perturbationIndicators\": true"));
        File.WriteAllLines(Path.Combine(_folder, "drugs2.csv"), new[] { "drug,logP", "drugA,1.5", "drugB,-0.5", "drugC,0.5" });
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "predict", "--model", "run5/gim-model.zip", "--perturbation", "drugC,drugA", "--dose", "100",
            "--covariates", "cell_type=MCF7", "--descriptors", "drugs2.csv", "--count", "3", "-o", "pred5.csv");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(File.ReadAllLines(Path.Combine(_folder, "pred5.csv")), Has.Length.EqualTo(7), "a header and three cells for each drug");
        // A 0.10.0 screen-design.json has no perturbationIndicators: it reads as without them.
        string designFile = Path.Combine(_folder, "run", "screen-design.json");
        string withField = File.ReadAllText(designFile);
        string withoutField = System.Text.RegularExpressions.Regex.Replace(withField, @",\s*""perturbationIndicators"": false", "");
        Assert.That(withoutField, Is.Not.EqualTo(withField));
        File.WriteAllText(designFile, withoutField);
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "predict", "--model", "run/gim-model.zip", "--perturbation", "drugA", "--dose", "100",
            "--covariates", "cell_type=MCF7", "--count", "2", "-o", "pred0.csv");
        Assert.That(exitCode, Is.EqualTo(0), output);
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, Screen("--perturbation-indicators", "--combinations", "+", "--out", "run6"));
        Assert.That(exitCode, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("--combinations) already give every perturbation an indicator"));
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, Screen("--dose-as", "log", "--per-drug-curve", "--out", "run6"));
        Assert.That(exitCode, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("--per-drug-curve shapes GIM's dose curve"));

        File.WriteAllLines(Path.Combine(_folder, "drugs.csv"), new[] { "drug,logP", "drugA,1.5" });
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, Screen("--covariates", "cell_type", "--out", "run4"));
        Assert.That(exitCode, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("drugs.csv").And.Contain("no row for 1 perturbation(s)").And.Contain("'drugB'"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "run4")), Is.False);
    }

    /// <summary>
    /// The single-cell path end to end: `simulate-screen` writes raw counts (.h5ad) and descriptors; `fit --perturbation
    /// ... --hvg` reads them, normalises and selects genes inside the saved pipeline, and fits GIM on the kept genes.
    /// </summary>
    [Test]
    public void SimulatedCounts_FitWithNormalisationAndGeneSelection()
    {
        var (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "simulate-screen", "--genes", "40", "--drugs", "3", "--cells-per-condition", "10",
            "--vehicle-cells", "40", "--hold-out-drugs", "1", "--out", "screen");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("320 cells × 40 genes").And.Contain("heldout.h5ad"));
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--data", "screen/screen.h5ad", "--perturbation", "product_name", "--control", "vehicle",
            "--dose", "dose", "--covariates", "cell_type", "--descriptors", "screen/drugs.csv", "--hvg", "15", "--steps", "30", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(0), output);
        string unwrapped = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
        Assert.That(unwrapped, Does.Contain("normalise total counts to 10,000 and log1p, keep the 15 most variable genes, then GIM"));
        Assert.That(output, Does.Not.Contain("raw counts"), "GIM sees normalised values, so no raw-count warning");
        string[] graph = File.ReadAllLines(Path.Combine(_folder, "run", "graph.csv"));
        Assert.That(graph[0].Split(',').Skip(1), Has.Exactly(15).Items, "the graph is over the 15 kept genes");

        // predict by name: the feature vector is made as fit made it (screen-design.json), the cells written as .h5ad.
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "predict", "--model", "run/gim-model.zip", "--perturbation", "Drug02,vehicle", "--dose", "100",
            "--covariates", "cell_type=LineB", "--count", "7", "-o", "pred.h5ad");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Gim.MLNet.Data.AnnData.AnnDataTable predicted = Gim.MLNet.Data.AnnData.AnnDataReader.Read(Path.Combine(_folder, "pred.h5ad"));
        Assert.That(predicted.RowCount, Is.EqualTo(14));
        Assert.That(predicted.VarNames, Is.EqualTo(graph[0].Split(',').Skip(1)), "the kept genes");
        Assert.That(Enumerable.Range(0, 14).Select(predicted.Column("context").FormatValue).Distinct(),
            Is.EqualTo(new[] { "Drug02|dose=100|cell_type=LineB", "vehicle|cell_type=LineB" }));
        // evaluate on the held-out drug (Drug03, every dose and line) against the control baseline.
        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "evaluate", "--model", "run/gim-model.zip", "--data", "screen/heldout.h5ad",
            "--train", "screen/screen.h5ad", "--out", "eval");
        Assert.That(exitCode, Is.EqualTo(0), output);
        string[] metrics = File.ReadAllLines(Path.Combine(_folder, "eval", "metrics.csv"));
        Assert.That(metrics[0], Is.EqualTo("method,context,metric,value"));
        string[][] fields = metrics.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(fields.Where(f => f[1] != "pooled").Select(f => f[1]).Distinct(),
            Is.EquivalentTo(new[] { "LineA", "LineB" }.SelectMany(l => new[] { 10, 100, 1000, 10000 }.Select(d => $"Drug03|dose={d}|cell_type={l}"))),
            "every held-out drug context; the vehicle cells of each line are its baseline, not scored");
        foreach (string method in new[] { "gim", "control", "training-mean", "linear-features" })
            foreach (string metric in new[] { "mmd", "edistance_pca", "pearson_delta_top20", "pearson_delta_top50", "r2_top20", "r2_top50" })
                Assert.That(fields.Count(f => f[0] == method && f[1] == "pooled" && f[2] == metric), Is.EqualTo(1), $"{method} pooled {metric}");

        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "predict", "--model", "run/gim-model.zip", "--perturbation", "Drug02", "--dose", "100",
            "--covariates", "cell_type=LineZ", "-o", "pred2.h5ad");
        Assert.That(exitCode, Is.Not.EqualTo(0), output);
        Assert.That(System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "),
            Does.Contain("'LineZ' is not a level the model was fitted on (levels: 'LineA' (reference), 'LineB')"));

        (exitCode, output) = SamplesApp.RunIn(_folder, Timeout, "fit", "--data", "screen/screen.h5ad", "--perturbation", "product_name", "--control", "vehicle",
            "--dose", "dose", "--log-normalized", "--out", "run2");
        Assert.That(exitCode, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("--log-normalized applies with --hvg"));
    }

    [Test]
    public void GraphRank_AtLeastTheGenesFitted_IsRefusedBeforeTheOutputFolder()
    {
        UserCells.Write(_folder);
        var (exitCode, output) = Fit("--data", "cells.csv", "--ignore", "cell", "--hvg", "2", "--graph-rank", "2", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("--graph-rank 2 must be below the number of genes the model fits (2)"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "run")), Is.False);
    }

    [TestCase(';', "';'-separated", "Convert the file to commas")]
    [TestCase('\t', "tab-separated", "Rename the file to .tsv")]
    public void OtherSeparator_ErrorSaysOnlyTsvIsTabSeparated(char separator, string looks, string fix)
    {
        UserCells.Write(_folder, "cells.csv", separator);
        var (exitCode, output) = Fit("--data", "cells.csv", "--ignore", "cell", "--out", "run");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"looks {looks}").And.Contain("only a .tsv file is read as tab-separated").And.Contain(fix));
        Assert.That(Directory.Exists(Path.Combine(_folder, "run")), Is.False);

        if (separator == '\t')
        {
            File.Move(Path.Combine(_folder, "cells.csv"), Path.Combine(_folder, "cells.tsv"));
            (exitCode, output) = Fit("--data", "cells.tsv", "--ignore", "cell", "--steps", "20", "--out", "run");
            Assert.That(exitCode, Is.EqualTo(0), output);
        }
    }

    [Test]
    public void InvalidData_FailsBeforeCreatingTheFolder()
    {
        // Context D has one cell: training needs two per context, which used to be found after the folder existed.
        string path = UserCells.Write(_folder);
        File.AppendAllText(path, "c999,D,5.0000,1.0000,1.0,2.0,3.0\n");
        var (exitCode, output) = Fit("--data", "cells.csv", "--ignore", "cell", "--out", "a/b/run");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("Context 'D' has 1 cell(s)"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "a")), Is.False);
    }

    [Test]
    public void UnwritableOut_FailsBeforeTrainingNamingTheFlagAndFolder()
    {
        Assume.That(OperatingSystem.IsLinux() && Directory.Exists("/proc/self"), "Linux /proc accepts no new files, even for root");
        UserCells.Write(_folder);
        var (exitCode, output) = Fit("--data", "cells.csv", "--ignore", "cell", "--out", "/proc");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("error: --out: cannot write to the folder '/proc'"));
        Assert.That(output, Does.Not.Contain("Fitting GIM"), "checked before training");
        Assert.That(output, Does.Not.Contain(".tmp"));
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status); false where that cannot be read.</summary>
    private static bool SigIntIgnoredHere()
    {
        string? line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    [Test]
    public void CtrlC_SaysCancelledExits130AndRemovesTheEmptyFolder()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT via kill(1)");
        // A test run started as a background job of a non-interactive shell (`dotnet test ... &`) ignores SIGINT, and a
        // child inherits an ignored SIGINT, so the app could never see the Ctrl-C (found so: SigIgn 0x1006 in the child).
        Assume.That(!SigIntIgnoredHere(), "SIGINT is ignored in this test process (started in the background?), so its children cannot receive it");
        UserCells.Write(_folder);
        using Process app = SamplesApp.Start(_folder, "fit", "--data", "cells.csv", "--context", "drug", "--control", "DMSO",
            "--feature-prefix", "fp_", "--ignore", "cell", "--steps", "100000000", "--out", "run");
        var stderr = app.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        string? line;
        while ((line = app.StandardOutput.ReadLine()) is not null && !line.Contains("Fitting GIM: step"))
            stdout.AppendLine(line);
        if (line is null) Assert.Fail($"training never reported progress:\n{stdout}{stderr.Result}"); // stderr is complete once stdout ends
        Assert.That(Directory.Exists(Path.Combine(_folder, "run")), Is.True, "the folder exists while training");

        using (Process kill = Process.Start("kill", new[] { "-INT", app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            kill.WaitForExit();
        _ = app.StandardOutput.ReadToEndAsync();
        if (!app.WaitForExit(60_000))
        {
            // What the process was doing and how it treats SIGINT (SigIgn/SigBlk/SigCgt bit 2), for the failure message.
            string status = File.Exists($"/proc/{app.Id}/status")
                ? string.Join("; ", File.ReadLines($"/proc/{app.Id}/status").Where(l => l.StartsWith("State") || l.StartsWith("Sig") || l.StartsWith("Threads")))
                : "(no /proc)";
            app.Kill(entireProcessTree: true);
            Assert.Fail($"Ctrl-C did not stop training within a minute. Process: {status}. Its error output: {stderr.Result}");
        }
        Assert.That(app.ExitCode, Is.EqualTo(130));
        Assert.That(stderr.Result, Does.Contain("cancelled"));
        Assert.That(stderr.Result, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(Directory.Exists(Path.Combine(_folder, "run")), Is.False, "the empty folder the run created is gone");
    }
}
