using System.IO.Compression;
using Microsoft.ML;

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
            ITransformer loaded = new MLContext().Model.Load(zip, out DataViewSchema schema);
            Assert.That(schema.GetColumnOrNull("Features"), Is.Not.Null, "the saved pipeline takes the Features column");
            Assert.That(loaded, Is.Not.Null);

            string[] csv = File.ReadAllLines(Path.Combine(folder, "leaderboard.csv"));
            Assert.That(csv[0], Does.StartWith("method,fit_seconds"));
            string[] methods = csv.Skip(1).Select(line => line.Split(',')[0]).ToArray();
            Assert.That(methods, Is.SupersetOf(new[] { "GIM", "Control", "NearestContext", "TwoStageCausal" }));
            Assert.That(csv.Skip(1).All(line => line.Split(',').Length == csv[0].Split(',').Length), Is.True, "ragged leaderboard.csv");
            Assert.That(File.Exists(Path.Combine(folder, "leaderboard.md")), Is.True);
            Assert.That(output, Does.Contain(folder), "the app says where everything went");
            // The quick screen has 8 new drugs (the text used to say 20 whatever the screen); the console may wrap lines.
            Assert.That(System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "), Does.Contain("true vs inferred targets of the 8 new drugs"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
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
