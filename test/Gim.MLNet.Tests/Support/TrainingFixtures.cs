using Gim.MLNet.Data.Synthetic;

namespace Gim.MLNet.Tests.Support;

/// <summary>Small Hill screens that train in about a second, for behavioural tests of the trainer.</summary>
internal static class TrainingFixtures
{
    public static HillScreen SmallScreen(int seed = 0) => HillScreen.Generate(new HillScreenOptions
    {
        Seed = seed,
        Variables = 8,
        TrainDrugs = 24,
        NewDrugs = 10,
        SamplesPerTrainContext = 40,
        ControlSamples = 400,
        SamplesPerTestContext = 60,
        MaxTargets = 2,
    });
}
