using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Settings of the TrainingMean peer (the "perturbed mean" of Ahlmann-Eltze, Huber and Anders, Nature Methods 2025:
/// for unseen perturbations nothing they tested beat it). It has none of its own: it predicts every perturbation as
/// the control cells shifted by the mean shift of all training perturbations.
/// </summary>
public sealed class TrainingMeanOptions : PerturbationOptions
{
}
