using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>
/// Screens made with options that existed before the screen panel are pinned, bit for bit, to hashes
/// recorded before the panel's options were added (commit 5a1dd79): new options must add random draws
/// only on their own code paths, so every existing benchmark number stays reproducible.
/// </summary>
public class HillScreenPinnedTests
{
    /// <summary>The default screen at seed 0 (<c>new HillScreenOptions()</c>), as recorded before the panel.</summary>
    internal const string DefaultSeed0 = "0B9E08E9CC825076E155BF0970D32E2EEF53338FECBBE5B193E8F5C9800E4EF9";

    private static HillScreenOptions Small(int seed) => new()
    {
        Seed = seed, Variables = 6, TrainDrugs = 5, NewDrugs = 3, EmbeddingDimension = 4,
        ControlSamples = 60, SamplesPerTrainContext = 12, SamplesPerTestContext = 9,
    };

    private static IEnumerable<TestCaseData> PinnedScreens()
    {
        yield return new TestCaseData(new HillScreenOptions(), DefaultSeed0).SetName("Pinned: default screen (seed 0)");
        yield return new TestCaseData(new HillScreenOptions { Seed = 3 }, "29F4B04C91A82F1CFB0445E6409192A93A46E507B053C6067A6E3A0E53FDA440").SetName("Pinned: default screen (seed 3)");
        HillScreenOptions cyclic = Small(42);
        cyclic.Graph = GraphKind.Cyclic;
        cyclic.Mechanism = MechanismKind.Nonlinear;
        cyclic.Noise = NoiseKind.StudentT;
        yield return new TestCaseData(cyclic, "DDE73545DF9EA4C571C7BC134B6A9F866926F863254DC3452580C7979BD7C897").SetName("Pinned: cyclic, nonlinear, Student-t");
        HillScreenOptions laplace = Small(7);
        laplace.Mechanism = MechanismKind.Nonlinear;
        laplace.Noise = NoiseKind.Laplace;
        laplace.FeatureNoise = 0.3;
        yield return new TestCaseData(laplace, "4AE47CFD73F7751986453EF88E092D132DCD357CBCF4A972FF4A7742DCE87C3E").SetName("Pinned: DAG, nonlinear, Laplace, feature noise 0.3");
        HillScreenOptions cyclicLinear = Small(11);
        cyclicLinear.Graph = GraphKind.Cyclic;
        cyclicLinear.TrainDrugs = 10;
        cyclicLinear.NewDrugs = 0;
        yield return new TestCaseData(cyclicLinear, "C0ACF1A6FC35A815DD51A81175AD39D4AD0818764145A87E75DCD0128272EA15").SetName("Pinned: cyclic, linear, Gaussian, no new drugs");
    }

    [TestCaseSource(nameof(PinnedScreens))]
    public void ScreenMatchesTheHashRecordedBeforeThePanel(HillScreenOptions options, string expected)
    {
        string actual = HillScreenHash.Of(HillScreen.Generate(options));
        Assert.That(actual, Is.EqualTo(expected));
    }
}
