using Gim.MLNet.Scoring;
using static Gim.MLNet.Tests.Support.SampleData;

namespace Gim.MLNet.Tests.Scoring.Metrics;

public class MmdTests
{
    [Test]
    public void BiasedSinglePoints_MatchesHandComputation()
    {
        // P = {0}, Q = {1}, γ = 1: k̄_PP = 1, k̄_QQ = 1, k̄_PQ = e^−1 → MMD² = 2 − 2e^−1.
        double mmd = DistributionDistances.Mmd(Column(0), Column(1), [1.0]);
        Assert.That(mmd, Is.EqualTo(2 - 2 * Math.Exp(-1)).Within(1e-12));
    }

    [Test]
    public void BiasedTwoVersusOne_MatchesHandComputation()
    {
        // P = {0, 1}, Q = {2}, γ = 1.
        // k̄_PP = (1 + 1 + e^−1 + e^−1)/4 = (1 + e^−1)/2; k̄_QQ = 1; k̄_PQ = (e^−4 + e^−1)/2.
        // MMD² = (1 + e^−1)/2 + 1 − (e^−4 + e^−1).
        double expected = (1 + Math.Exp(-1)) / 2 + 1 - (Math.Exp(-4) + Math.Exp(-1));
        Assert.That(DistributionDistances.Mmd(Column(0, 1), Column(2), [1.0]), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void Unbiased_MatchesHandComputation()
    {
        // P = {0, 1}, Q = {2, 4}, γ = 0.5; off-diagonal means only.
        // k̄_PP = e^{−0.5·1}; k̄_QQ = e^{−0.5·4} = e^−2;
        // k̄_PQ = (e^{−0.5·4} + e^{−0.5·16} + e^{−0.5·1} + e^{−0.5·9})/4 = (e^−2 + e^−8 + e^−0.5 + e^−4.5)/4.
        double kpq = (Math.Exp(-2) + Math.Exp(-8) + Math.Exp(-0.5) + Math.Exp(-4.5)) / 4;
        double expected = Math.Exp(-0.5) + Math.Exp(-2) - 2 * kpq;
        Assert.That(DistributionDistances.Mmd(Column(0, 1), Column(2, 4), [0.5], unbiased: true),
            Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void SeveralGammas_AverageTheSingleGammaValues()
    {
        var p = Gaussian(30, 3, seed: 1);
        var q = Gaussian(25, 3, seed: 2, mean: 0.5);
        double each = DistributionDistances.DefaultGammas.Average(g => DistributionDistances.Mmd(p, q, [g]));
        Assert.That(DistributionDistances.MmdMultiScale(p, q), Is.EqualTo(each).Within(1e-12));
    }

    [Test]
    public void TwoDimensions_UseTheSquaredEuclideanDistance()
    {
        // P = {(0,0)}, Q = {(3,4)}: ‖x − y‖² = 25, γ = 0.01 → MMD² = 2 − 2e^−0.25.
        double mmd = DistributionDistances.Mmd(Rows([0, 0]), Rows([3, 4]), [0.01]);
        Assert.That(mmd, Is.EqualTo(2 - 2 * Math.Exp(-0.25)).Within(1e-12));
    }

    [Test]
    public void DefaultGammas_AreTheCellOtSet()
    {
        Assert.That(DistributionDistances.DefaultGammas, Is.EqualTo(new[] { 2.0, 1.0, 0.5, 0.1, 0.01, 0.005 }));
    }

    [Test]
    public void BiasedExceedsUnbiased_ByTheDiagonalCorrection()
    {
        // Biased − unbiased = (1 − k̄_PP^offdiag)/n + (1 − k̄_QQ^offdiag)/m ≥ 0 for any kernel bounded by k(x,x) = 1.
        var p = Gaussian(40, 4, seed: 3);
        var q = Gaussian(30, 4, seed: 4, mean: 0.2);
        foreach (double g in DistributionDistances.DefaultGammas)
        {
            double biased = DistributionDistances.Mmd(p, q, [g]);
            double unbiased = DistributionDistances.Mmd(p, q, [g], unbiased: true);
            double correction = (1 - MeanOffDiagonalKernel(p, g)) / 40 + (1 - MeanOffDiagonalKernel(q, g)) / 30;
            Assert.That(biased, Is.GreaterThanOrEqualTo(unbiased));
            Assert.That(biased - unbiased, Is.EqualTo(correction).Within(1e-12));
        }
    }

    [Test]
    public void IdenticalSets_BiasedIsZero()
    {
        var p = Gaussian(50, 5, seed: 5);
        Assert.That(DistributionDistances.MmdMultiScale(p, p), Is.EqualTo(0).Within(1e-12));
    }

    [Test]
    public void SameDistribution_UnbiasedIsZeroInExpectation()
    {
        // 40 independent replicates of n = m = 100 from N(0, I₃). The U-statistic is exactly unbiased, so its
        // replicate mean must sit within 4 standard errors of 0 (a false alarm has probability ≈ 3e-4, t with 39 df, and the
        // seeds are fixed anyway). The biased statistic is shifted up by the diagonal terms, ≈ (1 − k̄)(1/n + 1/m),
        // far more than 4 standard errors.
        const int replicates = 40;
        var unbiased = new double[replicates];
        var biased = new double[replicates];
        for (int r = 0; r < replicates; r++)
        {
            var p = Gaussian(100, 3, seed: 1000 + r);
            var q = Gaussian(100, 3, seed: 2000 + r);
            unbiased[r] = DistributionDistances.MmdMultiScale(p, q, unbiased: true);
            biased[r] = DistributionDistances.MmdMultiScale(p, q);
        }
        double mean = unbiased.Average();
        double sd = Math.Sqrt(unbiased.Sum(v => (v - mean) * (v - mean)) / (replicates - 1));
        double standardError = sd / Math.Sqrt(replicates);
        Assert.That(Math.Abs(mean), Is.LessThan(4 * standardError));
        Assert.That(unbiased.Any(v => v < 0), Is.True, "the U-statistic should dip below zero on some replicates");
        Assert.That(biased.Average(), Is.GreaterThan(mean + 4 * standardError));
    }

    [Test]
    public void Unbiased_NeedsTwoSamplesPerSet()
    {
        var ex = Assert.Throws<ArgumentException>(() => DistributionDistances.Mmd(Column(0), Column(1, 2), [1.0], unbiased: true));
        Assert.That(ex!.ParamName, Is.EqualTo("p"));
    }

    [Test]
    public void LargeInputs_StreamWithoutAnNByMMatrix()
    {
        // 2,000 × 2,000 in d = 20: an n×m double kernel matrix alone would be 32 MB. The streaming
        // implementation allocates the two double copies of the inputs (2 × 320 KB) and small arrays.
        var p = Gaussian(2000, 20, seed: 6);
        var q = Gaussian(2000, 20, seed: 7, mean: 0.1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        double biased = DistributionDistances.MmdMultiScale(p, q);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(biased, Is.GreaterThan(0));
        Assert.That(allocated, Is.LessThan(4_000_000));
    }

    private static double MeanOffDiagonalKernel(float[,] x, double gamma)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                double s = 0;
                for (int c = 0; c < d; c++)
                {
                    double diff = (double)x[i, c] - x[j, c];
                    s += diff * diff;
                }
                sum += Math.Exp(-gamma * s);
            }
        return sum / (n * (n - 1.0));
    }
}
