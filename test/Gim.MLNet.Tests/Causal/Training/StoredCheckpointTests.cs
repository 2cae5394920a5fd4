using System.Globalization;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Causal.Training;

/// <summary>
/// Checkpoints of formats 2 and 3, written by 0.12.1 and 0.12.2 (Fixtures/checkpoints, README there), resume with
/// this version and end where the old version's uninterrupted run ended. This checks what docs/architecture.md
/// promises for upgrades: a checkpoint of a run without a free phase still resumes.
/// </summary>
public class StoredCheckpointTests
{
    /// <summary>Five contexts of 40 cells over four variables, from an integer generator (the same floats in every version).</summary>
    internal static PerturbationDataset Data()
    {
        uint state = 12345;
        float Next()
        {
            double sum = 0;
            for (int i = 0; i < 4; i++)
            {
                state = state * 1664525u + 1013904223u;
                sum += (state >> 8) / 16777216.0;
            }
            return (float)((sum - 2.0) * 1.7320508075688772);
        }
        float[][] features = { new[] { 0f, 0f }, new[] { 1f, 0f }, new[] { 0f, 1f }, new[] { 1f, 1f }, new[] { 2f, 0.5f } };
        float[][] shifts = { new[] { 0f, 0f, 0f, 0f }, new[] { 1.5f, 0f, 0f, 0f }, new[] { 0f, 0f, -1.2f, 0f }, new[] { 1.5f, 0f, -1.2f, 0f }, new[] { 2.5f, 0f, -0.6f, 0f } };
        var contexts = new List<PerturbationContext>();
        for (int c = 0; c < features.Length; c++)
        {
            var x = new float[40, 4];
            for (int i = 0; i < 40; i++)
            {
                float e0 = Next(), e1 = Next(), e2 = Next(), e3 = Next();
                float x0 = shifts[c][0] + e0;
                float x1 = 0.8f * x0 + shifts[c][1] + 0.5f * e1;
                float x2 = shifts[c][2] + e2;
                float x3 = -0.7f * x1 + 0.6f * x2 + shifts[c][3] + 0.5f * e3;
                x[i, 0] = x0; x[i, 1] = x1; x[i, 2] = x2; x[i, 3] = x3;
            }
            contexts.Add(new PerturbationContext(c == 0 ? "control" : $"drug{c}", features[c], x, isControl: c == 0));
        }
        return new PerturbationDataset(contexts, new[] { "a", "b", "c", "d" }, new[] { "f0", "f1" });
    }

    /// <summary>The writer's options; FreePhase = 0 because those versions had none (the fingerprint then matches theirs).</summary>
    internal static GimOptions Options(string? checkpoint) => new()
    {
        Seed = 0, MaxSteps = 60, TargetSparsity = 3, FreePhase = 0, CalibrationFolds = 0, EvaluateEvery = 40, CheckpointEvery = 20,
        CheckpointPath = checkpoint,
    };

    /// <summary>The writer's reference.csv layout: mean and target rows per context, then the graph's rows.</summary>
    internal static List<(string Kind, string Name, double[] Values)> Outputs(GimModel model, PerturbationDataset data)
    {
        var rows = new List<(string, string, double[])>();
        foreach (PerturbationContext c in data.Contexts)
        {
            rows.Add(("mean", c.Name, model.PredictMean(c.Features).Select(v => (double)v).ToArray()));
            rows.Add(("targets", c.Name, model.TargetProbabilities(c.Features)!.Select(v => (double)v).ToArray()));
        }
        double[,] graph = model.Graph()!;
        for (int i = 0; i < graph.GetLength(0); i++)
            rows.Add(("graph", i.ToString(CultureInfo.InvariantCulture), Enumerable.Range(0, graph.GetLength(1)).Select(j => graph[i, j]).ToArray()));
        return rows;
    }

    private static List<(string Kind, string Name, double[] Values)> Reference() =>
        File.ReadAllLines(FixtureFiles.Checkpoint("reference.csv")).Select(line =>
        {
            string[] parts = line.Split(',');
            return (parts[0], parts[1], parts.Skip(2).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        }).ToList();

    [TestCase("format2-0.12.1.ckpt")]
    [TestCase("format3-0.12.2.ckpt")]
    public void ACheckpointOfAnEarlierVersion_ResumesToItsUninterruptedRun(string file)
    {
        using var folder = new FixtureFiles.TempDir();
        string checkpoint = folder.File("run.ckpt");
        File.Copy(FixtureFiles.Checkpoint(file), checkpoint);
        var log = new List<string>();
        PerturbationDataset data = Data();

        using GimModel model = new GimTrainer(Options(checkpoint)) { Log = log.Add }.Fit(data);

        Assert.That(log, Has.Some.Contains($"resumed from checkpoint '{checkpoint}' at step 40"));
        Assert.That(File.Exists(checkpoint), Is.False, "a finished run deletes its checkpoint");
        AssertMatchesTheReference(model, data);
    }

    /// <summary>With today's defaults (λ_t = 1, a free phase) an old run's checkpoint is another run's; the refusal says how to resume it.</summary>
    [Test]
    public void AnOldCheckpoint_UnderTodaysDefaults_IsRefusedWithTheOldDefaults()
    {
        using var folder = new FixtureFiles.TempDir();
        string checkpoint = folder.File("run.ckpt");
        File.Copy(FixtureFiles.Checkpoint("format3-0.12.2.ckpt"), checkpoint);
        var options = new GimOptions { Seed = 0, MaxSteps = 60, CalibrationFolds = 0, EvaluateEvery = 40, CheckpointEvery = 20, CheckpointPath = checkpoint };

        var e = Assert.Throws<InvalidOperationException>(() => new GimTrainer(options).Fit(Data()));

        Assert.That(e!.Message, Does.Contain("different data or options").And.Contain("checkpoint format 3")
            .And.Contain("TargetSparsity = 3 and FreePhase = 0").And.Contain(checkpoint));
        Assert.That(File.Exists(checkpoint), Is.True, "a refused checkpoint is left as it is");
    }

    /// <summary>The same data and options fitted from scratch here reach the old version's numbers: the checkpoint's part is what the test above adds.</summary>
    [Test]
    public void TheWritersRecipe_FittedHere_MatchesTheReference()
    {
        PerturbationDataset data = Data();
        using GimModel model = new GimTrainer(Options(null)).Fit(data);
        AssertMatchesTheReference(model, data);
    }

    /// <summary>The model's outputs are reference.csv's rows, in its order, each value to 1e-6.</summary>
    private static void AssertMatchesTheReference(GimModel model, PerturbationDataset data)
    {
        var expected = Reference();
        var actual = Outputs(model, data);
        Assert.That(actual.Select(r => (r.Kind, r.Name)), Is.EqualTo(expected.Select(r => (r.Kind, r.Name))));
        // Float32 training; the old and the current code run the same operations, so the numbers agree to rounding.
        for (int r = 0; r < expected.Count; r++)
            Assert.That(actual[r].Values, Is.EqualTo(expected[r].Values).Within(1e-6), $"{expected[r].Kind} {expected[r].Name}");
    }
}
