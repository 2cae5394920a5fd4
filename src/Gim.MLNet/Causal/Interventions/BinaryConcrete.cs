using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// The binary-concrete (Gumbel-sigmoid) relaxation of Bernoulli targets: a differentiable
/// t = sigmoid((a + log u − log(1 − u)) / τ), u ~ U(0, 1), which tends to Bernoulli(sigmoid(a)) as τ → 0.
/// </summary>
internal static class BinaryConcrete
{
    /// <summary>Relaxed samples with the shape of <paramref name="uniform"/>, broadcasting the logits.</summary>
    public static Tensor Sample(Tensor logits, Tensor uniform, double temperature, bool straightThrough)
    {
        Tensor u = uniform.clamp(1e-6, 1 - 1e-6);
        Tensor relaxed = ((logits + u.log() - (1 - u).log()) / temperature).sigmoid();
        if (!straightThrough) return relaxed;
        // Hard 0/1 forward, relaxed gradient backward.
        Tensor hard = (relaxed > 0.5).to_type(relaxed.dtype);
        return hard + relaxed - relaxed.detach();
    }
}
