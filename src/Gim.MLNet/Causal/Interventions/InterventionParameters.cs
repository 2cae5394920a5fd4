using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>The encoder's output for a batch of feature vectors (each tensor [..., d]).</summary>
/// <param name="Logits">Target logits a(γ); π = sigmoid(a).</param>
/// <param name="Shift">Shifts ψ(γ).</param>
/// <param name="LogScale">Log-scale changes ρ(γ), or null for plain shift interventions.</param>
/// <param name="Familiarity">w(γ) per row when the model is calibrated (<see cref="NoveltyCalibration"/>; Shift and LogScale
/// are then already scaled by α(γ)), else null.</param>
internal sealed record InterventionParameters(Tensor Logits, Tensor Shift, Tensor? LogScale, double[]? Familiarity = null)
{
    /// <summary>The declared targets, 0/1 [..., d], with <see cref="GimOptions.KnownTargets"/>; else null.</summary>
    public Tensor? KnownMask { get; init; }

    /// <summary>
    /// β [..., d], the covariates' intercept shift (<see cref="CovariateShift"/>; <see cref="GimOptions.CovariateFeatures"/>),
    /// added to every variable whatever the targets and never scaled by the dose curve or α(γ); null without covariates.
    /// </summary>
    public Tensor? Baseline { get; init; }

    /// <summary>The declared targets' strengths r(γ) [..., d] (<see cref="KnownTargetHead"/>); null without known targets.</summary>
    public Tensor? Strength { get; init; }
}
