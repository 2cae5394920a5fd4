using Gim.MLNet.Runtime;

namespace Gim.MLNet.Tests.Runtime;

/// <summary>
/// Two threads holding the finalizer at once (a fit and its calibration refits on a second thread) must still let the
/// finalizers run between their steps — but never while one of them may be inside a native call — and a callback that
/// waits for finalizers must not hang. Each test runs under a deadline, so that a deadlock fails instead of hanging.
/// </summary>
[NonParallelizable]
public class FinalizerHoldTests
{
    private static int _finalized;

    private sealed class Garbage
    {
        ~Garbage() => Interlocked.Increment(ref _finalized);
    }

    /// <summary>A training loop's stand-in: finalizable garbage every "step", a breath between steps, for a while.</summary>
    private static void Loop(TimeSpan duration)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (int i = 0; i < 100; i++) _ = new Garbage();
            GC.Collect(0);
            FinalizerHold.Breathe();
            Thread.Sleep(1);
        }
    }

    private static void WithinDeadline(Action work)
    {
        var thread = new Thread(() => work()) { IsBackground = true };
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(60)), Is.True, "deadlocked");
    }

    /// <summary>Finalizers that ran while a thread held, from its start to the end of <paramref name="underHolds"/>.</summary>
    private static int FinalizedWhile(Action underHolds)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int before = Volatile.Read(ref _finalized);
        int during = -1;
        WithinDeadline(() =>
        {
            using (FinalizerHold.Enter())
            {
                underHolds();
                during = Volatile.Read(ref _finalized) - before;
            }
        });
        return during;
    }

    private static Thread Holding(Action work)
    {
        var thread = new Thread(() =>
        {
            using (FinalizerHold.Enter()) work();
        }) { IsBackground = true };
        thread.Start();
        return thread;
    }

    [Test]
    public void TwoHoldingThreads_BreathingBetweenSteps_LetFinalizersRun()
    {
        int finalized = FinalizedWhile(() =>
        {
            Thread other = Holding(() => Loop(TimeSpan.FromSeconds(1.5)));
            Loop(TimeSpan.FromSeconds(1.5));
            FinalizerHold.AtSafePoint(other.Join);
        });
        // Each breath runs what both loops left (a few hundred objects); over 1.5 s there are several breaths.
        Assert.That(finalized, Is.GreaterThan(0), "no finalizer ran while both threads held");
    }

    [Test]
    public void AHolderWaitingAtASafePoint_DoesNotKeepTheOtherFromBreathing()
    {
        int finalized = FinalizedWhile(() =>
        {
            Thread other = Holding(() => Loop(TimeSpan.FromSeconds(1.5)));
            // This thread holds and only waits (as the full fit waits for its refits).
            FinalizerHold.AtSafePoint(other.Join);
        });
        Assert.That(finalized, Is.GreaterThan(0), "the waiting holder kept the other thread from breathing");
    }

    [Test]
    public void AHolderBusyElsewhere_KeepsTheFinalizersParked_WithoutStallingTheLoop()
    {
        // The other holder never reaches a safe point (it may be inside a native call): no finalizer may run, and the
        // looping thread must not stall on it (each wait is bounded).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var release = new ManualResetEventSlim();
        int finalized = FinalizedWhile(() =>
        {
            Thread busy = Holding(() => release.Wait());
            Thread.Sleep(50);
            Loop(TimeSpan.FromSeconds(1));
            release.Set();
            FinalizerHold.AtSafePoint(busy.Join);
        });
        Assert.That(finalized, Is.EqualTo(0), "a breath ran while another holder was away from a safe point");
        // 1 s of loop plus at most one bounded wait (25 ms) per breathing interval (250 ms).
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public void ACallbackThatWaitsForFinalizers_IsServedByTheOtherHoldersBreaths()
    {
        // One holder runs a callback that waits for finalizers while another keeps stepping (a progress report during
        // refits on the second thread): the other's breaths, or its end, must let the wait finish.
        WithinDeadline(() =>
        {
            using (FinalizerHold.Enter())
            {
                Thread other = Holding(() => Loop(TimeSpan.FromSeconds(1)));
                Thread.Sleep(50);
                _ = new Garbage();
                FinalizerHold.Outside(() => { GC.Collect(); GC.WaitForPendingFinalizers(); });
                FinalizerHold.AtSafePoint(other.Join);
                // And once the other has ended: the callback's own thread is the only holder again.
                FinalizerHold.Outside(() => { GC.Collect(); GC.WaitForPendingFinalizers(); });
            }
        });
    }

    [Test]
    public void ACallbackThatWaitsForFinalizers_DoesNotHang_WhenAnotherThreadTakesAHoldMeanwhile()
    {
        // The refits' thread starting its next fit (a new hold) while the full fit's callback waits for finalizers.
        WithinDeadline(() =>
        {
            using (FinalizerHold.Enter())
            {
                Thread? other = null;
                FinalizerHold.Outside(() =>
                {
                    other = Holding(() => Loop(TimeSpan.FromSeconds(0.5)));
                    Thread.Sleep(50);
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                });
                FinalizerHold.AtSafePoint(other!.Join);
            }
        });
    }
}
