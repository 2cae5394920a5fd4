using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Runtime;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>
/// The cells follow the SCM: means and covariances against the closed form, the nonlinear fixed
/// point, and noise with the right variance. Tolerances are 5 standard errors: a single check then
/// fails by chance with probability 6e-7, so even the ~500 checks of one test stay below 1e-3 (and
/// the seeds are fixed, so a pass is reproducible).
/// </summary>
public class HillScreenDistributionTests
{
    private const double Z = 5;

    private static HillScreenOptions Large(GraphKind graph = GraphKind.Dag, NoiseKind noise = NoiseKind.Gaussian) => new()
    {
        Seed = 11, Graph = graph, Noise = noise,
        TrainDrugs = 3, NewDrugs = 2, SamplesPerTrainContext = 5, ControlSamples = 20_000, SamplesPerTestContext = 20_000,
    };

    [TestCase(GraphKind.Dag)]
    [TestCase(GraphKind.Cyclic)]
    public void ClosedFormMeanAndCovarianceAgreeWithAnIndependentNeumannSeries(GraphKind graph)
    {
        HillScreen screen = HillScreen.Generate(new HillScreenOptions { Graph = graph, Seed = 2, TrainDrugs = 3, NewDrugs = 1 });
        // A DAG's series is exact after d terms; a cyclic one converges like ρ^k ≤ 0.8^k.
        double[,] inverse = SyntheticTestMath.NeumannInverse(screen.TrueGraph, graph == GraphKind.Dag ? 20 : 400);
        foreach (ContextTruth truth in screen.PartialOod.Truth)
            Assert.That(screen.TrueMean(truth.Shift), Is.EqualTo(SyntheticTestMath.Multiply(inverse, truth.Shift)).Within(1e-9));
        double[,] cov = screen.TrueCovariance();
        for (int i = 0; i < 20; i++)
            for (int j = 0; j < 20; j++)
            {
                double expected = 0;
                for (int k = 0; k < 20; k++) expected += inverse[i, k] * screen.NoiseScale[k] * screen.NoiseScale[k] * inverse[j, k];
                Assert.That(cov[i, j], Is.EqualTo(expected).Within(1e-9));
            }
    }

    [TestCase(GraphKind.Dag)]
    [TestCase(GraphKind.Cyclic)]
    public void EmpiricalMeansOfTestContextsMatchTheClosedForm(GraphKind graph)
    {
        HillScreen screen = HillScreen.Generate(Large(graph));
        double[,] cov = screen.TrueCovariance();
        int checkedContexts = 0;
        foreach (HillScreenSplit split in new[] { screen.PartialOod, screen.FullOod })
            for (int k = 0; k < split.Data.Contexts.Count; k++)
            {
                PerturbationContext context = split.Data.Contexts[k];
                double[] expected = screen.TrueMean(split.Truth[k].Shift);
                double[] observed = SyntheticTestMath.ColumnMeans(context.Samples);
                for (int j = 0; j < 20; j++)
                {
                    double se = Math.Sqrt(cov[j, j] / context.SampleCount);
                    Assert.That(observed[j], Is.EqualTo(expected[j]).Within(Z * se), $"{context.Name}, g{j}");
                }
                checkedContexts++;
            }
        Assert.That(checkedContexts, Is.EqualTo(3 * 5 + 2 * 4));
    }

    [TestCase(GraphKind.Dag)]
    [TestCase(GraphKind.Cyclic)]
    public void ControlCovarianceMatchesTheClosedForm(GraphKind graph)
    {
        HillScreen screen = HillScreen.Generate(Large(graph));
        float[,] control = screen.Train.Data.Contexts[0].Samples;
        int n = control.GetLength(0);
        double[,] expected = screen.TrueCovariance();
        double[,] observed = SyntheticTestMath.Covariance(control);
        double[] mean = SyntheticTestMath.ColumnMeans(control);
        for (int i = 0; i < 20; i++)
        {
            Assert.That(mean[i], Is.EqualTo(0).Within(Z * Math.Sqrt(expected[i, i] / n)), $"control mean of g{i}");
            for (int j = 0; j < 20; j++)
            {
                // Gaussian sampling variance of a covariance estimate: (Σ_ii Σ_jj + Σ_ij²)/n.
                double se = Math.Sqrt((expected[i, i] * expected[j, j] + expected[i, j] * expected[i, j]) / n);
                Assert.That(observed[i, j], Is.EqualTo(expected[i, j]).Within(Z * se), $"cov(g{i}, g{j})");
            }
        }
    }

