using Gim.MLNet.Causal;
using Gim.MLNet.Peers;
using Gim.MLNet.Runtime;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Runtime;

/// <summary>
/// TorchSharp frees its temporary Scalars from their finalizers, possibly while a native call still reads them
/// (FinalizerHold). Another thread forcing a garbage collection every millisecond made 137 of 144 GIM fits fail
/// ("Expected false to be true", "Unknown scalar type") before the hold; with it, none may.
/// </summary>
public class GarbageCollectionRaceTests
{
    private static void UnderCollections(Action work)
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            work();
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }

    [Test]
    public void GimTrainingAndPrediction_SurviveCollectionsFromAnotherThread()
    {
        UnderCollections(() =>
        {
            for (int fit = 0; fit < 4; fit++)
            {
                using GimModel model = TinyLinearScm.Train(InterventionKind.Shift, depth: 0, steps: 300);
                for (int i = 0; i < 50; i++)
                    Assert.That(model.Sample(TinyLinearScm.Features("r1", 1 + i % 3), 20, seed: i).Cast<float>().All(float.IsFinite), Is.True);
            }
        });
    }

    /// <summary>Calibrated fits train their refits on a second thread (two cores): two threads inside native calls at once.</summary>
    [Test]
    public void GimTrainingWithRefitsBeside_SurvivesCollectionsFromAnotherThread()
    {
        UnderCollections(() =>
        {
            for (int fit = 0; fit < 3; fit++)
            {
                GimOptions options = TinyLinearScm.Options(steps: 300);
                options.CalibrationFolds = 3;
                options.Seed = fit;
                using GimModel model = new GimTrainer(options).Fit(TinyLinearScm.Dataset());
                Assert.That(model.Calibration, Is.Not.Null);
                Assert.That(model.Sample(TinyLinearScm.Features("r1", 2), 20, seed: fit).Cast<float>().All(float.IsFinite), Is.True);
            }
        });
    }

    [Test]
    public void PeerTraining_SurvivesCollectionsFromAnotherThread()
    {
        UnderCollections(() =>
        {
            for (int fit = 0; fit < 3; fit++)
            {
                using MeanShiftModel model = new MeanShiftTrainer(new MeanShiftOptions { MaxSteps = 300, Seed = fit }).Fit(TinyLinearScm.Dataset());
                Assert.That(model.PredictMean(TinyLinearScm.Features("r2", 2)).All(float.IsFinite), Is.True);
            }
        });
    }

    [Test]
    public void ACallbackThatWaitsForFinalizers_DoesNotHangTraining()
    {
        // Progress and Log run with the finalizer thread free; inside the hold this call would wait forever.
        GimOptions options = TinyLinearScm.Options(steps: 200);
        options.EvaluateEvery = 50;
        FitWithCallbacksThatWaitForFinalizers(options, TimeSpan.FromMinutes(2), new List<string>()).Dispose();
    }

    /// <summary>
    /// Fits with a progress sink and a log that wait for finalizers (collecting the log in <paramref name="lines"/>);
    /// fails if the fit does not end within <paramref name="deadline"/>.
    /// </summary>
    private static GimModel FitWithCallbacksThatWaitForFinalizers(GimOptions options, TimeSpan deadline, List<string> lines)
    {
        options.Progress = new WaitingSink();
        var trainer = new GimTrainer(options) { Log = line => { GC.WaitForPendingFinalizers(); lines.Add(line); } };
        Task<GimModel> fit = Task.Run(() => trainer.Fit(TinyLinearScm.Dataset()));
        Assert.That(fit.Wait(deadline), Is.True, "training hung in a callback");
        return fit.Result;
    }

    /// <summary>
    /// The same with calibration refits on a second thread (two cores): that thread holds too, so the callbacks' waits
    /// are served by its breaths, or when it ends (before the safe points, the fit hung for good here).
    /// </summary>
    [Test]
    public void ACallbackThatWaitsForFinalizers_DoesNotHangTraining_WithRefitsBeside()
    {
        GimOptions options = TinyLinearScm.Options(steps: 200);
        options.CalibrationFolds = 3;
        options.EvaluateEvery = 20;
        var lines = new List<string>();
        using GimModel model = FitWithCallbacksThatWaitForFinalizers(options, TimeSpan.FromMinutes(2), lines);
        Assert.That(model.Calibration, Is.Not.Null);
        if (Environment.ProcessorCount >= 2)
            Assert.That(lines, Has.Some.Contains("on a second thread"), string.Join("\n", lines));
    }

    /// <summary>
    /// The nonlinear model's refits fit one after another on a second thread, each taking and ending its own hold, while
    /// the full fit's callbacks wait for finalizers (a new hold between two refits used to re-park the finalizer thread
    /// under a waiting callback).
    /// </summary>
    [Test]
    public void ACallbackThatWaitsForFinalizers_DoesNotHangTraining_WithNonlinearRefitsBeside()
    {
        GimOptions options = NonlinearTestModels.Options(steps: 120);
        options.CalibrationFolds = 3;
        options.EvaluateEvery = 5;
        using GimModel model = FitWithCallbacksThatWaitForFinalizers(options, TimeSpan.FromMinutes(3), new List<string>());
        Assert.That(model.Calibration, Is.Not.Null);
    }

    /// <summary>
    /// A callback's own cancellation (its own token, not GimOptions.CancellationToken) ends the fit with that exception,
    /// at once: the refits on the second thread are stopped, not waited for.
    /// </summary>
    [Test]
    public void ACallbacksOwnCancellation_EndsTheFitWithIt_WithRefitsBeside()
    {
        GimOptions options = TinyLinearScm.Options(steps: 200_000);
        options.CalibrationFolds = 3;
        options.EvaluateEvery = 20;
        using var own = new CancellationTokenSource();
        options.Progress = new StandIns.Recorder<GimTrainingProgress>(p =>
        {
            if (p.Step >= 40) own.Token.ThrowIfCancellationRequested();
            if (p.Step >= 20) own.Cancel();
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<OperationCanceledException>(() => new GimTrainer(options).Fit(TinyLinearScm.Dataset()));
        Assert.That(e!.CancellationToken, Is.EqualTo(own.Token));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "the refits' 100,000 steps were waited for");
    }

    [Test]
    public void AfterAnotherThreadsHoldEnds_FinalizersRunAgainBetweenSteps()
    {
        using (FinalizerHold.Enter())
        {
            var other = new Thread(() => FinalizerHold.Enter().Dispose());
            other.Start();
            other.Join();
            var finalized = new ManualResetEventSlim(false);
            DropFinalizable(finalized);
            GC.Collect();
            Thread.Sleep(300); // Breathe lets finalizers run at most every 250 ms
            FinalizerHold.Breathe();
            Assert.That(finalized.Wait(TimeSpan.FromSeconds(5)), Is.True, "a brief hold on another thread left the finalizers parked");
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void DropFinalizable(ManualResetEventSlim finalized) => _ = new Finalizable(finalized);

    private sealed class Finalizable(ManualResetEventSlim finalized)
    {
        ~Finalizable() => finalized.Set();
    }

    /// <summary>A progress sink that waits for finalizers, as memory-reporting code does.</summary>
    private sealed class WaitingSink : IProgress<GimTrainingProgress>
    {
        public void Report(GimTrainingProgress value) => GC.WaitForPendingFinalizers();
    }
}
