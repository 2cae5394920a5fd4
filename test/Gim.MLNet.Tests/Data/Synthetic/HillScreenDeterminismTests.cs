using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>One seed, one screen: bit for bit.</summary>
public class HillScreenDeterminismTests
{
    private static IEnumerable<PerturbationContext> AllContexts(HillScreen s) =>
        s.Train.Data.Contexts.Concat(s.PartialOod.Data.Contexts).Concat(s.FullOod.Data.Contexts);

    [TestCase(GraphKind.Dag, MechanismKind.Linear, NoiseKind.Gaussian)]
    [TestCase(GraphKind.Cyclic, MechanismKind.Nonlinear, NoiseKind.StudentT)]
    public void SameSeedGivesIdenticalScreens(GraphKind graph, MechanismKind mechanism, NoiseKind noise)
    {
        HillScreenOptions Options() => new() { Seed = 42, Graph = graph, Mechanism = mechanism, Noise = noise };
        HillScreen a = HillScreen.Generate(Options()), b = HillScreen.Generate(Options());
        Assert.That(a.TrueGraph, Is.EqualTo(b.TrueGraph));
        Assert.That(a.NoiseScale, Is.EqualTo(b.NoiseScale));
        var contextsA = AllContexts(a).ToArray();
        var contextsB = AllContexts(b).ToArray();
        Assert.That(contextsA.Select(c => c.Name), Is.EqualTo(contextsB.Select(c => c.Name)));
        for (int k = 0; k < contextsA.Length; k++)
        {
            Assert.That(contextsA[k].Features, Is.EqualTo(contextsB[k].Features));
            // Bitwise: compare the raw bits, not within a tolerance.
            int[] bitsA = contextsA[k].Samples.Cast<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
            int[] bitsB = contextsB[k].Samples.Cast<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
            Assert.That(bitsA, Is.EqualTo(bitsB), contextsA[k].Name);
        }
    }

    [Test]
    public void DifferentSeedsGiveDifferentScreens()
    {
        HillScreen a = HillScreen.Generate(new HillScreenOptions { Seed = 1 });
        HillScreen b = HillScreen.Generate(new HillScreenOptions { Seed = 2 });
        Assert.That(a.TrueGraph, Is.Not.EqualTo(b.TrueGraph));
        Assert.That(a.Drugs[0].Descriptor, Is.Not.EqualTo(b.Drugs[0].Descriptor));
        Assert.That(a.Train.Data.Contexts[0].Samples, Is.Not.EqualTo(b.Train.Data.Contexts[0].Samples));
    }

    [Test]
    public void CellsOfOneSplitDoNotDependOnTheSampleCountOfAnother()
    {
        // Each context draws from its own random stream, so enlarging the test sets leaves training data unchanged.
        HillScreen a = HillScreen.Generate(new HillScreenOptions { Seed = 9, SamplesPerTestContext = 10 });
        HillScreen b = HillScreen.Generate(new HillScreenOptions { Seed = 9, SamplesPerTestContext = 30 });
        for (int k = 0; k < a.Train.Data.Contexts.Count; k++)
            Assert.That(a.Train.Data.Contexts[k].Samples, Is.EqualTo(b.Train.Data.Contexts[k].Samples));
        Assert.That(a.Drugs.Select(h => h.Descriptor), Is.EqualTo(b.Drugs.Select(h => h.Descriptor)));
    }
}
