using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>The ground-truth graph: structure, edge density, weights, stability.</summary>
public class HillScreenGraphTests
{
    private static HillScreen Small(int seed, GraphKind graph = GraphKind.Dag, MechanismKind mechanism = MechanismKind.Linear) =>
        HillScreen.Generate(new HillScreenOptions
        {
            Seed = seed, Graph = graph, Mechanism = mechanism, TrainDrugs = 1, NewDrugs = 0,
            ControlSamples = 10, SamplesPerTrainContext = 2, SamplesPerTestContext = 2,
        });

    [Test]
    public void DagIsAcyclicWithZeroDiagonalAndWeightsInRange([Range(0, 4)] int seed)
    {
        HillScreen screen = Small(seed);
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
        Assert.That(screen.NoiseScale, Is.All.InRange(0.5, 1.0));
    }

    [Test]
    public void WeightSignsAreMixed()
    {
        var weights = Enumerable.Range(0, 5).SelectMany(s => Small(s).TrueGraph.Cast<double>()).Where(w => w != 0).ToArray();
        double positive = weights.Count(w => w > 0) / (double)weights.Length;
        // ~200 edges with a fair sign: sd of the fraction ≈ 0.035, so [0.3, 0.7] is beyond 5 sd.
        Assert.That(positive, Is.InRange(0.3, 0.7));
    }

    [Test]
    public void DagEdgeCountMatchesTwoExpectedParents()
    {
        // Each seed: Binomial(190 pairs, p = 2·2/19) edges, mean 40. Over 5 seeds: mean 200, sd ≈ 12.6;
        // ±50 is 4 sd (a false alarm about once in 16,000 seed choices; the seeds here are fixed).
        int total = Enumerable.Range(0, 5).Sum(s => SyntheticTestMath.EdgeCount(Small(s).TrueGraph));
        Assert.That(total, Is.InRange(150, 250));
    }

    [Test]
    public void CyclicEdgeCountMatchesTwoExpectedParentsAndHasCycles()
    {
        // Each seed: Binomial(380 ordered pairs, p = 2/19), mean 40. Over 5 seeds: mean 200, sd ≈ 13.4; ±54 is 4 sd.
        HillScreen[] screens = Enumerable.Range(0, 5).Select(s => Small(s, GraphKind.Cyclic)).ToArray();
        int total = screens.Sum(s => SyntheticTestMath.EdgeCount(s.TrueGraph));
        Assert.That(total, Is.InRange(146, 254));
        // With 40 edges on 20 nodes a random digraph is essentially never acyclic.
        Assert.That(screens.Select(s => SyntheticTestMath.IsAcyclic(s.TrueGraph)), Is.All.False);
    }

    [Test]
    public void CyclicLinearGraphIsRescaledToSpectralRadiusAtMostTheBound([Range(0, 4)] int seed)
    {
        HillScreen screen = Small(seed, GraphKind.Cyclic);
        double[,] b = screen.TrueGraph;
        Assert.That(screen.SpectralRadius, Is.LessThanOrEqualTo(0.8 + 1e-12));
        // Independent check: Gelfand's bound at k = 2^20 exceeds ρ(B) by a factor C^(1/k) − 1 ≈ ln(C)·1e-6, well under 1e-4.
        double independent = SyntheticTestMath.GelfandBound(b, 20);
        Assert.That(independent, Is.LessThanOrEqualTo(0.8 * (1 + 1e-4)));
        Assert.That(independent, Is.EqualTo(screen.SpectralRadius).Within(1e-4));
        for (int i = 0; i < 20; i++)
        {
            Assert.That(b[i, i], Is.EqualTo(0));
            for (int j = 0; j < 20; j++)
                if (b[i, j] != 0)
                    Assert.That(Math.Abs(b[i, j]), Is.InRange(0.5 * screen.GraphScale - 1e-12, 1.5 * screen.GraphScale + 1e-12));
        }
        Assert.That(screen.GraphScale, Is.InRange(0.0, 1.0).And.GreaterThan(0));
        if (screen.GraphScale < 1)
            Assert.That(screen.SpectralRadius, Is.EqualTo(0.8).Within(1e-9), "rescaling lands on the bound");
    }

    [Test]
    public void CyclicGraphsUsuallyNeedRescaling()
    {
        // Unscaled, ρ(B) of such a graph is around √(2·E[w²]) ≈ 1.5, so rescaling is the rule, not an edge case.
        Assert.That(Enumerable.Range(0, 5).Count(s => Small(s, GraphKind.Cyclic).GraphScale < 1), Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void CyclicNonlinearGraphIsAContraction([Range(0, 2)] int seed)
    {
        HillScreen screen = Small(seed, GraphKind.Cyclic, MechanismKind.Nonlinear);
        // Either certificate makes x ↦ Bᵀtanh(x) + u a contraction: ‖B‖₂ (power iteration approaches it
        // from below) or ρ(|B|) (Gelfand's bound approaches it from above).
        double[,] b = screen.TrueGraph;
        var abs = new double[20, 20];
        for (int i = 0; i < 20; i++)
            for (int j = 0; j < 20; j++) abs[i, j] = Math.Abs(b[i, j]);
        double certificate = Math.Min(SyntheticTestMath.SpectralNormEstimate(b), SyntheticTestMath.GelfandBound(abs, 20));
        Assert.That(certificate, Is.LessThanOrEqualTo(0.8 * (1 + 1e-4)));
        Assert.That(certificate, Is.GreaterThan(0.8 * 0.99), "the weights are not shrunk more than needed");
        Assert.That(screen.SpectralRadius, Is.LessThanOrEqualTo(0.8 + 1e-12));
    }
}
