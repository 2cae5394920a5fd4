using static TorchSharp.torch;

namespace Gim.MLNet.Runtime;

/// <summary>
/// Sets TorchSharp's intra-op thread count for the duration of a training run and restores it after; holds the
/// finalizer thread meanwhile (<see cref="FinalizerHold"/>).
/// </summary>
/// <remarks>
/// Measured here (2 cores, default Hill screen, d = 20): with libtorch's default two threads, steps
/// took 40–60 ms whenever another process used a core (OpenMP threads wait on each other at every
/// op); with one thread, 1.2–2 ms in every condition. Small problems therefore train on one thread.
/// </remarks>
internal sealed class TorchThreads : IDisposable
{
    private const int SingleThreadBelowVariables = 256;
    private readonly int _previous;
    private readonly FinalizerHold.Hold _hold;

    private TorchThreads(int threads)
    {
        _hold = FinalizerHold.Enter();
        _previous = get_num_threads();
        set_num_threads(threads);
    }

    public static TorchThreads Use(int requested, int variables)
    {
        int threads = requested > 0 ? requested
            : variables < SingleThreadBelowVariables ? 1 : Environment.ProcessorCount;
        return new TorchThreads(threads);
    }

    public void Dispose()
    {
        set_num_threads(_previous);
        _hold.Dispose();
    }
}
