using System.Text.Json;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.ModelFiles;

/// <summary>
/// Model files saved by an earlier version of the library (Support/Fixtures/models, written before the restructuring)
/// load with this version, through ML.NET's <c>Model.Load</c> and through <c>LoadModel</c>, and predict exactly what
/// they predicted when they were saved: a saved pipeline is a contract with the apps that serve it.
/// </summary>
public class ModelFileCompatibilityTests
{
    private const int FeatureCount = 67, VariableCount = 8;

    private sealed class Row
    {
        [VectorType(FeatureCount)] public float[] Features { get; set; } = Array.Empty<float>();
        [VectorType(VariableCount)] public float[] Measurements { get; set; } = Array.Empty<float>();
    }

    private static readonly Lazy<JsonElement> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(FixtureFiles.Model("expected.json"))).RootElement);

    public static IEnumerable<string> Models => new[]
    {
        "gim-linear", "gim-marginal", "gim-counterfactual", "gim-nonlinear", "control", "nearest-context", "mean-shift",
        "conditional-gaussian", "two-stage",
    };

    [Test]
    public void TheFixtures_CoverEveryModelSaved()
    {
        var saved = Expected.Value.GetProperty("outputs").EnumerateObject().Select(p => p.Name);
        Assert.That(Models, Is.EquivalentTo(saved));
    }

    [TestCaseSource(nameof(Models))]
    public void AnOldModelFile_LoadsAndPredictsTheSameNumbers(string model)
    {
        JsonElement expected = Expected.Value.GetProperty("outputs").GetProperty(model);
        foreach (string loader in new[] { "Load", "LoadModel" })
        {
            var mlContext = new MLContext();
            string path = FixtureFiles.Model(model + ".zip");
            ITransformer loaded = loader == "LoadModel" ? mlContext.Model.LoadModel(path, out _) : mlContext.Model.Load(path, out _);
            try
            {
                IDataView output = loaded.Transform(mlContext.Data.LoadFromEnumerable(Rows()));
                var columns = expected.GetProperty(loader).EnumerateObject().ToList();
                Assert.That(columns.Select(c => c.Name), Has.Member("Sample").And.Member("PredictedMean").And.Member("Shift"));
                foreach (JsonProperty column in columns)
                {
                    float[][] actual = output.GetColumn<float[]>(column.Name).ToArray();
                    float[][] saved = column.Value.Deserialize<float[][]>()!;
                    Assert.That(actual, Has.Length.EqualTo(saved.Length), $"{model}, {loader}: rows of {column.Name}");
                    for (int i = 0; i < saved.Length; i++)
                        Assert.That(actual[i], Is.EqualTo(saved[i]), $"{model}, {loader}: {column.Name} of row {i}");
                }
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }
    }

    private static List<Row> Rows()
    {
        float[][] features = Expected.Value.GetProperty("features").Deserialize<float[][]>()!;
        float[][] measurements = Expected.Value.GetProperty("measurements").Deserialize<float[][]>()!;
        return features.Zip(measurements, (f, m) => new Row { Features = f, Measurements = m }).ToList();
    }
}
