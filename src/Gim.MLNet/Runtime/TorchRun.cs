using static TorchSharp.torch;

namespace Gim.MLNet.Runtime;

/// <summary>
/// What a block of TorchSharp work that spans many operations holds for its duration (a training run, a
/// nonlinear model's fixed-point solve): libtorch's intra-op thread count, set for the block and restored after; and
/// the <see cref="FinalizerHold"/>. Work that seeds libtorch's global generator and draws from it (building modules
/// with random initial weights) goes through <see cref="Seeded{T}"/>, so that fits on different threads cannot draw
/// from, or reseed, each other's sequence.
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
    /// cores from there).
    /// </summary>
    public static TorchRun Start(int requestedThreads, int variables) => new(Threads(requestedThreads, variables));

    /// <summary>
    /// Held while libtorch's global generator is seeded and drawn from: it is one per process, so two fits building
    /// their modules at once (a GIM's calibration refits on a second thread, or a user's fits on several threads) would
    /// otherwise interleave their draws, or one would reseed the other's, and neither would be its seed's fit.
    /// Everything that draws from the global generator during training draws from a generator of its own instead.
    /// </summary>
    internal static readonly object GlobalGenerator = new();

    /// <summary><paramref name="build"/>'s result, built with libtorch's global generator seeded with <paramref name="seed"/>, under <see cref="GlobalGenerator"/>.</summary>
    public static T Seeded<T>(int seed, Func<T> build)
    {
        lock (GlobalGenerator)
        {
            random.manual_seed(seed);
            return build();
        }
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
