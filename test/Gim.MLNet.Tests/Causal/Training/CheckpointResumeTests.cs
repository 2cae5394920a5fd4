using System.Diagnostics;
using System.Reflection;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Peers;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Causal.Training;

/// <summary>
/// Training killed for real (a child process, SIGKILL) resumes from its last checkpoint and ends with
/// exactly the parameters of an uninterrupted run.
/// </summary>
public class CheckpointResumeTests
{
    private const int MaxSteps = 3000;
    private const int CheckpointEvery = 100;
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("gim-checkpoint-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static string WorkerPath => typeof(CheckpointResumeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "GimTestWorkerAssembly").Value!;

    private static Process StartWorker(string checkpoint, string result)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { WorkerPath, checkpoint, result, MaxSteps.ToString(), CheckpointEvery.ToString() })
            info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    private static string RunToEnd(string checkpoint, string result)
    {
        using Process worker = StartWorker(checkpoint, result);
        string output = worker.StandardOutput.ReadToEnd() + worker.StandardError.ReadToEnd();
        Assert.That(worker.WaitForExit(TimeSpan.FromMinutes(5)), Is.True, "worker did not finish");
        Assert.That(worker.ExitCode, Is.EqualTo(0), output);
        return output;
    }

    [Test]
    public void KilledTraining_ResumesFromItsCheckpoint_AndEndsWithTheUninterruptedParameters()
    {
        string reference = Path.Combine(_folder, "reference.txt");
        RunToEnd(Path.Combine(_folder, "reference.ckpt"), reference);
        Assert.That(File.Exists(Path.Combine(_folder, "reference.ckpt")), Is.False, "a finished run deletes its checkpoint");

        string checkpoint = Path.Combine(_folder, "run.ckpt");
        string result = Path.Combine(_folder, "run.txt");
        using (Process worker = StartWorker(checkpoint, result))
        {
            // Wait for the second checkpoint (so the first was replaced atomically at least once), then kill.
            var clock = Stopwatch.StartNew();
            DateTime first = DateTime.MinValue;
            while (clock.Elapsed < TimeSpan.FromMinutes(3) && !worker.HasExited)
            {
                if (File.Exists(checkpoint))
                {
                    DateTime written = File.GetLastWriteTimeUtc(checkpoint);
                    if (first == DateTime.MinValue) first = written;
                    else if (written != first) break;
                }
                Thread.Sleep(20);
            }
            Assert.That(worker.HasExited, Is.False, "the worker finished before it could be killed; raise MaxSteps");
            worker.Kill(entireProcessTree: true);
            worker.WaitForExit();
        }
        Assert.That(File.Exists(result), Is.False, "the killed run must not have finished");
        Assert.That(File.Exists(checkpoint), Is.True);

        string log = RunToEnd(checkpoint, result);
        Assert.That(log, Does.Contain("resumed from checkpoint"));
        Assert.That(File.ReadAllLines(result), Is.EqualTo(File.ReadAllLines(reference)), "resumed parameters differ from the uninterrupted run");
        Assert.That(File.Exists(checkpoint), Is.False);
    }

    [Test]
    public void CheckpointFromDifferentOptions_IsRefusedWithGuidance()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        string checkpoint = Path.Combine(_folder, "other.ckpt");
        var options = new GimOptions { MaxSteps = 60, CheckpointEvery = 20, CheckpointPath = checkpoint };
        using var cancel = new CancellationTokenSource();
        options.CancellationToken = cancel.Token;
        options.EvaluateEvery = 40;
        options.Progress = new Stop(cancel);
        Assert.Throws<OperationCanceledException>(() => new GimTrainer(options).Fit(screen.Train.Data));
        Assert.That(File.Exists(checkpoint), Is.True, "a cancelled run keeps its checkpoint");

        var different = new GimOptions { MaxSteps = 60, CheckpointEvery = 20, CheckpointPath = checkpoint, TargetSparsity = 0.5 };
        var e = Assert.Throws<InvalidOperationException>(() => new GimTrainer(different).Fit(screen.Train.Data));
        Assert.That(e!.Message, Does.Contain("different data or options").And.Contain(checkpoint));

