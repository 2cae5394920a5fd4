using Gim.MLNet.Causal;
using TorchSharp;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Nonlinear;

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
        Tensor series = LogDeterminantEstimators.PowerSeries(jacobian, terms: 30, probes: 64);
        // Averaged over 64 cells the probe noise mostly cancels; the truncation error bound d·κ³¹/(31·(1 − κ)) is ≈ 0.15 at κ = 0.9,
        // but J's actual spectral radius is far below the bound, so the mean difference is small.
        double meanError = (series - exact).mean().abs().ToDouble();
        double perCell = (series - exact).abs().max().ToDouble();
        TestContext.Out.WriteLine($"power series vs exact: mean error {meanError:E2}, worst cell {perCell:E2}, exact mean {exact.mean().ToDouble():F4}");
        Assert.That(meanError, Is.LessThan(0.02));
        Assert.That(perCell, Is.LessThan(0.2));
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
