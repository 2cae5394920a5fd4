using CsCheck;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.ModelFiles;

/// <summary>
/// Damaged saved pipelines (every estimator's): <c>mlContext.Model.LoadModel</c> either loads a model that then
/// predicts, or throws an <see cref="InvalidDataException"/> naming the source; never another exception, a hang
/// or a crash of the process (ONNX Runtime included).
/// </summary>
public class ModelFileFuzzTests
{
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);
    private static readonly Lazy<IReadOnlyList<(string Name, byte[] Bytes)>> SavedModels = new(SaveEveryEstimator);

    // What each intact saved model predicts on the default data (first pass: Sample replays the saved seed).
    private static readonly Lazy<Dictionary<string, float[][]>> Reference = new(() =>
        SavedModels.Value.ToDictionary(m => m.Name, m => Predict(new MLContext(seed: 1).Model.LoadModel(new MemoryStream(m.Bytes), m.Name, out _))));

    private static IReadOnlyList<(string Name, byte[] Bytes)> SaveEveryEstimator()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = ConformanceData.Default(mlContext);
        var saved = new List<(string, byte[])>();
        foreach (ConformanceEstimator estimator in ConformanceEstimators.All)
        {
            ITransformer model = estimator.Create(mlContext).Fit(data);
            using var stream = new MemoryStream();
            mlContext.Model.Save(model, data.Schema, stream);
            (model as IDisposable)?.Dispose();
            saved.Add(($"{estimator.Name}.zip", stream.ToArray()));
        }
        return saved;
    }

    [Test]
    public void TruncatedModels_FailCleanly() =>
        ByteMutations.Truncated(SavedModels.Value).Sample(t => LoadsOrFailsCleanly(t.Bytes, t.Name), iter: 1500);

    [Test]
    public void EditedModels_FailCleanly() =>
        ByteMutations.Edited(SavedModels.Value, hotBytes: 512).Sample(t => LoadsOrFailsCleanly(t.Bytes, t.Name), iter: 1500);

    [Test]
    public void IntactModels_Load() =>
        Assert.That(Reference.Value.Values.Select(rows => rows.Length), Has.All.EqualTo(96));

    [Test]
    public void RandomBytes_FailCleanly() =>
        ByteMutations.Noise("PK\u0003\u0004"u8.ToArray()).Sample(t => LoadsOrFailsCleanly(t.Bytes, t.Name), iter: 1000);

    [Test]
    public void MissingFile_IsNamed()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gim-missing-{Guid.NewGuid():N}.zip");
        Assert.That(() => new MLContext().Model.LoadModel(path, out _), Throws.InstanceOf<FileNotFoundException>().With.Message.Contains(path));
    }

    [Test]
    public void DamagedFileOnDisk_IsNamed()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gim-damaged-{Guid.NewGuid():N}.zip");
        try
        {
            byte[] model = SavedModels.Value[0].Bytes;
            File.WriteAllBytes(path, model[..(model.Length / 2)]);
            Assert.That(() => new MLContext().Model.LoadModel(path, out _), Throws.InstanceOf<InvalidDataException>()
                .With.Message.StartsWith($"{path}: not a loadable ML.NET model (")
                .And.Message.Contains("Expected a .zip written by mlContext.Model.Save"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void LoadsOrFailsCleanly(byte[] bytes, string name) => ByteMutations.WithinTime(name, PerCase, () =>
    {
        var mlContext = new MLContext(seed: 1);
        ITransformer model;
        try
        {
            model = mlContext.Model.LoadModel(new MemoryStream(bytes, writable: false), name, out _);
        }
        catch (InvalidDataException ex)
        {
            Assert.That(ex.Message, Does.StartWith($"{name}: not a loadable ML.NET model"), "the message names the source");
            return;
        }
        // The damage spared everything that matters (a timestamp, a comment): the model must predict exactly as before.
        string original = name[..(name.IndexOf(".zip", StringComparison.Ordinal) + 4)];
        Assert.That(Predict(model), Is.EqualTo(Reference.Value[original]), $"{name} loaded but predicts differently");
    });

    /// <summary>Sample then PredictedMean of every row of the default data, one array per row.</summary>
    private static float[][] Predict(ITransformer model)
    {
        try
        {
            var mlContext = new MLContext(seed: 1);
            IDataView predicted = model.Transform(ConformanceData.Default(mlContext));
            var sample = predicted.GetColumn<float[]>("Sample").ToArray();
            var mean = predicted.GetColumn<float[]>("PredictedMean").ToArray();
            return sample.Concat(mean).ToArray();
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }
}
