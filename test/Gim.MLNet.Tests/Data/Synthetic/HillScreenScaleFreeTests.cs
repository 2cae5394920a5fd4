using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>The scale-free DAG: acyclic, as many edges as the Erdős–Rényi DAG, but hubs.</summary>
public class HillScreenScaleFreeTests
{
    private static HillScreen Small(int seed, GraphKind graph, MechanismKind mechanism = MechanismKind.Linear) =>
        HillScreen.Generate(new HillScreenOptions
        {
            Seed = seed, Graph = graph, Mechanism = mechanism, TrainDrugs = 1, NewDrugs = 0,
            ControlSamples = 10, SamplesPerTrainContext = 2, SamplesPerTestContext = 2,
        });

    [Test]
    public void ScaleFreeDagIsAcyclicWithZeroDiagonalAndWeightsInRange([Range(0, 9)] int seed)
    {
        HillScreen screen = Small(seed, GraphKind.ScaleFree);
        double[,] b = screen.TrueGraph;
        Assert.That(SyntheticTestMath.IsAcyclic(b), Is.True);
        Assert.That(screen.SpectralRadius, Is.EqualTo(0));
        Assert.That(screen.GraphScale, Is.EqualTo(1));
        for (int i = 0; i < 20; i++)
        {
            Assert.That(b[i, i], Is.EqualTo(0));
            for (int j = 0; j < 20; j++)
                if (b[i, j] != 0)
                    Assert.That(Math.Abs(b[i, j]), Is.InRange(0.5, 1.5));
        }
    }

    [Test]
    public void ScaleFreeHasHubsAtTheErdosRenyiEdgeCount()
    {
        int[] seeds = Enumerable.Range(0, 10).ToArray();
        double[][,] er = seeds.Select(s => Small(s, GraphKind.Dag).TrueGraph).ToArray();
        double[][,] sf = seeds.Select(s => Small(s, GraphKind.ScaleFree).TrueGraph).ToArray();
        int erEdges = er.Sum(SyntheticTestMath.EdgeCount), sfEdges = sf.Sum(SyntheticTestMath.EdgeCount);
        int erMax = er.Sum(HillScreenPanelMath.MaxOutDegree), sfMax = sf.Sum(HillScreenPanelMath.MaxOutDegree);
        TestContext.Out.WriteLine($"10 seeds: edges ER {erEdges}, scale-free {sfEdges}; sum of largest out-degrees ER {erMax}, scale-free {sfMax}");
        // Both draw Binomial(190, 4/19) edges per seed (mean 40, sd 5.6): over 10 seeds mean 400, sd 17.8; ±72 is 4 sd.
        Assert.That(erEdges, Is.InRange(328, 472));
        Assert.That(sfEdges, Is.InRange(328, 472));
        // Measured over seeds 0–499: mean largest out-degree 5.80 (ER, sd 1.2) and 9.17 (scale-free, sd 2.1);
        // over these 10 seeds 57 against 96 (blocks of seeds 10–39: 70/97, 58/97, 62/105). Uniform instead
        // of preferential attachment gives exactly the ER distribution, so the ratio would be ≈ 1; 1.3 leaves
        // about 3 sd of a 10-seed sum on either side.
        Assert.That(sfMax, Is.GreaterThanOrEqualTo(1.3 * erMax));
    }

    [Test]
    public void ScaleFreeIsReproducibleAndWorksWithEveryMechanism()
    {
        Assert.That(Small(4, GraphKind.ScaleFree).TrueGraph, Is.EqualTo(Small(4, GraphKind.ScaleFree).TrueGraph));
        Assert.That(Small(4, GraphKind.ScaleFree).TrueGraph, Is.Not.EqualTo(Small(4, GraphKind.Dag).TrueGraph));
        HillScreen nonlinear = Small(4, GraphKind.ScaleFree, MechanismKind.Nonlinear);
        Assert.That(SyntheticTestMath.IsAcyclic(nonlinear.TrueGraph), Is.True);
        Assert.That(nonlinear.Train.Data.Contexts.SelectMany(c => c.Samples.Cast<float>()), Is.All.Matches<float>(float.IsFinite));
    }

    [Test]
    public void ScaleFreeRejectsMoreParentsThanADagCanHave()
    {
        var options = new HillScreenOptions { Graph = GraphKind.ScaleFree, ExpectedParents = 10 };
        var ex = Assert.Throws<ArgumentException>(() => HillScreen.Generate(options));
        Assert.That(ex!.ParamName, Is.EqualTo("ExpectedParents"));
        Assert.That(ex.Message, Does.Contain("at most 9.5 for a ScaleFree graph"));
        Assert.DoesNotThrow(() => HillScreen.Generate(new HillScreenOptions
        {
            Graph = GraphKind.ScaleFree, ExpectedParents = 9.5, TrainDrugs = 1, NewDrugs = 0,
            ControlSamples = 10, SamplesPerTrainContext = 2, SamplesPerTestContext = 2,
        }), "p = 1: every node takes every earlier node as a parent");
    }
}
