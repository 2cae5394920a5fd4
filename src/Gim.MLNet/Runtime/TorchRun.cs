using static TorchSharp.torch;

namespace Gim.MLNet.Runtime;

/// <summary>
/// What a block of TorchSharp work that spans many operations holds for its duration (a training run, a
/// nonlinear model's fixed-point solve): libtorch's intra-op thread count, set for the block and restored after;
/// the <see cref="FinalizerHold"/>; and, for training, the seed of libtorch's global generator.
/// </summary>
/// <remarks>
/// Measured here (2 cores, default Hill screen, d = 20): with libtorch's default two threads, steps
/// took 40–60 ms whenever another process used a core (OpenMP threads wait on each other at every
/// op); with one thread, 1.2–2 ms in every condition. Small problems therefore run on one thread.
/// </remarks>
internal sealed class TorchRun : IDisposable
{
    private const int SingleThreadBelowVariables = 256;
    private readonly int _previous;
    private readonly FinalizerHold.Hold _hold;

    private TorchRun(int threads)
    {
        _hold = FinalizerHold.Enter();
        _previous = get_num_threads();
        set_num_threads(threads);
    }

    /// <summary>
    /// Starts a block: <paramref name="requestedThreads"/> threads (0 = automatic: one below 256 variables, all
    /// cores from there), and, when <paramref name="seed"/> is given, libtorch's global generator seeded with it.
    /// </summary>
    public static TorchRun Start(int requestedThreads, int variables, int? seed = null)
    {
        var run = new TorchRun(Threads(requestedThreads, variables));
        try
        {
            if (seed is int s) random.manual_seed(s);
        }
        catch
        {
            run.Dispose(); // a hold left open would keep the finalizer thread parked for good
            throw;
        }
        return run;
    }

    /// <summary>The intra-op threads a block over <paramref name="variables"/> runs on (see <see cref="Start"/>).</summary>
    public static int Threads(int requestedThreads, int variables) =>
        requestedThreads > 0 ? requestedThreads : variables < SingleThreadBelowVariables ? 1 : Environment.ProcessorCount;

    public void Dispose()
    {
        set_num_threads(_previous);
        _hold.Dispose();
    }
}
