namespace Gim.MLNet.Causal;

/// <summary>One progress report of GIM training.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="MaxSteps">The step budget.</param>
/// <param name="Loss">The training objective (negative, penalised, per cell) at this step.</param>
/// <param name="ValidationLogLikelihood">Mean log-likelihood per cell on the validation contexts under MAP interventions, if any.</param>
/// <param name="Temperature">The binary-concrete temperature.</param>
/// <param name="Elapsed">Wall time since training started.</param>
public sealed record GimTrainingProgress(int Step, int MaxSteps, double Loss, double? ValidationLogLikelihood,
    double Temperature, TimeSpan Elapsed);
