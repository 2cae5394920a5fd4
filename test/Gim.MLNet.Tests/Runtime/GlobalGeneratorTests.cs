using Gim.MLNet.Causal;
using Gim.MLNet.Peers;
using Gim.MLNet.Runtime;
using Gim.MLNet.Tests.Support;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Runtime;

/// <summary>
/// libtorch's global generator is one per process. A fit seeds it and draws its initial weights from it under
/// <see cref="TorchRun.GlobalGenerator"/>, and draws nothing from it while it trains, so that a fit is its seed's fit
/// whatever other fits do on other threads (a GIM's calibration refits beside it, a user's fits in parallel).
/// </summary>
[NonParallelizable]
public class GlobalGeneratorTests
{
    /// <summary>
    /// The nonlinear model's power-series log-determinant draws its Hutchinson probes every step; they come from the
    /// model's own generator, so training leaves the global generator where building the modules left it: the next
    /// global draw after a 5-step fit and after a 40-step fit is the same. (Before, each step drew from the global
    /// stream, so the two differed, and a fit on another thread changed this fit's probes.)
    /// </summary>
    [Test]
    public void NonlinearFit_WithThePowerSeries_DrawsNothingFromTheGlobalGeneratorWhileItTrains()
    {
        float NextGlobalDrawAfterFit(int steps)
        {
            GimOptions options = NonlinearTestModels.Options(steps: steps);
            options.Nonlinear.LogDeterminant = LogDeterminantMethod.PowerSeries;
            using GimModel model = new GimTrainer(options).Fit(TinyLinearScm.Dataset(cellsPerContext: 40));
            using Tensor next = rand(1);
            return next.item<float>();
        }

        float afterShort = NextGlobalDrawAfterFit(5), afterLong = NextGlobalDrawAfterFit(40);
        Assert.That(afterLong, Is.EqualTo(afterShort), "training drew from libtorch's global generator");
    }

    /// <summary>
    /// Importing a fitted model (<c>GimModel.FromParameters</c>, what loading a saved model and the two-stage peer
    /// do) builds modules whose constructors draw initial weights, overwritten at once, from the global generator: under
    /// its lock, so a peer fitted while another thread imports models over and over is still its seed's model. (Before,
    /// those draws could land between the peer's seed and its initial weights.)
    /// </summary>
    [Test]
    public void Peer_FittedWhileAnotherThreadImportsModels_IsTheSameModelAsFittedAlone()
    {
        LinearGimParameters parameters;
        using (GimModel fitted = new GimTrainer(TinyLinearScm.Options(steps: 5)).Fit(TinyLinearScm.Dataset(cellsPerContext: 40)))
            parameters = fitted.ExportParameters();
        AssertPeerFitsAsAlone("imported models", _ =>
        {
            using (GimModel.FromParameters(parameters)) { }
        });
    }

    /// <summary>
    /// A peer built while another thread keeps seeding the global generator and drawing from it (as fits building their
    /// modules do, under the lock) is still its seed's model: the same predictions, to the bit, as fitted alone. Before,
    /// the peers seeded the generator outside the lock, so another fit's seed could land between their seed and their
    /// initial weights.
    /// </summary>
    [Test]
    public void Peer_FittedWhileAnotherThreadSeedsAndDraws_IsTheSameModelAsFittedAlone() =>
        AssertPeerFitsAsAlone("seeded draws", seed => TorchRun.Seeded(seed, () =>
        {
            using Tensor t = rand(64);
            return 0;
        }), () => TorchRun.Start(1, 5));

    /// <summary>
    /// Fits a MeanShift peer alone, then five times while another thread runs <paramref name="iteration"/> over and over
    /// (inside <paramref name="setup"/>'s block when given); each fit must predict the same as the one fitted alone, and
    /// the other thread must have run more than 10 iterations alongside.
    /// </summary>
    private static void AssertPeerFitsAsAlone(string what, Action<int> iteration, Func<IDisposable>? setup = null)
    {
        var data = TinyLinearScm.Dataset(cellsPerContext: 40);
        float[] features = TinyLinearScm.Features("r2", 1);
        float[] Fit()
        {
            using MeanShiftModel model = new MeanShiftTrainer(new MeanShiftOptions { Seed = 5, MaxSteps = 20, Width = 16 }).Fit(data);
            return model.PredictMean(features);
        }

        float[] alone = Fit();
        using var stop = new CancellationTokenSource();
        long iterations = 0;
        var other = new Thread(() =>
        {
            using IDisposable? block = setup?.Invoke();
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                iteration(i);
                Interlocked.Increment(ref iterations);
                FinalizerHold.Breathe();
            }
        });
        other.Start();
        try
        {
            for (int i = 0; i < 5; i++)
                Assert.That(Fit(), Is.EqualTo(alone), $"fit {i + 1} beside another thread's {what}");
        }
        finally
        {
            stop.Cancel();
            other.Join();
        }
        TestContext.Out.WriteLine($"the other thread ran {Interlocked.Read(ref iterations)} times ({what})");
        Assert.That(Interlocked.Read(ref iterations), Is.GreaterThan(10), "the other thread must have run alongside the fits");
    }
}
