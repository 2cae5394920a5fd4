using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Causal.Scm;

/// <summary>The contraction mechanism, the fixed-point solver and the likelihood's normalisation.</summary>
public class NonlinearContractionTests
{
    [Test]
    public void EdgeStrength_IsTheRescaledBound_AndThePenaltyTheRawBoundSum()
    {
        const int d = 10;
        using var model = NonlinearTestModels.Random(d, seed: 7);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        NonlinearMechanisms m = model.Mechanisms;
        Tensor rawFirst = m.RawFirst.reshape(d * m.Hidden, d);
        Tensor rawOutput = m.RawOutput, rawLinear = m.RawLinear, r = m.ContractionScale();
        Tensor adjacency = model.Adjacency();                          // [cause i, effect j]
        const double eps = NonlinearMechanisms.PenaltySmoothing;
        static double Smooth(double x) => Math.Sqrt(x * x + eps * eps) - eps;
        double penalty = 0;
        for (int j = 0; j < d; j++)
            for (int i = 0; i < d; i++)
            {
                // C_ji = |L_ji| + Σ_h |v_jh| |W_jhi|, and the penalty's smoothed C, entry by entry in double.
                double bound = Math.Abs(rawLinear[j, i].ToDouble()), smooth = Smooth(rawLinear[j, i].ToDouble());
                for (int h = 0; h < m.Hidden; h++)
                {
                    double v = rawOutput[j, h].ToDouble(), w = rawFirst[j * m.Hidden + h, i].ToDouble();
                    bound += Math.Abs(v) * Math.Abs(w);
                    smooth += Smooth(v) * Smooth(w);
                }
                if (i == j) bound = smooth = 0;
                penalty += smooth;
                Assert.That(adjacency[i, j].ToDouble(), Is.EqualTo(r[j].ToDouble() * bound).Within(1e-9), $"edge {i} → {j}");
            }
        Assert.That(model.SparsityPenalty().ToDouble(), Is.EqualTo(penalty).Within(1e-9 * penalty));
        Assert.That(rawLinear.abs().max().ToDouble(), Is.GreaterThan(0.5), "the test model's linear term is not trivial");
        Assert.That(r.max().ToDouble(), Is.LessThan(1), "the test model is rescaled, so r matters");
    }

    [Test]
    public void Penalty_CannotBeLoweredByRescalingAnMlpUnit()
    {
        // W → a·W, v → v/a leaves |v||W| unchanged (up to the smoothing ε); a norm of W alone would shrink by a = 10.
        const int d = 5;
        using var model = NonlinearTestModels.Random(d, seed: 3);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        NonlinearMechanisms m = model.Mechanisms;
        double before = model.SparsityPenalty().ToDouble();
        m.RawFirst.mul_(0.1);
        m.RawOutput.mul_(10);
        Assert.That(model.SparsityPenalty().ToDouble(), Is.EqualTo(before).Within(0.02 * before));
    }

    [Test]
    public void CertifiedBound_HasWeightedRowSumsAtMostKappa_EvenForStrongWeights()
    {
        const int d = 10;
        using var model = NonlinearTestModels.Random(d, seed: 7);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        NonlinearMechanisms m = model.Mechanisms;
        Tensor w = m.LogNormWeights().exp();
        Tensor bound = m.RawBound() * m.ContractionScale().unsqueeze(-1);
        Tensor rows = (bound * w.unsqueeze(0)).sum(-1) / w;
        Assert.That(rows.max().ToDouble(), Is.LessThanOrEqualTo(m.Contraction + 1e-12));
        Assert.That(m.ContractionScale().max().ToDouble(), Is.LessThan(1), "the strong test weights are rescaled");
    }

    [Test]
    public void Mechanisms_AreAKappaContraction_InTheWeightedMaxNorm()
    {
        const int d = 10;
        using var model = NonlinearTestModels.Random(d, seed: 8);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        NonlinearMechanisms m = model.Mechanisms;
        Tensor w = m.LogNormWeights().exp();
        Tensor x = randn(2000, d, dtype: ScalarType.Float64) * 3;
        Tensor y = x + randn(2000, d, dtype: ScalarType.Float64) * 0.5;
        Tensor ratio = ((m.Forward(x) - m.Forward(y)).abs() / w).amax(new long[] { -1 }) / ((x - y).abs() / w).amax(new long[] { -1 });
        TestContext.Out.WriteLine($"largest observed Lipschitz ratio {ratio.max().ToDouble():F4} (κ = {m.Contraction})");
        Assert.That(ratio.max().ToDouble(), Is.LessThanOrEqualTo(m.Contraction + 1e-12));
    }