        // The same options from a warm start are a different run too: the cold checkpoint must not replace the start.
        var same = new GimOptions { MaxSteps = 60, CheckpointEvery = 20, CheckpointPath = checkpoint, EvaluateEvery = 40 };
        same.WarmStart = new TwoStageWarmStart();
        var warm = Assert.Throws<InvalidOperationException>(() => new GimTrainer(same).Fit(screen.Train.Data));
        Assert.That(warm!.Message, Does.Contain("different data or options"));
    }

    /// <summary>A null seed trains as seed 0, so the two resume each other's checkpoints (0.1.0 wrote its default, 0).</summary>
    [Test]
    public void TheFingerprint_HashesTheSeedTheRunUses()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        string Of(int? seed) => TrainingFingerprint.Compute(new GimOptions { Seed = seed }, screen.Train.Data, null, null);
        Assert.That(Of(null), Is.EqualTo(Of(0)));
        Assert.That(Of(1), Is.Not.EqualTo(Of(0)));
        // The kind of known targets changes the numbers (same parameter shapes): a checkpoint of one kind must not resume another.
        string Known(KnownTargetKind kind) => TrainingFingerprint.Compute(new GimOptions { KnownTargets = kind }, screen.Train.Data, null, null);
        Assert.That(new[] { Known(KnownTargetKind.None), Known(KnownTargetKind.Shift), Known(KnownTargetKind.Knockdown), Known(KnownTargetKind.Hard) },
            Is.Unique);
        Assert.That(Known(KnownTargetKind.None), Is.EqualTo(Of(0)), "without known targets the fingerprint is as before");
        // So does a factored graph's rank; 0 (dense) leaves the fingerprint as before.
        string Rank(int rank) => TrainingFingerprint.Compute(new GimOptions { GraphRank = rank }, screen.Train.Data, null, null);
        Assert.That(new[] { Rank(0), Rank(2), Rank(3) }, Is.Unique);
        Assert.That(Rank(0), Is.EqualTo(Of(0)));
    }

    /// <summary>
    /// A nonlinear fit with the power-series log-determinant draws Hutchinson probes every step from a generator of its
    /// own; the checkpoint carries that generator's state too, so a run cancelled after a checkpoint and resumed ends with
    /// exactly the uninterrupted run's graph and predictions. (Without the probe state, the resumed run redrew its probes
    /// from the seed and ended elsewhere.)
    /// </summary>
    [Test]
    public void PowerSeriesNonlinearFit_ResumesToTheUninterruptedParameters()
    {
        var data = TinyLinearScm.Dataset(cellsPerContext: 40);
        float[] features = TinyLinearScm.Features("r1", 2);
        GimOptions Options(string checkpoint)
        {
            GimOptions o = NonlinearTestModels.Options(steps: 40);
            o.Nonlinear.LogDeterminant = LogDeterminantMethod.PowerSeries;
            o.CheckpointPath = checkpoint;
            o.CheckpointEvery = 10;
            o.EvaluateEvery = 20;
            return o;
        }

        AssertACancelledRunResumesToTheUninterruptedOne(Options, data, features);
    }

    /// <summary>
    /// A fit with a free phase (<see cref="GimOptions.FreePhase"/>), stopped inside it (step 10 of its 20), resumes with its
    /// free interventions and their Adam moments where they were (checkpoint format 4) and ends exactly where the
    /// uninterrupted run does; free interventions restarted from zero would end elsewhere.
    /// </summary>
    [Test]
    public void AFitStoppedInItsFreePhase_ResumesToTheUninterruptedParameters()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        float[] features = screen.FullOod.Data.Contexts[1].Features;
        GimOptions Options(string checkpoint) => new()
        {
            Seed = 4, MaxSteps = 40, FreePhase = 0.5, CheckpointPath = checkpoint, CheckpointEvery = 5, EvaluateEvery = 10, CalibrationFolds = 0,
        };
        AssertACancelledRunResumesToTheUninterruptedOne(Options, screen.Train.Data, features);
    }

    /// <summary>
    /// Fits <paramref name="options"/> (a 40-step run, given its checkpoint path) once straight through; then cancels a run
    /// at its first progress report (after a checkpoint), resumes it, and checks that it says so and ends with exactly the
    /// uninterrupted run's graph and predicted mean at <paramref name="features"/>.
    /// </summary>
    private void AssertACancelledRunResumesToTheUninterruptedOne(Func<string, GimOptions> options, PerturbationDataset data, float[] features)
    {
        (double[,] Graph, float[] Mean) Result(GimModel model) => (model.Graph(), model.PredictMean(features));
        (double[,] Graph, float[] Mean) uninterrupted;
        using (GimModel model = new GimTrainer(options(Path.Combine(_folder, "whole.ckpt"))).Fit(data)) uninterrupted = Result(model);

        string checkpoint = Path.Combine(_folder, "resumed.ckpt");
        GimOptions first = options(checkpoint);
        using var cancel = new CancellationTokenSource();
        first.CancellationToken = cancel.Token;
        first.Progress = new Stop(cancel);
        Assert.Throws<OperationCanceledException>(() => new GimTrainer(first).Fit(data));
        Assert.That(File.Exists(checkpoint), Is.True, "a cancelled run keeps its checkpoint");
        var lines = new List<string>();
        using GimModel resumed = new GimTrainer(options(checkpoint)) { Log = lines.Add }.Fit(data);
        Assert.That(lines, Has.Some.Contains("resumed from checkpoint"));
        Assert.That(resumed.StepsRun, Is.EqualTo(40));
        var (graph, mean) = Result(resumed);
        Assert.That(graph, Is.EqualTo(uninterrupted.Graph), "the resumed run's graph");
        Assert.That(mean, Is.EqualTo(uninterrupted.Mean), "the resumed run's predicted mean");
    }

    [Test]
    public void DamagedCheckpoint_GivesAClearError()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        string checkpoint = Path.Combine(_folder, "damaged.ckpt");
        File.WriteAllBytes(checkpoint, new byte[] { 1, 2, 3 });
        var e = Assert.Throws<InvalidDataException>(() =>
            new GimTrainer(new GimOptions { MaxSteps = 10, CheckpointPath = checkpoint }).Fit(screen.Train.Data));
        Assert.That(e!.Message, Does.Contain(checkpoint));
    }

    private sealed class Stop(CancellationTokenSource cancel) : IProgress<GimTrainingProgress>
    {
        public void Report(GimTrainingProgress value) => cancel.Cancel();
    }
}