    [TestCase(NoiseKind.Gaussian)]
    [TestCase(NoiseKind.Laplace)]
    [TestCase(NoiseKind.StudentT)]
    public void StandardisedNoiseHasMeanZeroVarianceOneAndTheRightTails(NoiseKind kind)
    {
        var sampler = new NoiseSampler(kind, 5);
        var rng = new SeededRandom(7, 99);
        const int n = 400_000;
        double s1 = 0, s2 = 0, s4 = 0;
        for (int i = 0; i < n; i++)
        {
            double e = sampler.Next(rng);
            s1 += e;
            s2 += e * e;
            s4 += e * e * e * e;
        }
        double mean = s1 / n, variance = s2 / n, kurtosis = s4 / n / (variance * variance);
        // Kurtosis: Gaussian 3, Laplace 6, Student t(5) 3 + 6/(5 − 4) = 9; Var(ε²) = kurtosis − 1.
        double trueKurtosis = kind switch { NoiseKind.Gaussian => 3, NoiseKind.Laplace => 6, _ => 9 };
        Assert.That(mean, Is.EqualTo(0).Within(Z / Math.Sqrt(n)));
        Assert.That(variance, Is.EqualTo(1).Within(Z * Math.Sqrt((trueKurtosis - 1) / n)));
        if (kind == NoiseKind.Gaussian)
            Assert.That(kurtosis, Is.EqualTo(3).Within(0.05)); // sd of the estimate ≈ √(96/n) ≈ 0.015
        else
            Assert.That(kurtosis, Is.GreaterThan(4.5), "heavier tails than a Gaussian");
    }

    [TestCase(NoiseKind.Laplace)]
    [TestCase(NoiseKind.StudentT)]
    public void NonGaussianScreensKeepTheClosedFormVariance(NoiseKind kind)
    {
        HillScreen screen = HillScreen.Generate(Large(noise: kind));
        float[,] control = screen.Train.Data.Contexts[0].Samples;
        int n = control.GetLength(0);
        double[,] expected = screen.TrueCovariance();
        double[] mean = SyntheticTestMath.ColumnMeans(control);
        for (int j = 0; j < 20; j++)
        {
            double m2 = 0, m4 = 0;
            for (int r = 0; r < n; r++)
            {
                double c = control[r, j] - mean[j];
                m2 += c * c;
                m4 += c * c * c * c;
            }
            m2 /= n;
            m4 /= n;
            // Distribution-free standard error of a variance estimate: √((μ₄ − σ⁴)/n), μ₄ estimated.
            double se = Math.Sqrt((m4 - m2 * m2) / n);
            Assert.That(m2, Is.EqualTo(expected[j, j]).Within(Z * se), $"var(g{j})");
        }
    }

    [TestCase(GraphKind.Dag)]
    [TestCase(GraphKind.Cyclic)]
    public void NonlinearEquilibriumSatisfiesTheFixedPointEquation(GraphKind graph)
    {
        HillScreen screen = HillScreen.Generate(new HillScreenOptions
        {
            Seed = 4, Graph = graph, Mechanism = MechanismKind.Nonlinear, TrainDrugs = 1, NewDrugs = 0,
            ControlSamples = 10, SamplesPerTrainContext = 2, SamplesPerTestContext = 2,
        });
        double[,] b = screen.TrueGraph;
        var rng = new Random(1);
        for (int trial = 0; trial < 50; trial++)
        {
            double[] u = Enumerable.Range(0, 20).Select(_ => 8 * (rng.NextDouble() - 0.5)).ToArray();
            double[] x = screen.SolveEquilibrium(u);
            for (int j = 0; j < 20; j++)
            {
                double f = u[j];
                for (int i = 0; i < 20; i++) f += b[i, j] * Math.Tanh(x[i]);
                Assert.That(x[j], Is.EqualTo(f).Within(1e-9));
            }
        }
        Assert.Throws<InvalidOperationException>(() => screen.TrueMean(new double[20]), "no closed form for tanh");
    }

    [TestCase(GraphKind.Dag)]
    [TestCase(GraphKind.Cyclic)]
    public void NonlinearCellsAreFiniteAndTheirImpliedNoiseHasTheRightMoments(GraphKind graph)
    {
        HillScreen screen = HillScreen.Generate(new HillScreenOptions
        {
            Seed = 8, Graph = graph, Mechanism = MechanismKind.Nonlinear, TrainDrugs = 2, NewDrugs = 0,
            TrainDoses = [1.0], PartialOodDoses = [2.0], ControlSamples = 10_000, SamplesPerTrainContext = 2,
            SamplesPerTestContext = 10_000,
        });
        double[,] b = screen.TrueGraph;
        var contexts = new[] { (screen.Train.Data.Contexts[0], screen.Train.Truth[0]) }
            .Concat(screen.PartialOod.Data.Contexts.Zip(screen.PartialOod.Truth));
        foreach ((PerturbationContext context, ContextTruth truth) in contexts)
        {
            float[,] x = context.Samples;
            int n = x.GetLength(0);
            Assert.That(x.Cast<float>().All(float.IsFinite), Is.True, context.Name);
            // ε_j = (x_j − Σ_i B_ij tanh(x_i) − shift_j)/σ_j must be standard noise if the cells solve the SCM.
            for (int j = 0; j < 20; j++)
            {
                double s1 = 0, s2 = 0;
                for (int r = 0; r < n; r++)
                {
                    double e = x[r, j] - truth.Shift[j];
                    for (int i = 0; i < 20; i++) e -= b[i, j] * Math.Tanh(x[r, i]);
                    e /= screen.NoiseScale[j];
                    s1 += e;
                    s2 += e * e;
                }
                Assert.That(s1 / n, Is.EqualTo(0).Within(Z / Math.Sqrt(n)), $"{context.Name}, g{j}: noise mean");
                Assert.That(s2 / n, Is.EqualTo(1).Within(Z * Math.Sqrt(2.0 / n) + 1e-4), $"{context.Name}, g{j}: noise variance");
            }
        }
    }
}
