using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// An additive-noise SCM over d standardised variables whose equilibrium is the observed cell
/// (METHOD.md §2): x = f(x) + b + t⊙ψ + s⊙exp(t⊙ρ)⊙ε. Interventions arrive as two tensors,
/// <c>shift</c> = t⊙ψ and <c>logScaleChange</c> = t⊙ρ (null for none), broadcastable against the cells.
/// </summary>
internal abstract class CausalModel : nn.Module
{
    protected CausalModel(string name, int variables) : base(name) => Variables = variables;

    /// <summary>Number of variables d.</summary>
    public int Variables { get; }

    /// <summary>True when <see cref="LogLikelihoodFromMoments"/> is exact (the linear-Gaussian model).</summary>
    public virtual bool HasMomentLikelihood => false;

    /// <summary>Cells per context and step when GimOptions.CellBatchSize is 0 and the model needs cells; null: no default.</summary>
    public virtual int? DefaultCellBatchSize => null;

    /// <summary>Log-likelihood of each cell: x [..., n, d] → [..., n].</summary>
    public abstract Tensor LogLikelihood(Tensor x, Tensor shift, Tensor? logScaleChange);

    /// <summary>Mean log-likelihood per cell of groups given their means [K, d] and covariances [K, d, d].</summary>
    public virtual Tensor LogLikelihoodFromMoments(Tensor means, Tensor covariances, Tensor shift, Tensor? logScaleChange) =>
        throw new NotSupportedException($"{GetType().Name} has no likelihood in terms of moments; train it with mini-batches of cells.");

    /// <summary>Samples x for standard-normal noise <paramref name="z"/> [..., d].</summary>
    public abstract Tensor Sample(Tensor shift, Tensor? logScaleChange, Tensor z);

    /// <summary>E[x] under the intervention, for each row of <paramref name="shift"/> [..., d].</summary>
    public abstract Tensor Mean(Tensor shift, Tensor? logScaleChange);

    /// <summary>Replays control cells [n, d] under the intervention (abduction of their noise).</summary>
    public abstract Tensor Counterfactual(Tensor controlCells, Tensor shift, Tensor? logScaleChange);

    /// <summary>The graph-sparsity penalty (L1 of B, or group-L1 per edge).</summary>
    public abstract Tensor SparsityPenalty();

    /// <summary>Edge strengths [d, d], cause × effect, zero diagonal: the graph read-out.</summary>
    public abstract Tensor Adjacency();
}
