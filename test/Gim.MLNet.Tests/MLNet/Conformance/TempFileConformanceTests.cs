using System.Diagnostics;
using System.Reflection;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Conformance;

/// <summary>
/// Fitting, saving, loading (both ways) and predicting leave nothing in ML.NET's temp folder once the models are
/// disposed: every temporary ONNX file is deleted with the transformer that reads it.
/// </summary>
public class TempFileConformanceTests
{
    private string _temp = null!;
    private string _zip = null!;

    [SetUp]
    public void CreateFolders()
    {
        _temp = Directory.CreateTempSubdirectory("gim-temp-conformance-").FullName;
        _zip = Path.Combine(Path.GetTempPath(), $"gim-temp-conformance-{Guid.NewGuid():N}.zip");
    }

    [TearDown]
    public void DeleteFolders()
    {
        Directory.Delete(_temp, recursive: true);
        File.Delete(_zip);
    }

    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.All))]
    public void DisposedModels_LeaveNoTemporaryFiles(ConformanceEstimator estimator)
    {
        var mlContext = new MLContext(seed: 1) { TempFilePath = _temp };
        IDataView data = ConformanceData.Default(mlContext);
        IDataView queries = ConformanceData.Queries(mlContext, 2, new float[] { 0, 0 }, new float[] { 1, 0 });
        string column = ConformancePredictions.OutputColumns(estimator).First();

        using (var fitted = (OnnxBackedTransformer)estimator.Create(mlContext).Fit(data))
        {
            Assert.That(Directory.GetFiles(_temp), Has.Length.EqualTo(1), "a fitted model reads its graph from one temporary file");
            Assert.That(fitted.Transform(queries).GetColumn<float[]>(column).Count(), Is.EqualTo(2));
            mlContext.Model.SaveAtomically(fitted, data.Schema, _zip);
        }
        Assert.That(Directory.GetFiles(_temp), Is.Empty, "disposing the fitted model deletes its graph file");

        ITransformer loaded = PlainMlNet.Load(mlContext, _zip, out _);
        Assert.That(loaded.Transform(queries).GetColumn<float[]>(column).Count(), Is.EqualTo(2));
        (loaded as IDisposable)?.Dispose();
        ITransformer batched = mlContext.Model.LoadModel(_zip, out _);
        Assert.That(batched.Transform(queries).GetColumn<float[]>(column).Count(), Is.EqualTo(2));
        (batched as IDisposable)?.Dispose();

        Assert.That(Directory.GetFileSystemEntries(_temp, "*", SearchOption.AllDirectories), Is.Empty, "loaded models delete their temporary files when disposed");
    }

    [Test]
    public void SavingADisposedModel_ObjectDisposedException()
    {
        var mlContext = new MLContext(seed: 1) { TempFilePath = _temp };
        IDataView data = ConformanceData.Default(mlContext);
        var fitted = (OnnxBackedTransformer)ConformanceEstimators.All[0].Create(mlContext).Fit(data);
        fitted.Dispose();
        Assert.That(() => mlContext.Model.Save(fitted, data.Schema, _zip), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void MissingTempFolder_ClearErrorNamingIt()
    {
        string missing = Path.Combine(_temp, "no-such-folder");
        var mlContext = new MLContext(seed: 1) { TempFilePath = missing };
        IDataView data = ConformanceData.Default(mlContext);
        Assert.That(() => ConformanceEstimators.All[1].Create(mlContext).Fit(data),
            Throws.InstanceOf<IOException>().With.Message.Contains("MLContext.TempFilePath").And.Message.Contains(missing));
    }

    [Test]
    public void RelativeTempFolder_TheFileIsDeletedEvenAfterTheWorkingDirectoryChanges()
    {
        string before = Environment.CurrentDirectory;
        Directory.CreateDirectory(Path.Combine(_temp, "a", "tmp"));
        Directory.CreateDirectory(Path.Combine(_temp, "b"));
        try
        {
            Environment.CurrentDirectory = Path.Combine(_temp, "a");
            var mlContext = new MLContext(seed: 1) { TempFilePath = "tmp" };
            var fitted = (OnnxBackedTransformer)ConformanceEstimators.All[1].Create(mlContext).Fit(ConformanceData.Default(mlContext));
            Assert.That(Directory.GetFiles(Path.Combine(_temp, "a", "tmp")), Has.Length.EqualTo(1));
            Environment.CurrentDirectory = Path.Combine(_temp, "b");
            fitted.Dispose();
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
        Assert.That(Directory.GetFiles(Path.Combine(_temp, "a", "tmp")), Is.Empty);
    }

    [Test]
    public void UndisposedModel_ItsGraphFileIsDeletedAtProcessExit()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { WorkerPath, "undisposed", _temp }) info.ArgumentList.Add(arg);
        using Process worker = Process.Start(info)!;
        // Both pipes are drained concurrently, so a full stderr can't block the worker, and a hung worker fails the test.
        Task<string> stdout = worker.StandardOutput.ReadToEndAsync(), stderr = worker.StandardError.ReadToEndAsync();
        bool exited = worker.WaitForExit(TimeSpan.FromMinutes(2));
        if (!exited) worker.Kill(entireProcessTree: true);
        Assert.That(exited, Is.True, "worker did not finish");
        string output = stdout.Result + stderr.Result;
        Assert.That(worker.ExitCode, Is.Zero, output);
        Assert.That(stdout.Result.Split('\n', StringSplitOptions.TrimEntries), Does.Contain("files 1"), "while the model lived, its graph file was there");
        Assert.That(Directory.GetFileSystemEntries(_temp), Is.Empty, "the graph file of a model nobody disposed is deleted at exit");
    }

    private static string WorkerPath => typeof(TempFileConformanceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "GimTestWorkerAssembly").Value!;
}
