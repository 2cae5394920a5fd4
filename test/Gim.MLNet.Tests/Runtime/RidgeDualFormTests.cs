using Gim.MLNet.Runtime;

namespace Gim.MLNet.Tests.Runtime;

/// <summary>
/// TwoStageCausal's ridge regression switches to the n × n dual system when there are more features than
/// contexts (10,000 features would otherwise take minutes); both forms must solve the same normal equations.
/// </summary>
public class RidgeDualFormTests
{
    [TestCase(5, 3, TestName = "Primal (p < n)")]
    [TestCase(4, 12, TestName = "Dual (p > n)")]
    public void Solution_SatisfiesTheNormalEquations(int n, int p)
    {
        const double penalty = 0.7;
        var random = new Random(3);
        var x = new double[n, p];
        var y = new double[n, 2];
        for (int i = 0; i < n; i++)
        {
            for (int a = 0; a < p; a++) x[i, a] = random.NextDouble() * 4 - 2;
            for (int c = 0; c < 2; c++) y[i, c] = random.NextDouble() * 4 - 2;
        }
        var (w, intercept) = RidgeRegression.Fit(x, y, penalty);

        // (X̃ᵀX̃ + λI) W = X̃ᵀỸ on centred data, and the intercept makes the residuals sum to zero.
        double[] xMean = Enumerable.Range(0, p).Select(a => Enumerable.Range(0, n).Average(i => x[i, a])).ToArray();
        double[] yMean = Enumerable.Range(0, 2).Select(c => Enumerable.Range(0, n).Average(i => y[i, c])).ToArray();
        for (int a = 0; a < p; a++)
            for (int c = 0; c < 2; c++)
            {
                double left = penalty * w[a, c], right = 0;
                for (int i = 0; i < n; i++)
                {
                    double prediction = 0;
                    for (int b = 0; b < p; b++) prediction += (x[i, b] - xMean[b]) * w[b, c];
                    left += (x[i, a] - xMean[a]) * prediction;
                    right += (x[i, a] - xMean[a]) * (y[i, c] - yMean[c]);
                }
                Assert.That(left, Is.EqualTo(right).Within(1e-9), $"normal equation ({a}, {c})");
            }
        for (int c = 0; c < 2; c++)
        {
            double residuals = Enumerable.Range(0, n).Sum(i => y[i, c] - intercept[c] - Enumerable.Range(0, p).Sum(a => x[i, a] * w[a, c]));
            Assert.That(residuals, Is.EqualTo(0).Within(1e-9), $"residuals of output {c}");
        }
    }
}
