using Gim.MLNet.Causal;
using Gim.MLNet.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Modeling;

/// <summary>
/// The loop's flat buffer (every trained parameter a view of one buffer, Adam's update over all at once) must follow
/// TorchSharp's per-parameter Adam, keep frozen parameters where they are, and keep the optimizer state's checkpoint
/// format, both ways. The same operations on the same numbers: on this x86 machine the paths agree to the last bit, but
/// an element's place in libtorch's vectorised loop (body or tail) moves with the layout and may round differently on
/// another CPU, hence a tolerance of 1e-6 (the parameters are O(1)).
/// </summary>
public class AdamLoopTests
{
    private static readonly long[][] Shapes = { new long[] { 4, 3 }, new long[] { 3 }, new long[] { 2, 5 }, new long[] { 5 } };

    /// <summary>Parameters of several shapes, the third frozen (no gradient), seeded.</summary>
    private static Parameter[] Parameters(ScalarType dtype = ScalarType.Float32, ScalarType? last = null)
    {
        var generator = new torch.Generator(7);
        return Shapes.Select((s, i) => new Parameter(randn(s, dtype: i == Shapes.Length - 1 ? last ?? dtype : dtype, generator: generator), requires_grad: i != 2)).ToArray();
    }

    /// <summary>A loss reading every parameter nonlinearly, different at every step.</summary>
    private static Tensor Loss(Parameter[] p, int step)
    {
        Tensor x = torch.linspace(-1, 1, 4, dtype: p[0].dtype).unsqueeze(0) * (1 + 0.01 * step);
        Tensor hidden = (matmul(x, p[0]) + p[1]).tanh();                                   // [1, 3]
        Tensor output = matmul(hidden, p[2].narrow(1, 0, 3).T.to_type(p[0].dtype)) ;         // [1, 2]
        return output.square().sum() + (p[3].to_type(p[0].dtype) - 0.5).square().sum() + hidden.exp().sum();
    }

    private static float[][] Values(Parameter[] p) => p.Select(t => t.detach().to_type(ScalarType.Float32).data<float>().ToArray()).ToArray();

    private static float[][] WithTorchSharpAdam(int steps, double learningRate)
    {
        Parameter[] p = Parameters();
        using var adam = optim.Adam(p, lr: learningRate);
        Steps(adam, p, 0, steps);
        return Values(p);
    }

    /// <summary>TorchSharp's own loop: steps <paramref name="from"/> to <paramref name="to"/> − 1.</summary>
    private static void Steps(optim.Optimizer adam, Parameter[] p, int from, int to)
    {
        for (int step = from; step < to; step++)
        {
            using var scope = NewDisposeScope();
            adam.zero_grad();
            Loss(p, step).backward();
            adam.step();
        }
    }

    [Test]
    public void FlatLoop_FollowsTorchSharpAdamBitForBit()
    {
        float[][] expected = WithTorchSharpAdam(60, 0.05);
        Parameter[] p = Parameters();
        float[] frozenBefore = p[2].data<float>().ToArray();
        using (var loop = new AdamLoop(p, 0.05, "test", new GimOptions()))
        {
            Assert.That(loop.Flattened, Is.True, "one dtype and device: the flat buffer");
            loop.Run(0, 60, CancellationToken.None, step => Loss(p, step));
        }
        float[][] actual = Values(p);
        for (int i = 0; i < p.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-6), $"parameter {i}");
        Assert.That(actual[2], Is.EqualTo(frozenBefore), "a frozen parameter does not move");
        // The values moved (the comparison is not between two untouched starts).
        Assert.That(actual[0], Is.Not.EqualTo(Values(Parameters())[0]));
        // The parameters are still usable after the loop is gone: their values live on, readable and writable.
        using (no_grad()) p[0].add_(1);
        Assert.That(p[0].data<float>()[0], Is.EqualTo(actual[0][0] + 1).Within(1e-6));
    }

    [Test]
    public void MixedDtypes_KeepThePerParameterLoop_SameNumbers()
    {
        // A float64 parameter among float32 ones cannot share a buffer: the loop falls back to TorchSharp's Adam.
        Parameter[] mixed = Parameters(last: ScalarType.Float64);
        Parameter[] reference = Parameters(last: ScalarType.Float64);
        using (var loop = new AdamLoop(mixed, 0.05, "test", new GimOptions()))
        {
            Assert.That(loop.Flattened, Is.False);
            loop.Run(0, 20, CancellationToken.None, step => Loss(mixed, step));
        }
        using (var adam = optim.Adam(reference, lr: 0.05))
            Steps(adam, reference, 0, 20);
        float[][] a = Values(mixed), b = Values(reference);
        for (int i = 0; i < a.Length; i++) Assert.That(a[i], Is.EqualTo(b[i]), $"parameter {i}");
    }

    [Test]
    public void OptimizerState_KeepsTorchSharpsFormat_BothWays()
    {
        float[][] expected = WithTorchSharpAdam(40, 0.05);

        // Flat for 25 steps, saved; TorchSharp's own Adam loads it and runs the last 15.
        Parameter[] p = Parameters();
        byte[] saved;
        using (var loop = new AdamLoop(p, 0.05, "test", new GimOptions()))
        {
            loop.Run(0, 25, CancellationToken.None, step => Loss(p, step));
            saved = Save(loop.Optimizer);
        }
        using (var adam = optim.Adam(p, lr: 0.05))
        {
            Load(adam, saved);
            Steps(adam, p, 25, 40);
        }
        float[][] flatThenPlain = Values(p);

        // TorchSharp's Adam for 25 steps, saved; the flat loop loads it and runs the last 15.
        Parameter[] q = Parameters();
        using (var adam = optim.Adam(q, lr: 0.05))
        {
            Steps(adam, q, 0, 25);
            saved = Save(adam);
        }
        using (var loop = new AdamLoop(q, 0.05, "test", new GimOptions()))
        {
            Assert.That(loop.Flattened, Is.True);
            Load(loop.Optimizer, saved);
            loop.Run(25, 40, CancellationToken.None, step => Loss(q, step));
        }
        float[][] plainThenFlat = Values(q);

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(flatThenPlain[i], Is.EqualTo(expected[i]).Within(1e-6), $"flat → TorchSharp, parameter {i}");
            Assert.That(plainThenFlat[i], Is.EqualTo(expected[i]).Within(1e-6), $"TorchSharp → flat, parameter {i}");
        }
    }

    private static byte[] Save(optim.Optimizer optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            ((OptimizerHelper)optimizer).save_state_dict(writer);
        return stream.ToArray();
    }

    private static void Load(optim.Optimizer optimizer, byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        ((OptimizerHelper)optimizer).load_state_dict(reader);
    }
}
