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
/// user callbacks run <see cref="Outside"/> it. With several holding threads (a fit and its calibration refits on a
/// second thread) a breath waits until every holder is at a safe point — between steps in <see cref="Breathe"/>,
/// waiting in <see cref="AtSafePoint"/>, or running a callback <see cref="Outside"/> (outside any TorchSharp call of its
/// own) — since another thread may be inside a native call; without it, their temporaries would pile up for the whole
/// run (70 MB over 5,000 refit steps in a test). So a callback that waits for finalizers is served by the other
/// holders' breaths, or when they end; nobody is paused.
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

    /// <summary>
    /// How long a thread at a safe point waits for the other holders to reach one. Training threads step every few
    /// milliseconds, so they meet well within it; a holder busy elsewhere only postpones the breath to the next interval.
    /// </summary>
    private static readonly TimeSpan SafePointTimeout = TimeSpan.FromMilliseconds(25);

    private static readonly object Gate = new();
    private static readonly Stopwatch SinceParked = new();
    private static readonly Dictionary<int, int> HoldsByThread = new();
    private static readonly HashSet<int> AtSafePoints = new();
    private static readonly Dictionary<int, int> InCallback = new();    // holders running a callback Outside the hold (depth)
    private static readonly Dictionary<int, int> CallbackHolds = new(); // holds those threads took inside their callbacks
    private static long _breaths;
    private static ManualResetEventSlim? _release; // non-null while the finalizer thread is parked

    /// <summary>Holds the finalizer thread until the returned value is disposed (nested holds are cheap).</summary>
    public static Hold Enter()
    {
        lock (Gate)
        {
            int thread = Environment.CurrentManagedThreadId;
            HoldsByThread[thread] = HoldsByThread.GetValueOrDefault(thread) + 1;
            // TorchSharp work inside a callback: this thread is no longer at a safe point until that hold ends.
            if (InCallback.ContainsKey(thread)) CallbackHolds[thread] = CallbackHolds.GetValueOrDefault(thread) + 1;
            // Parks when nothing is parked: the first hold, or a hold while callbacks run with the finalizers free.
            _release ??= Park();
        }
        return new Hold(Environment.CurrentManagedThreadId);
    }

    /// <summary>
    /// Between training steps (a safe point: this thread is inside no native call): lets the queued finalizers run, then
    /// holds again, at most every <see cref="BreatheEvery"/>. When other threads hold too, waits (up to
    /// <see cref="SafePointTimeout"/>) until each is at a safe point as well; if one does not come, tries again later.
    /// </summary>
    public static void Breathe()
    {
        lock (Gate)
        {
            if (_release is null || SinceParked.Elapsed < BreatheEvery) return;
            // Alone, this thread is every holder at a safe point: the loop below breathes at once.
            int thread = Environment.CurrentManagedThreadId;
            AtSafePoints.Add(thread);
            Monitor.PulseAll(Gate);
            try
            {
                long breath = _breaths;
                var waited = Stopwatch.StartNew();
                while (_breaths == breath && _release is not null)
                {
                    if (EveryHolder(Safe))
                    {
                        Breath();
                        break;
                    }
                    TimeSpan left = SafePointTimeout - waited.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        SinceParked.Restart();
                        break;
                    }
                    Monitor.Wait(Gate, left);
                }
            }
            finally
            {
                AtSafePoints.Remove(thread);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="wait"/> (waiting for another thread; no TorchSharp call) with this thread counted as at a safe
    /// point, so that other holders may breathe meanwhile.
    /// </summary>
    public static void AtSafePoint(Action wait)
    {
        int thread = Environment.CurrentManagedThreadId;
        bool added;
        lock (Gate)
        {
            added = AtSafePoints.Add(thread);
            Monitor.PulseAll(Gate);
        }
        try
        {
            wait();
        }
        finally
        {
            if (added)
                lock (Gate) AtSafePoints.Remove(thread);
        }
    }

    /// <summary>
    /// Runs user code (progress and log callbacks) with the finalizer thread free, so that it may wait for finalizers;
    /// holds again afterwards. While other threads hold too (calibration refits on a second thread), the finalizers run
    /// at their breaths (this thread counts as at a safe point meanwhile) and are freed once every holder left is in a
    /// callback.
    /// </summary>
    public static void Outside(Action callback)
    {
        int thread = Environment.CurrentManagedThreadId;
        bool holder;
        lock (Gate)
        {
            holder = HoldsByThread.ContainsKey(thread);
            if (holder)
            {
                InCallback[thread] = InCallback.GetValueOrDefault(thread) + 1;
                ReleaseIfAllInCallbacks();
                Monitor.PulseAll(Gate);
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
                if (holder)
                {
                    if (InCallback[thread] > 1) InCallback[thread]--;
                    else InCallback.Remove(thread);
                }
                if (HoldsByThread.Count > 0 && !EveryHolder(InCallbackOnly)) _release ??= Park();
                Monitor.PulseAll(Gate);
            }
        }
    }

    /// <summary>Under <see cref="Gate"/>, the finalizer thread parked and every holder at a safe point: one breath.</summary>
    private static void Breath()
    {
        _release!.Set();
        GC.WaitForPendingFinalizers();
        _release = Park();
        _breaths++;
        Monitor.PulseAll(Gate);
    }

    /// <summary>Under <see cref="Gate"/>: frees the finalizer thread when every holder is running a callback (none in a native call).</summary>
    private static void ReleaseIfAllInCallbacks()
    {
        if (_release is null || !EveryHolder(InCallbackOnly)) return;
        _release.Set();
        _release = null;
    }

    private static bool InCallbackOnly(int thread) => InCallback.ContainsKey(thread) && !CallbackHolds.ContainsKey(thread);

    private static bool Safe(int thread) => AtSafePoints.Contains(thread) || InCallbackOnly(thread);

    private static bool EveryHolder(Func<int, bool> condition) => HoldsByThread.Keys.All(condition);

    private static void Exit(int thread)
    {
        lock (Gate)
        {
            // Tolerates a second dispose: a thread with no hold left has nothing to end.
            if (!HoldsByThread.TryGetValue(thread, out int holds)) return;
            if (holds > 1) HoldsByThread[thread] = holds - 1;
            else HoldsByThread.Remove(thread);
            if (CallbackHolds.TryGetValue(thread, out int inCallback))
            {
                if (inCallback > 1) CallbackHolds[thread] = inCallback - 1;
                else CallbackHolds.Remove(thread);
            }
            Monitor.PulseAll(Gate);
            if (HoldsByThread.Count == 0)
            {
                _release?.Set();
                _release = null;
                return;
            }
            // The holders left may all be in callbacks that wait for finalizers.
            ReleaseIfAllInCallbacks();
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
