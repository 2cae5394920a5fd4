namespace Gim.MLNet.Peers;

/// <summary>The free intervention that stage 1 of TwoStageCausal fitted to one training context.</summary>
/// <param name="Context">The context's name.</param>
/// <param name="IsControl">True for a control (its targets are masked in the likelihood; only the sparsity penalty moves them).</param>
/// <param name="TargetProbabilities">π_k = sigmoid(a_k), one per variable.</param>
/// <param name="Shift">ψ_k in control standard deviations (zero for a control).</param>
public sealed record ContextIntervention(string Context, bool IsControl, float[] TargetProbabilities, float[] Shift);
