using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Settings of the Control peer. It has none of its own: it predicts the pooled control cells whatever
/// the features. The class exists so that every peer is configured the same way.
/// </summary>
public sealed class ControlOptions : PerturbationOptions
{
}
