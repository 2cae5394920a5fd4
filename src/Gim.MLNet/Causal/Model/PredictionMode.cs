namespace Gim.MLNet.Causal;

/// <summary>How a GIM turns the predicted distribution over interventions into cells (METHOD §6).</summary>
public enum PredictionMode
{
    /// <summary>Targets t̂ = 1[π &gt; 0.5]; every cell under the same intervention. The default.</summary>
    Map,

    /// <summary>Each cell draws its own targets t ~ Bernoulli(π): a mixture that shows the uncertainty about the mechanism.</summary>
    Marginal,
}
