using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>Settings of the NearestContext peer.</summary>
public sealed class NearestContextOptions : PerturbationOptions
{
    /// <summary>
    /// Whether control contexts are candidates. True (the default): a perturbation whose features lie
    /// nearer the control's than any perturbed context's is predicted to do nothing. False: the nearest
    /// perturbed context always answers.
    /// </summary>
    public bool IncludeControls { get; set; } = true;
}
