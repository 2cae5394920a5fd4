using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// The binary-concrete (Gumbel-sigmoid) relaxation of Bernoulli targets: a differentiable
/// t = sigmoid((a + log u − log(1 − u)) / τ), u ~ U(0, 1), which tends to Bernoulli(sigmoid(a)) as τ → 0.
/// </summary>
internal static class BinaryConcrete
{
    /// <summary>
    /// Relaxed samples, broadcasting the logits, the uniform draws and the temperature (a number, or one per replica):
    /// log u − log(1 − u) is logit(u), with u clipped to [10⁻⁶, 1 − 10⁻⁶].
    /// </summary>
    public static Tensor Sample(Tensor logits, Tensor uniform, Tensor temperature, bool straightThrough)
    {
        Tensor relaxed = ((logits + uniform.logit(1e-6)) / temperature).sigmoid();
        if (!straightThrough) return relaxed;
        // Hard 0/1 forward, relaxed gradient backward.
        Tensor hard = (relaxed > 0.5).to_type(relaxed.dtype);
        return hard + relaxed - relaxed.detach();
    }
}
