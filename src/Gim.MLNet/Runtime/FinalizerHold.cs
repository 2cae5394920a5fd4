using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Gim.MLNet.Runtime;

/// <summary>
/// Holds .NET's finalizer thread while TorchSharp work runs, so that nothing TorchSharp created can be freed under a
/// native call that is still using it.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns every number passed to an operation into a temporary <c>Scalar</c> (<c>a + b</c> passes
/// alpha = 1; <c>x * 0.5</c>, <c>clamp</c>, and its own Adam step do the same) and frees it from its finalizer. The
/// temporary is unreachable while the native call that reads it runs, so a garbage collection triggered by another
/// thread frees it mid-call: training failed with "Expected false to be true" or "Unknown scalar type" in 8 of 36 fits
/// with a thread forcing collections, and once in four main-job runs on a busy machine. .NET has one finalizer thread;
/// while it runs our sentinel's finalizer, which waits for the release, no TorchSharp finalizer can run.
/// Holds nest and may come from several threads; the finalizers that queued up run at <see cref="Breathe"/> (between
/// training steps) and when the last hold ends. Code under a hold must not call <c>GC.WaitForPendingFinalizers</c>;
/// user callbacks run <see cref="Outside"/> it.
/// </remarks>
internal static class FinalizerHold
{
    /// <summary>How long a training loop keeps the finalizers waiting before it lets them run (bounds their backlog).</summary>
    private static readonly TimeSpan BreatheEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long to wait for the finalizer thread to reach the sentinel. A thread stuck in another finalizer runs none of
    /// ours either, so after this the work goes on.
    /// </summary>
    private static readonly TimeSpan ParkTimeout = TimeSpan.FromSeconds(30);

    private static readonly object Gate = new();
    private static readonly Stopwatch SinceParked = new();
    private static readonly Dictionary<int, int> HoldsByThread = new();
    private static ManualResetEventSlim? _release; // non-null while the finalizer thread is parked

    /// <summary>Holds the finalizer thread until the returned value is disposed (nested holds are cheap).</summary>
    public static Hold Enter()
    {
        lock (Gate)
        {
            int thread = Environment.CurrentManagedThreadId;
            HoldsByThread[thread] = HoldsByThread.GetValueOrDefault(thread) + 1;
            // Parks when nothing is parked: the first hold, or another thread's hold while a callback runs (Outside).
            _release ??= Park();
        }
        return new Hold(Environment.CurrentManagedThreadId);
    }

    /// <summary>
    /// Between training steps: lets the queued finalizers run, then holds again. Only when this thread is the only
    /// one holding; another thread may be inside a native call.
    /// </summary>
    public static void Breathe()
    {
        lock (Gate)
        {
            if (_release is null || !OnlyHolder() || SinceParked.Elapsed < BreatheEvery) return;
            _release.Set();
            GC.WaitForPendingFinalizers();
            _release = Park();
        }
    }

    /// <summary>
    /// Runs user code (progress and log callbacks) with the finalizer thread free, so that it may wait for finalizers;
    /// holds again afterwards. When another thread also holds, the hold stays (that thread may be inside a native call).
    /// </summary>
    public static void Outside(Action callback)
    {
        lock (Gate)
        {
            if (_release is not null && OnlyHolder())
            {
                _release.Set();
                _release = null;
            }
        }
        try
        {
            callback();
        }
        finally
        {
            lock (Gate)
            {
                if (HoldsByThread.Count > 0) _release ??= Park();
            }
        }
    }

    private static bool OnlyHolder() => HoldsByThread.Count == 1 && HoldsByThread.ContainsKey(Environment.CurrentManagedThreadId);

    private static void Exit(int thread)
    {
        lock (Gate)
        {
            // Tolerates a second dispose: a thread with no hold left has nothing to end.
            if (!HoldsByThread.TryGetValue(thread, out int holds)) return;
            if (holds > 1) HoldsByThread[thread] = holds - 1;
            else HoldsByThread.Remove(thread);
            if (HoldsByThread.Count > 0 || _release is null) return;
            _release.Set();
            _release = null;
        }
    }

    private static ManualResetEventSlim Park()
    {
        var release = new ManualResetEventSlim(false);
        var parked = new ManualResetEventSlim(false);
        QueueSentinel(release, parked);
        // The sentinel is unreachable and young: a gen-0 collection hands it to the finalizer thread.
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        parked.Wait(ParkTimeout);
        SinceParked.Restart();
        return release;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void QueueSentinel(ManualResetEventSlim release, ManualResetEventSlim parked) => _ = new Sentinel(release, parked);

    private sealed class Sentinel(ManualResetEventSlim release, ManualResetEventSlim parked)
    {
        ~Sentinel()
        {
            parked.Set();
            release.Wait();
        }
    }

    /// <summary>Ends one hold of the thread that took it when disposed.</summary>
    internal readonly struct Hold(int thread) : IDisposable
    {
        public void Dispose()
        {
            if (thread != 0) Exit(thread);
        }
    }
}
