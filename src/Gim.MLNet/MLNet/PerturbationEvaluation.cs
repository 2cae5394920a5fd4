namespace Gim.MLNet.MLNet;

/// <summary>How well predicted cells match observed cells, per context and on average.</summary>
public sealed class PerturbationEvaluation
{
    internal PerturbationEvaluation(IReadOnlyList<ContextEvaluation> perContext)
    {
        PerContext = perContext;
        MeanRmse = perContext.Count == 0 ? double.NaN : perContext.Average(c => c.MeanRmse);
    }

    /// <summary>One entry per context, in order of first appearance.</summary>
    public IReadOnlyList<ContextEvaluation> PerContext { get; }

    /// <summary>The average over contexts of <see cref="ContextEvaluation.MeanRmse"/>.</summary>
    public double MeanRmse { get; }
}

/// <summary>The comparison of one context's predicted and observed cells.</summary>
/// <param name="Context">The context's value, as text.</param>
/// <param name="Rows">Rows of this context.</param>
/// <param name="MeanRmse">RMSE over variables between the mean predicted cell and the mean observed cell.</param>
public sealed record ContextEvaluation(string Context, int Rows, double MeanRmse);
