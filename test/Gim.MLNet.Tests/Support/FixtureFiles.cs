using System.Text.Json;

namespace Gim.MLNet.Tests.Support;

/// <summary>Paths of the committed fixtures and what the fixture script says it wrote.</summary>
internal static class FixtureFiles
{
    private static readonly Lazy<JsonElement> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(H5ad("expected.json"))).RootElement);

    public static string H5ad(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "h5ad", name);

    /// <summary>A file of Fixtures/models: model files saved by an earlier version (see its README).</summary>
    public static string Model(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", name);

    /// <summary>A file of Fixtures/checkpoints: training checkpoints written by an earlier version (see its README).</summary>
    public static string Checkpoint(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "checkpoints", name);

    /// <summary>The entry of expected.json for one fixture (written by Fixtures/make_h5ad_fixtures.py).</summary>
    public static JsonElement ExpectedFor(string name) => Expected.Value.GetProperty(name);

    public static float[,] Matrix(JsonElement rows)
    {
        int n = rows.GetArrayLength(), m = n == 0 ? 0 : rows[0].GetArrayLength();
        var x = new float[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                x[i, j] = (float)rows[i][j].GetDouble();
        return x;
    }

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>A temporary directory removed on dispose, for tests that write files.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gim-data-" + Guid.NewGuid().ToString("N"));

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
