using Gim.MLNet.Tests.Support;


namespace Gim.MLNet.Tests.Samples;

/// <summary>
/// `predict` with a model fitted once by `fit`: no input line is skipped silently, a header is recognised by the
/// model's feature names (and may reorder them), -o is checked before any work, and names with commas stay one column.
/// </summary>
public class PredictCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private string _fixture = "";
    private string _model = "";
    private string _folder = "";

    [OneTimeSetUp]
    public void FitAModel()
    {
        _fixture = Directory.CreateTempSubdirectory("gim-predict-model-").FullName;
        UserCells.Write(_fixture);
        var (exitCode, output) = SamplesApp.RunIn(_fixture, Timeout, "fit", "--data", "cells.csv", "--context", "drug", "--control", "DMSO",
            "--feature-prefix", "fp_", "--ignore", "cell", "--steps", "50", "--out", "model");
        Assert.That(exitCode, Is.EqualTo(0), output);
        _model = Path.Combine(_fixture, "model", "gim-model.zip");
    }

    [OneTimeTearDown]
    public void DeleteModel() => Directory.Delete(_fixture, recursive: true);

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("gim-predict-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private (int ExitCode, string Output) Predict(string input, params string[] args)
    {
        File.WriteAllText(Path.Combine(_folder, "in.csv"), input);
        return SamplesApp.RunIn(_folder, Timeout, new[] { "predict", "--model", _model, "--input", "in.csv", "--count", "3" }.Concat(args).ToArray());
    }

    private string[] Predictions(string file = "predictions.csv") => File.ReadAllLines(Path.Combine(_folder, file));

    [TestCase(".5,1\n1,2\n")]
    [TestCase("+1,2\n1,2\n")]
    [TestCase("1e-1,0\n1,2\n")]
    public void FirstLineOfNumbers_IsData(string input)
    {
        var (exitCode, output) = Predict(input);
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("(2 × 3)"), "both lines are queries; the first used to be skipped as a header");
        Assert.That(Predictions(), Has.Length.EqualTo(1 + 2 * 3));
    }

    [Test]
    public void FirstLineWithNaN_IsAnErrorNamingTheLine()
    {
        var (exitCode, output) = Predict("NaN,1\n1,2\n");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("line 1: value 1 ('NaN') is not a finite number"));
        Assert.That(output, Does.Contain("fp_dose, fp_size"), "says what a header would have to name");
        Assert.That(File.Exists(Path.Combine(_folder, "predictions.csv")), Is.False);
    }

    [Test]
    public void Header_IsMatchedByName()
    {
        Assert.That(Predict("fp_dose,fp_size\n2,1\n0.5,0\n").ExitCode, Is.EqualTo(0));
        string[] inOrder = Predictions();
        var (exitCode, output) = Predict("fp_size,fp_dose\n1,2\n0,0.5\n");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(Predictions(), Is.EqualTo(inOrder), "columns are taken by name, not position");
        Assert.That(Predict("2,1\n0.5,0\n").ExitCode, Is.EqualTo(0));
        Assert.That(Predictions(), Is.EqualTo(inOrder), "without a header, in the model's order");
    }

    [TestCase("fp_dose,size\n2,1\n", "'size', which the model does not know")]
    [TestCase("fp_dose\n2\n", "the header lacks 'fp_size'")]
    [TestCase("fp_dose,fp_dose\n2,1\n", "names 'fp_dose' twice")]
    public void HeaderWithWrongNames_ListsTheExpectedNames(string input, string expected)
    {
        var (exitCode, output) = Predict(input);
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("line 1").And.Contain(expected).And.Contain("the model's features are: fp_dose, fp_size"));
    }

    [Test]
    public void VariableNamesWithCommas_AreQuoted()
    {
        var (exitCode, output) = Predict("1,0.5\n");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(Predictions()[0], Is.EqualTo($"query,draw,g0,\"{UserCells.CommaVariable}\",g2"));
    }

    [Test]
    public void OutAFolder_FailsBeforePredictingNamingTheFlag()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "adir"));
        var (exitCode, output) = Predict("1,0.5\n", "-o", "adir");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("error: -o/--out: '" + Path.Combine(_folder, "adir") + "' is a folder"));
        Assert.That(output, Does.Not.Contain("Predicted means"), "checked before predicting");
    }

    [Test]
    public void OutInAFolderThatAcceptsNoFiles_FailsBeforePredictingNamingTheFlag()
    {
        Assume.That(OperatingSystem.IsLinux() && Directory.Exists("/proc/self"), "Linux /proc accepts no new files, even for root");
        var (exitCode, output) = Predict("1,0.5\n", "-o", "/proc/p.csv");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("error: -o/--out: cannot write to the folder '/proc'"));
        Assert.That(output, Does.Not.Contain("Predicted means"));
    }

    [Test]
    public void OutAFifo_IsWrittenInPlace()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "FIFOs are a Unix thing");
        string fifo = Path.Combine(_folder, "pipe");
        UnixFiles.MakeFifo(fifo);
        Task<string> reader = Task.Run(() => File.ReadAllText(fifo));
        var (exitCode, output) = Predict("1,0.5\n", "-o", "pipe");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(reader.Wait(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(reader.Result, Does.StartWith("query,draw,"));
        Assert.That(UnixFiles.Type(fifo), Is.EqualTo("fifo"), "the FIFO was not replaced by a regular file");
    }
}
