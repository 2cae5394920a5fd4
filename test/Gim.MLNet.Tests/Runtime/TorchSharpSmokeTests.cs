using TorchSharp;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Runtime;

/// <summary>
/// TorchSharp works inside the test host: its native library loads (which needs the GLIBCXX patch
/// on Debian 12), and matrix products, autograd and Adam give the numbers worked out by hand.
/// </summary>
[TestFixture]
public sealed class TorchSharpSmokeTests
{
    [Test]
    public void Matmul_Float32_MatchesHandComputedProduct()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Tensor b = torch.tensor(new float[] { 7, 8, 9, 10, 11, 12 }, [3, 2]);
        Tensor c = torch.matmul(a, b);
        // [1 2 3; 4 5 6] x [7 8; 9 10; 11 12] = [58 64; 139 154]
        Assert.That(c.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(c.data<float>().ToArray(), Is.EqualTo(new float[] { 58, 64, 139, 154 }));
    }

    [Test]
    public void Matmul_Float64_KeepsDoublePrecision()
    {
        using var scope = torch.NewDisposeScope();
        // 1 + 1e-12 is not representable in float32; the product must keep it.
        Tensor a = torch.tensor(new double[] { 1 + 1e-12, 0, 0, 1 }, [2, 2]);
        Tensor b = torch.tensor(new double[] { 3, 0, 0, 3 }, [2, 2]);
        Tensor c = a.matmul(b);
        Assert.That(c.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(c.data<double>().ToArray(), Is.EqualTo(new double[] { 3 + 3e-12, 0, 0, 3 }).Within(1e-15));
    }

    [TestCase(ScalarType.Float32, 1e-5)]
    [TestCase(ScalarType.Float64, 1e-12)]
    public void Autograd_GradientOfCubicPlusLinear_Is3xSquaredPlus2(ScalarType dtype, double tolerance)
    {
        using var scope = torch.NewDisposeScope();
        double[] xs = [1.0, -2.0, 0.5];
        // requires_grad after the conversion, so x is the leaf whose .grad autograd fills in.
        Tensor x = torch.tensor(xs, dtype: dtype).requires_grad_(true);
        Tensor y = (x.pow(3) + 2 * x).sum();   // d/dx (x^3 + 2x) = 3x^2 + 2
        y.backward();

        Assert.That(x.grad, Is.Not.Null);
        double[] grad = x.grad!.to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.That(grad, Is.EqualTo(xs.Select(v => 3 * v * v + 2).ToArray()).Within(tolerance));
    }

    [TestCase(ScalarType.Float32, 1e-6)]
    [TestCase(ScalarType.Float64, 1e-12)]
    public void Adam_FirstStep_MovesEachParameterByLrAgainstTheGradientSign(ScalarType dtype, double tolerance)
    {
        using var scope = torch.NewDisposeScope();
        double[] start = [1.0, -2.0, 3.0];
        double[] slope = [0.5, -3.0, 2.0];
        var p = new TorchSharp.Modules.Parameter(torch.tensor(start, dtype: dtype));
        Tensor c = torch.tensor(slope, dtype: dtype);
        const double lr = 0.1;
        var adam = torch.optim.Adam([p], lr: lr);

        adam.zero_grad();
        (c * p).sum().backward();   // gradient = slope
        adam.step();

        // First step: m̂ = g and v̂ = g², so the update is lr·g/(|g| + ε) ≈ lr·sign(g). ε (1e-8 by
        // default) is kept so float64 can be held to a tight tolerance.
        const double eps = 1e-8;
        double[] expected = start.Zip(slope, (s, g) => s - lr * g / (Math.Abs(g) + eps)).ToArray();
        Assert.That(expected, Is.EqualTo(start.Zip(slope, (s, g) => s - lr * Math.Sign(g))).Within(1e-8));
        double[] actual = p.detach().to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.That(actual, Is.EqualTo(expected).Within(tolerance));
    }
}
