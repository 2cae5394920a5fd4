using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// The controls' observed "no target" as a loss term: Σ_j −log(1 − σ(a_j)) = Σ_j softplus(a_j) of every control
/// context's target logits, weighted like its likelihood. Shared by GIM's objective and the TwoStage peer's stage 1.
/// </summary>
internal static class ControlTargets
{
    /// <summary>−Σ_k w_k [k is a control] log q(t = 0 | a_k) for logits [K, d], perturbed mask [K, 1] and weights [K].</summary>
    public static Tensor NegativeLogLikelihood(Tensor logits, Tensor perturbed, Tensor weights) =>
        (nn.functional.softplus(logits).sum(new long[] { -1 }) * (1 - perturbed.squeeze(-1)) * weights).sum();
}
