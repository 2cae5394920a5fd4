using Gim.MLNet.Modeling;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// GIM's training objective (METHOD.md §5), in one place for GIM's trainer and the TwoStageCausal peer's stage 1:
/// relaxed targets t = BinaryConcrete(a, u, τ)·[perturbed] with τ annealed geometrically, and the loss
/// −Σ_k w_k E_t[log p(X_k | t⊙ψ_k)] + λ_t Σ_k w_k mean_j π_kj + λ_B R(B) + c Σ_k w_k [control] Σ_j −log(1 − π_kj).
/// </summary>
/// <param name="targetSparsity">λ_t, the weight of the mean target probability.</param>
/// <param name="graphSparsity">λ_B, the weight of the causal model's sparsity penalty R(B).</param>
/// <param name="controlTargetWeight">c, the weight of the controls' observed "no target" (0: off).</param>
/// <param name="initialTemperature">τ at the first step.</param>
/// <param name="finalTemperature">τ at the last step.</param>
/// <param name="maxSteps">The number of steps the temperature is annealed over.</param>
/// <param name="straightThrough">Hard 0/1 targets forward, relaxed gradients backward.</param>
internal sealed class GimObjective(double targetSparsity, double graphSparsity, double controlTargetWeight,
    double initialTemperature, double finalTemperature, int maxSteps, bool straightThrough)
{
    /// <summary>
    /// Checks the settings of the objective and of its optimisation, which GIM's options and TwoStageCausal's share;
    /// a failure names <paramref name="options"/>' class and the setting.
    /// </summary>
    internal static void Check(PerturbationOptions options, double targetSparsity, double graphSparsity, double controlTargetWeight,
        double learningRate, int maxSteps, double initialTemperature, double finalTemperature, double initialTargetLogit)
    {
        options.Require(targetSparsity >= 0 && double.IsFinite(targetSparsity), nameof(GimOptions.TargetSparsity), targetSparsity, "a finite value ≥ 0");
        options.Require(graphSparsity >= 0 && double.IsFinite(graphSparsity), nameof(GimOptions.GraphSparsity), graphSparsity, "a finite value ≥ 0");
        options.Require(controlTargetWeight >= 0 && double.IsFinite(controlTargetWeight), nameof(GimOptions.ControlTargetWeight), controlTargetWeight, "a finite value ≥ 0");
        options.Require(learningRate > 0 && double.IsFinite(learningRate), nameof(GimOptions.LearningRate), learningRate, "a finite value > 0");
        options.Require(maxSteps >= 1, nameof(GimOptions.MaxSteps), maxSteps, "≥ 1");
        options.Require(initialTemperature > 0 && double.IsFinite(initialTemperature), nameof(GimOptions.InitialTemperature), initialTemperature, "> 0");
        options.Require(finalTemperature > 0 && double.IsFinite(finalTemperature), nameof(GimOptions.FinalTemperature), finalTemperature, "> 0");
        options.Require(double.IsFinite(initialTargetLogit), nameof(GimOptions.InitialTargetLogit), initialTargetLogit, "a finite value");
    }

    /// <summary>τ at step <paramref name="step"/> (0-based): τ₀ (τ₁/τ₀)^(step/(steps − 1)); τ₁ when there is one step.</summary>
    public double Temperature(int step)
    {
        if (maxSteps <= 1) return finalTemperature;
        double fraction = (double)step / (maxSteps - 1);
        return initialTemperature * Math.Pow(finalTemperature / initialTemperature, fraction);
    }

    /// <summary>
    /// Relaxed targets for uniform draws <paramref name="uniform"/> [M, K, d], masked to the perturbed contexts ([K, 1]); with
    /// R stacked replicas, logits [R, K, d], draws [M, 1, K, d] (shared) and a temperature [R, 1, 1] per replica.
    /// </summary>
    public Tensor Targets(Tensor logits, Tensor uniform, Tensor temperature, Tensor perturbed) =>
        BinaryConcrete.Sample(logits, uniform, temperature, straightThrough) * perturbed;

    /// <inheritdoc cref="Targets(Tensor, Tensor, Tensor, Tensor)"/>
    public Tensor Targets(Tensor logits, Tensor uniform, double temperature, Tensor perturbed)
    {
        using Tensor t = tensor(temperature, dtype: logits.dtype, device: logits.device);
        return Targets(logits, uniform, t, perturbed);
    }

    /// <summary>
    /// The loss for the weighted data term <paramref name="dataTerm"/> = Σ_k w_k E_t[log p(X_k | t⊙ψ_k)] (mean per cell;
    /// a number, or [R] for R stacked replicas), target logits [K, d] (or [R, K, d]), the positions of the controls among
    /// the K (<see cref="ControlTargets.Positions"/>), context weights [K] (or [R, K]) each replica's summing to 1, and the
    /// graph penalty R(B) (a number, or [R]): each replica's loss (a number, or [R]). Training minimises their sum, so
    /// each replica's parameters get exactly its own gradient.
    /// </summary>
    public Tensor Loss(Tensor dataTerm, Tensor logits, Tensor controls, Tensor weights, Tensor graphPenalty)
    {
        Tensor targetPenalty = (logits.sigmoid().mean(new long[] { -1 }) * weights).sum(-1);
        Tensor perReplica = targetPenalty * targetSparsity - dataTerm + graphSparsity * graphPenalty;
        return controlTargetWeight > 0
            ? perReplica + controlTargetWeight * ControlTargets.NegativeLogLikelihood(logits, controls, weights)
            : perReplica;
    }

    /// <summary>Σ_k w_k E_t[ℓ_k] for per-draw, per-context log-likelihoods [M, K] (or [M, R, K]) and weights [K] (or [R, K]).</summary>
    public static Tensor DataTerm(Tensor logLikelihood, Tensor weights) => (logLikelihood.mean(new long[] { 0 }) * weights).sum(-1);
}
