using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// The controls' observed "no target" as a loss term: Σ_j −log(1 − σ(a_j)) = Σ_j softplus(a_j) of every control
/// context's target logits, weighted like its likelihood. Shared by GIM's objective and the TwoStage peer's stage 1.
/// </summary>
internal static class ControlTargets
{
    /// <summary>
    /// −Σ_k w_k [k is a control] log q(t = 0 | a_k) for logits [K, d], the positions of the control contexts among the K
    /// (<see cref="Positions"/>) and weights [K]: a number; or, for R stacked replicas, logits [R, K, d] and weights
    /// [R, K]: [R]. Only the controls' rows are computed (softplus is costly per element, and controls are few).
    /// </summary>
    public static Tensor NegativeLogLikelihood(Tensor logits, Tensor controls, Tensor weights) =>
        (nn.functional.softplus(logits.index_select(-2, controls)).sum(new long[] { -1 }) * weights.index_select(-1, controls)).sum(-1);

    /// <summary>The positions of the control contexts for the perturbed mask <paramref name="perturbed"/> [K, 1].</summary>
    public static Tensor Positions(Tensor perturbed) => (perturbed.squeeze(-1) == 0).nonzero().squeeze(-1);
}