    [Test]
    public void Sampling_ReachesTheEquilibrium_AndReportsTheResidual()
    {
        const int d = 10;
        using var model = NonlinearTestModels.Random(d, seed: 9, dtype: ScalarType.Float32);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor shift = randn(d) * 2;
        Tensor z = randn(500, d);
        Tensor x = model.Sample(shift, null, z);
        Tensor u = model.Bias + shift + model.LogScale.exp() * z;
        double residual = (x - model.Mechanisms.Forward(x) - u).abs().max().ToDouble();
        TestContext.Out.WriteLine($"reported residual {model.LastFixedPointResidual:E2}, recomputed {residual:E2}");
        Assert.That(residual, Is.LessThan(1e-4));
        Assert.That(model.LastFixedPointResidual, Is.LessThan(1e-4));
    }

    [Test]
    public void TooFewIterations_FailLoudly()
    {
        using var model = NonlinearTestModels.Random(10, seed: 9, dtype: ScalarType.Float32,
            new NonlinearCausalOptions { HiddenWidth = 5, FixedPointIterations = 2, ConvergenceTolerance = 1e-6 });
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Assert.That(() => model.Sample(zeros(10), null, randn(50, 10)),
            Throws.InvalidOperationException.With.Message.Contains("did not converge").And.Message.Contains("FixedPointIterations"));
    }

    [Test]
    public void Counterfactual_WithoutIntervention_ReturnsTheControlCells()
    {
        const int d = 8;
        using var model = NonlinearTestModels.Random(d, seed: 10, dtype: ScalarType.Float32);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor cells = model.Sample(zeros(d), null, randn(100, d));
        Tensor replay = model.Counterfactual(cells, zeros(d), null);
        Assert.That((replay - cells).abs().max().ToDouble(), Is.LessThan(1e-4));
        // Under an intervention, the abducted noise is reused: x − f(x) − b equals u₀ + shift.
        Tensor shift = randn(d);
        Tensor moved = model.Counterfactual(cells, shift, null);
        Tensor u0 = cells - model.Mechanisms.Forward(cells) - model.Bias;
        Assert.That((moved - model.Mechanisms.Forward(moved) - model.Bias - shift - u0).abs().max().ToDouble(), Is.LessThan(1e-4));
    }

    [Test]
    public void Density_IntegratesToOne_InTwoDimensions()
    {
        // Change of variables is only right with the log-det term: without it this integral is ≠ 1.
        using var model = NonlinearTestModels.Random(2, seed: 11, options: new NonlinearCausalOptions { HiddenWidth = 6, ContractionFactor = 0.95 });
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        const int n = 401;
        const double half = 10.0, step = 2 * half / (n - 1);
        Tensor axis = linspace(-half, half, n, dtype: ScalarType.Float64);
        Tensor[] grid = meshgrid(new[] { axis, axis }, indexing: "ij");
        Tensor x = stack(new[] { grid[0].reshape(-1), grid[1].reshape(-1) }, 1);
        Tensor shift = tensor(new[] { 1.0, -0.5 });
        Tensor density = model.LogLikelihood(x, shift, tensor(new[] { 0.2, -0.1 })).exp();
        double total = density.sum().ToDouble() * step * step;
        var (_, jacobian) = model.Mechanisms.ForwardWithJacobian(x);
        double logDetRange = LogDeterminantEstimators.Exact(jacobian).abs().max().ToDouble();
        TestContext.Out.WriteLine($"∫p = {total:F6}; max |log det| on the grid {logDetRange:F3}");
        Assert.That(total, Is.EqualTo(1.0).Within(1e-3));
        Assert.That(logDetRange, Is.GreaterThan(0.05), "the Jacobian term matters for this model");
    }

    [Test]
    public void MonteCarloMean_IsDeterministic_AndMatchesASampleAverage()
    {
        const int d = 6;
        using var model = NonlinearTestModels.Random(d, seed: 12, dtype: ScalarType.Float32,
            new NonlinearCausalOptions { HiddenWidth = 5, MeanSamples = 2000 });
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor shift = stack(new[] { zeros(d), randn(d) });
        Tensor mean = model.Mean(shift, null);
        Assert.That(mean.shape, Is.EqualTo(new long[] { 2, d }));
        Assert.That((model.Mean(shift, null) - mean).abs().max().ToDouble(), Is.EqualTo(0.0));
        random.manual_seed(13);
        Tensor samples = model.Sample(shift[1], null, randn(10000, d));
        Tensor z = (samples.mean(new long[] { 0 }) - mean[1]).abs() / (samples.std(0) * Math.Sqrt(1.0 / 10000 + 1.0 / 2000));
        Assert.That(z.max().ToDouble(), Is.LessThan(5));
    }
}
