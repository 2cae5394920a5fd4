using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Causal.Scm;

/// <summary>The analytic Jacobian and log|det(I − J)| against float64 finite differences.</summary>
public class NonlinearLogDetTests
{
    [Test]
    public void AnalyticJacobian_MatchesCentralDifferences_InFloat64()
    {
        const int d = 6;
        using var model = NonlinearTestModels.Random(d, seed: 1);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor x = randn(4, d, dtype: ScalarType.Float64) * 1.5;
        var (f, jacobian) = model.Mechanisms.ForwardWithJacobian(x);
        Assert.That((f - model.Mechanisms.Forward(x)).abs().max().ToDouble(), Is.LessThan(1e-14));
        Tensor numeric = FiniteDifferenceJacobian(model.Mechanisms, x);
        double error = (jacobian - numeric).abs().max().ToDouble();
        TestContext.Out.WriteLine($"max |J_analytic − J_fd| = {error:E2}");
        Assert.That(error, Is.LessThan(1e-8));
    }

    [Test]
    public void ExactLogDet_MatchesLogDetOfFiniteDifferenceJacobian_AndIsFiniteUnderContraction()
    {
        const int d = 8;
        using var model = NonlinearTestModels.Random(d, seed: 2);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor x = randn(16, d, dtype: ScalarType.Float64) * 2;
        var (_, jacobian) = model.Mechanisms.ForwardWithJacobian(x);
        Tensor exact = LogDeterminantEstimators.Exact(jacobian);
        var reference = linalg.slogdet(eye(d, dtype: ScalarType.Float64) - FiniteDifferenceJacobian(model.Mechanisms, x));
        Assert.That(reference.Item1.min().ToDouble(), Is.EqualTo(1.0), "det(I − J) > 0 under the contraction");
        double error = (exact - reference.Item2).abs().max().ToDouble();
        TestContext.Out.WriteLine($"max |logdet − logdet_fd| = {error:E2}; log-dets in [{exact.min().ToDouble():F3}, {exact.max().ToDouble():F3}]");
        Assert.That(error, Is.LessThan(1e-8));
        Assert.That(exact.abs().max().ToDouble(), Is.GreaterThan(1e-3), "the test model is not trivially near J = 0");
    }

    [Test]
    public void LogDetGradient_MatchesFiniteDifferencesOfTheLogLikelihood()
    {
        // Autograd through slogdet of the analytic J (what training differentiates) against a central difference in one weight.
        const int d = 5;
        using var model = NonlinearTestModels.Random(d, seed: 3);
        using var scope = NewDisposeScope();
        Tensor x = randn(10, d, dtype: ScalarType.Float64);
        Tensor shift = zeros(d, dtype: ScalarType.Float64);
        model.LogLikelihood(x, shift, null).sum().backward();
        double analytic = model.Mechanisms.RawFirst.grad!.reshape(-1)[7].ToDouble();
        const double h = 1e-6;
        double Value(double delta)
        {
            using var _ = no_grad();
            model.Mechanisms.RawFirst.reshape(-1)[7].add_(delta);
            double v = model.LogLikelihood(x, shift, null).sum().ToDouble();
            model.Mechanisms.RawFirst.reshape(-1)[7].add_(-delta);
            return v;
        }
        double numeric = (Value(h) - Value(-h)) / (2 * h);
        Assert.That(analytic, Is.EqualTo(numeric).Within(1e-6 * Math.Max(1, Math.Abs(numeric))));
    }

    [Test]
    public void PowerSeries_AgreesWithExact_WithinItsTruncationAndProbeError()
    {
        const int d = 12;
        using var model = NonlinearTestModels.Random(d, seed: 4);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        random.manual_seed(5);
        Tensor x = randn(64, d, dtype: ScalarType.Float64);
        var (_, jacobian) = model.Mechanisms.ForwardWithJacobian(x);
        Tensor exact = LogDeterminantEstimators.Exact(jacobian);
        Tensor series = LogDeterminantEstimators.PowerSeries(jacobian, terms: 30, probes: 1024);
        // J has a zero diagonal (no self-loops), so tr J = 0 and a 1-term series is pure probe noise around 0: it misses the whole
        // exact mean (−0.0202). J's spectral radius is ≤ 0.18 here (measured), so 30 terms leave a truncation error < 1e-15 and
        // what remains is Hutchinson noise. Measured with these seeds and 1024 probes: the per-cell errors have sd 1.6e-2, so the
        // standard error of their mean over 64 cells is 2.0e-3; the bound 6e-3 is 3 of those (≈ 30% of |exact mean|). Measured
        // mean error: −1.3e-4 with 30 terms, 6.9e-4 with 2, 2.01e-2 with 1 (fails). The worst cell is 0.039 with 30 terms
        // (≈ 2.4 sd, the largest of 64); the bound 0.06 is ≈ 3.7 sd.
        double meanError = (series - exact).mean().abs().ToDouble();
        double perCell = (series - exact).abs().max().ToDouble();
        TestContext.Out.WriteLine($"power series vs exact: mean error {meanError:E2}, worst cell {perCell:E2}, exact mean {exact.mean().ToDouble():F4}");
        Assert.That(jacobian.diagonal(0, -2, -1).abs().max().ToDouble(), Is.EqualTo(0.0), "tr J = 0, so the first term alone estimates 0");
        Assert.That(meanError, Is.LessThan(0.006));
        Assert.That(meanError / exact.mean().abs().ToDouble(), Is.LessThan(0.3), "relative error of the mean log-det");
        Assert.That(perCell, Is.LessThan(0.06));
    }

    private static Tensor FiniteDifferenceJacobian(NonlinearMechanisms mechanisms, Tensor x)
    {
        const double h = 1e-6;
        long d = x.shape[1];
        var columns = new Tensor[d];
        for (int i = 0; i < d; i++)
        {
            Tensor step = zeros(d, dtype: ScalarType.Float64);
            step[i].fill_(h);
            columns[i] = (mechanisms.Forward(x + step) - mechanisms.Forward(x - step)) / (2 * h);   // ∂f/∂x_i, [n, d]
        }
        return stack(columns, 2);                                                                       // [n, j, i]
    }
}

/// <summary>
/// log|det A| of a batch of large matrices, one at a time (libtorch's batched slogdet backward failed intermittently
/// there: "Pivots given to lu_solve must all be greater or equal to 1" for 4 × 500² in a fresh process).
/// </summary>
public class LogDeterminantTests
{
    [Test]
    public void ABatchOfLargeMatrices_GivesEachLogDet_AndItsGradient_TheInverseTranspose()
    {
        const int n = LogDeterminant.OneAtATimeFrom + 72;
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(3);
        Tensor noise = (randn(new long[] { 2, 3, n, n }, dtype: ScalarType.Float64, generator: generator) * 0.01).requires_grad_(true);
        Tensor a = eye(n, dtype: ScalarType.Float64) - noise;
        Tensor logDet = LogDeterminant.LogAbs(a);
        Assert.That(logDet.shape, Is.EqualTo(new long[] { 2, 3 }));
        using (no_grad())
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    Assert.That(logDet[i, j].ToDouble(), Is.EqualTo(linalg.slogdet(a[i, j]).Item2.ToDouble()).Within(1e-10));
        logDet.sum().backward();
        // d log|det A| / dA = A⁻ᵀ, and A = I − noise.
        using (no_grad())
        {
            Tensor expected = -linalg.inv(a[1, 2]).t();
            Assert.That((noise.grad![1, 2] - expected).abs().max().ToDouble(), Is.LessThan(1e-10));
        }
    }
}
