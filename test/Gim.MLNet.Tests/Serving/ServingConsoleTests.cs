using System.Globalization;
using Gim.MLNet.Tests.MLNet;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Serving;

/// <summary>The serving app's `score` mode (ML.NET only: no Gim.MLNet, no TorchSharp) scores a CSV with the same numbers.</summary>
public class ServingConsoleTests
{
    [Test]
    public void Console_PredictsTheSameNumbersAsInProcess()
    {
        string directory = Path.Combine(Path.GetTempPath(), "gim-serving-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var mlContext = new MLContext(seed: 2);
            IDataView cells = mlContext.Data.LoadFromEnumerable(TinyLinearScm.Cells(cellsPerContext: 60));
            var pipeline = mlContext.Transforms.Categorical.OneHotEncoding("ReagentOneHot", "Reagent")
                .Append(mlContext.Transforms.Concatenate("Features", "ReagentOneHot", "Dose"))
                .Append(mlContext.Perturbation().Trainers.Gim(GimTestData.Options(steps: 100)));
            var model = pipeline.Fit(cells);
            string modelPath = Path.Combine(directory, "gim.zip");
            mlContext.Model.SaveAtomically(model, cells.Schema, modelPath);
            model.LastTransformer.Dispose();

            // docs: serving
            // input.csv:            Reagent,Dose
            //                       r1,2
            // dotnet Gim.MLNet.Serving.dll score gim.zip input.csv --columns PredictedMean,Sample
            // docs: end
            string csvPath = Path.Combine(directory, "input.csv");
            File.WriteAllText(csvPath, "Reagent,Dose\n" + string.Join("\n", PipelineDocsExampleTests.Queries.Select(q => $"{q.Reagent},{q.Dose.ToString(CultureInfo.InvariantCulture)}")) + "\n");
            string[] lines = RunConsole(modelPath, csvPath, "--columns", "PredictedMean,Sample");

            var fresh = new MLContext();
            IDataView predicted = PlainMlNet.Load(fresh, modelPath, out _).Transform(fresh.Data.LoadFromEnumerable(PipelineDocsExampleTests.Queries));
            var expected = predicted.GetColumn<float[]>("PredictedMean").Zip(predicted.GetColumn<float[]>("Sample"), (m, s) => m.Concat(s).ToArray()).ToArray();
            // GetColumn makes two passes; the console makes one, so compare its samples with a first pass only.
            float[][] firstPassSamples = PlainMlNet.Load(fresh, modelPath, out _).Transform(fresh.Data.LoadFromEnumerable(PipelineDocsExampleTests.Queries)).GetColumn<float[]>("Sample").ToArray();

            Assert.That(lines[0], Does.StartWith("PredictedMean.0,"));
            float[][] printed = lines.Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
            Assert.That(printed, Has.Length.EqualTo(PipelineDocsExampleTests.Queries.Length));
            Assert.That(printed.Select(r => r.Take(TinyLinearScm.Variables).ToArray()), Is.EqualTo(expected.Select(r => r.Take(TinyLinearScm.Variables).ToArray())), "PredictedMean");
            Assert.That(printed.Select(r => r.Skip(TinyLinearScm.Variables).ToArray()), Is.EqualTo(firstPassSamples), "Sample (first pass after a fresh load)");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void Console_ReportsAMissingModelClearly()
    {
        var result = Run("/nonexistent/model.zip", "-");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.StartWith("error:"));
    }

    private sealed class VectorRow
    {
        [VectorType(2)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    /// <summary>A tiny pipeline (no GIM needed) whose input is a size-2 float vector called Features.</summary>
    private static string SaveVectorModel(string directory)
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = mlContext.Data.LoadFromEnumerable(new[] { new VectorRow { Features = new[] { 1f, 2f } } });
        ITransformer model = mlContext.Transforms.Concatenate("Out", "Features").Fit(data);
        string path = Path.Combine(directory, "vector.zip");
        mlContext.Model.Save(model, data.Schema, path);
        return path;
    }

    [TestCase("Features,x\n1,abc\n", "row 1 (line 2), column 2 ('x', Features slot 1): 'abc' is not a number")]
    [TestCase("Features,x\n1,2\n3,\n", "row 2 (line 3), column 2 ('x', Features slot 1): the value is empty")]
    [TestCase("Features,x\n1,2\n3,4,5\n", "row 2 (line 3): 3 fields; the header has 2")]
    [TestCase("Features,x\n1;5,2\n", "column 1 ('Features', Features slot 0): '1;5' is not a number")]
    public void Console_RejectsBadCellsNamingRowAndColumn(string csv, string expected)
    {
        string directory = Directory.CreateTempSubdirectory("gim-serving-").FullName;
        try
        {
            string model = SaveVectorModel(directory);
            string input = Path.Combine(directory, "input.csv");
            File.WriteAllText(input, csv);
            var (code, output, error) = Run(model, input, "--columns", "Out");
            Assert.That(code, Is.EqualTo(1), $"bad input must fail, not predict NaN; printed:\n{output}");
            Assert.That(error, Does.StartWith("error: " + input));
            Assert.That(error, Does.Contain(expected));
            Assert.That(output, Is.Empty, "nothing is printed for a rejected input");

            File.WriteAllText(input, "Features,x\n1,2.5\n");
            Assert.That(RunConsole(model, input, "--columns", "Out"), Is.EqualTo(new[] { "Out.0,Out.1", "1,2.5" }), "good input still works");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void Console_NamesAModelFileThatIsNotAModel()
    {
        string directory = Directory.CreateTempSubdirectory("gim-serving-").FullName;
        try
        {
            string junk = Path.Combine(directory, "junk.zip");
            File.WriteAllText(junk, "this is not a zip archive");
            var (code, _, error) = Run(junk, "-");
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.StartWith("error: " + junk + ": not a loadable ML.NET model"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string[] RunConsole(params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.That(code, Is.EqualTo(0), $"serving console failed: {error}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args) =>
        ServingProcess.Run(TimeSpan.FromMinutes(1), args.Prepend("score").ToArray());
}
