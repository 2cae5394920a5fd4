using System.Globalization;
using System.IO.Compression;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Samples;

/// <summary>The README's first command, in its quick form: every promised file exists and is valid.</summary>
public class MainJobTests
{
    private static readonly byte[] PngSignature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    [Test]
    public void QuickMainJob_WritesTheModelTablesAndPlots()
    {
        string folder = Directory.CreateTempSubdirectory("gim-main-job-").FullName;
        try
        {
            var (exitCode, output) = SamplesApp.Run(TimeSpan.FromMinutes(5), "--quick", "--out", folder);
            Assert.That(exitCode, Is.EqualTo(0), output);

            foreach (string png in new[] { "targets-fully-ood.png", "graph-true-vs-learned.png", "marginals-unseen-drug.png", "training-curve.png" })
            {
                string path = Path.Combine(folder, png);
                Assert.That(File.Exists(path), Is.True, $"{png} missing; output:\n{output}");
                byte[] bytes = File.ReadAllBytes(path);
                Assert.That(bytes.Take(8), Is.EqualTo(PngSignature), $"{png} is not a PNG");
                Assert.That(bytes.Length, Is.GreaterThan(10_000), $"{png} is suspiciously small (an empty plot?)");
            }

            string zip = Path.Combine(folder, "gim-pipeline.zip");
            using (ZipArchive archive = ZipFile.OpenRead(zip))
                Assert.That(archive.Entries, Is.Not.Empty);
            ITransformer loaded = PlainMlNet.Load(new MLContext(), zip, out DataViewSchema schema);
            Assert.That(schema.GetColumnOrNull("Features"), Is.Not.Null, "the saved pipeline takes the Features column");
            (loaded as IDisposable)?.Dispose();
            AssertReloadedPipelinePredictsWhatTheJobPrinted(zip, output);

            string[] csv = File.ReadAllLines(Path.Combine(folder, "leaderboard.csv"));
            Assert.That(csv[0], Does.StartWith("method,fit_seconds"));
            string[] methods = csv.Skip(1).Select(line => line.Split(',')[0]).ToArray();
            Assert.That(methods, Is.SupersetOf(new[] { "GIM", "Control", "NearestContext", "TwoStageCausal" }));
            Assert.That(csv.Skip(1).All(line => line.Split(',').Length == csv[0].Split(',').Length), Is.True, "ragged leaderboard.csv");
            Assert.That(File.Exists(Path.Combine(folder, "leaderboard.md")), Is.True);
            Assert.That(output, Does.Contain(folder), "the app says where everything went");
            // The quick screen has 8 new drugs (the text used to say 20 whatever the screen); the console may wrap lines.
            string flat = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
            Assert.That(flat, Does.Contain("true vs inferred targets of the 8 new drugs"));
            // The calibration's two far-away numbers, each in its range (α_far in [0, 1], τ_far in [0.05, 1]).
            var calibration = System.Text.RegularExpressions.Regex.Match(flat, @"keeps α_far = ([0-9.]+) of its shift and τ_far = ([0-9.]+) of its target logits");
            Assert.That(calibration.Success, Is.True, output);
            Assert.That(double.Parse(calibration.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(0.0, 1.0));
            Assert.That(double.Parse(calibration.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(0.05, 1.0));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Predicts the unseen drug with the saved pipeline as the job does (the quick screen of seed 0, its highest-dose fully-OOD
    /// context, 2,000 rows) and checks the means against the job's table "reloaded pipeline vs observed means".
    /// </summary>
    private static void AssertReloadedPipelinePredictsWhatTheJobPrinted(string zip, string output)
    {
        HillScreen screen = HillScreen.Generate(new HillScreenOptions { Seed = 0, Variables = 10, TrainDrugs = 20, NewDrugs = 8, SamplesPerTestContext = 100 });
        var contexts = screen.FullOod.Data.Contexts.ToList();
        PerturbationContext unseen = contexts.OrderByDescending(c => screen.FullOod.Truth[contexts.IndexOf(c)].Dose).First();
        const int n = 2000;
        var query = new PerturbationDataset(new[] { new PerturbationContext(unseen.Name, unseen.Features, new float[n, screen.Options.Variables]) },
            screen.Train.Data.VariableNames, screen.Train.Data.FeatureNames);
        var mlContext = new MLContext(seed: 0);
        ITransformer loaded = PlainMlNet.Load(mlContext, zip, out _);
        float[][] samples;
        try
        {
            samples = loaded.Transform(query.ToDataView(mlContext)).GetColumn<float[]>("Sample").ToArray();
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
        Assert.That(samples, Has.Length.EqualTo(n));

        // The table's rows: │ variable │ control │ observed │ predicted │ [lower, upper] │ (ASCII bars where the console cannot draw boxes).
        var printed = System.Text.RegularExpressions.Regex.Matches(output,
                @"^[│|]\s*(\S+)\s*[│|]\s*(-?[\d.]+)\s*[│|]\s*(-?[\d.]+)\s*[│|]\s*(-?[\d.]+)\s*[│|]\s*\[(-?[\d.]+), (-?[\d.]+)\]\s*[│|]\s*$",
                System.Text.RegularExpressions.RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => (Observed: double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
                Predicted: double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture)));
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(output, @"\[(-?[\d.]+), (-?[\d.]+)\]\s*[│|]\s*$",
                     System.Text.RegularExpressions.RegexOptions.Multiline))
            Assert.That(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Is.LessThan(double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)),
                "the printed 90% interval of the mean has a positive width (a calibrated model)");
        Assert.That(printed, Has.Count.EqualTo(4), $"the job prints the 4 most shifted variables of the unseen drug; output:\n{output}");
        foreach (var (variable, (observed, predicted)) in printed)
        {
            int j = screen.Train.Data.VariableNames.ToList().IndexOf(variable);
            Assert.That(j, Is.GreaterThanOrEqualTo(0), variable);
            double observedMean = Enumerable.Range(0, unseen.SampleCount).Average(i => (double)unseen.Samples[i, j]);
            double predictedMean = samples.Average(row => (double)row[j]);
            TestContext.Out.WriteLine($"{variable}: observed {observedMean:F4} (printed {observed:F2}), reloaded pipeline {predictedMean:F4} (printed {predicted:F2})");
            // Printed with 2 decimals: within half a unit of the last place (and float rounding).
            Assert.That(observedMean, Is.EqualTo(observed).Within(0.0051), $"{variable}: the test rebuilt the job's screen");
            Assert.That(predictedMean, Is.EqualTo(predicted).Within(0.0051), $"{variable}: the saved pipeline predicts what the job printed");
        }
    }

    [Test]
    public void WrongArguments_GiveAClearErrorAndNonZeroExit()
    {
        var (exitCode, output) = SamplesApp.Run(TimeSpan.FromMinutes(1), "fit", "--data", "/no/such/file.csv", "--context", "drug", "--control", "DMSO", "--feature-prefix", "fp_");
        Assert.That(exitCode, Is.Not.EqualTo(0));
        Assert.That(output, Does.Contain("/no/such/file.csv"));
        (exitCode, output) = SamplesApp.Run(TimeSpan.FromMinutes(1), "--no-such-option");
        Assert.That(exitCode, Is.Not.EqualTo(0));
        Assert.That(output, Does.Contain("no-such-option"));
    }
}
