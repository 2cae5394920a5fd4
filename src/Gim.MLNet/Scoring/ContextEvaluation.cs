namespace Gim.MLNet.Scoring;

/// <summary>
/// The comparison of one context's predicted draws with its observed cells, in the control-standardised space.
/// NaN marks a metric not computed or undefined for this context.
/// </summary>
/// <param name="Context">The context's value, as text.</param>
/// <param name="IsControl">Whether the context is a control context.</param>
/// <param name="Rows">Rows of this context (observed cells; each row also holds one predicted draw).</param>
/// <param name="Mmd">Multi-scale MMD², biased.</param>
/// <param name="MmdUnbiased">Multi-scale MMD², unbiased.</param>
/// <param name="MmdMedian">Median-heuristic MMD², biased.</param>
/// <param name="Energy">Energy distance (Euclidean).</param>
/// <param name="Sinkhorn">Debiased Sinkhorn divergence.</param>
/// <param name="MeanRmse">RMSE over variables between the mean predicted and the mean observed cell.</param>
/// <param name="RSquared">R² of the per-variable means.</param>
/// <param name="RSquaredTopK">R² of the means of the top-k most shifted variables; NaN for a control context (nothing is shifted).</param>
/// <param name="PearsonDelta">Correlation of predicted and observed mean shifts from the control mean; NaN for a control context, or when either shift is constant across variables.</param>
/// <param name="PearsonDeltaPerturbed">The same correlation with the shifts measured from the training perturbations' mean; NaN when that mean is not given, for a control context, or when either shift is constant.</param>
/// <param name="Nlpd">Negative log predictive density per observed cell (control-standardised space); NaN for a method without a density.</param>
/// <param name="Coverage90">Share of variables whose observed mean lies in the method's 90% interval; NaN for a method without a predictive standard deviation.</param>
/// <param name="EnergyPca">E-distance (squared Euclidean) between predicted and observed cells in PCA space (<see cref="ScoringOptions.PcaComponents"/>); NaN when not computed.</param>
/// <param name="MmdMedianUnbiased">Median-heuristic MMD², unbiased (the bandwidth of <paramref name="MmdMedian"/>); NaN when not computed.</param>
/// <param name="PearsonDeltaTopK">Pearson Δ over the top-k most shifted variables only (CPA's and chemCPA's "top-k DEGs"); NaN for a control context.</param>
public sealed record ContextEvaluation(string Context, bool IsControl, int Rows, double Mmd, double MmdUnbiased, double MmdMedian,
    double Energy, double Sinkhorn, double MeanRmse, double RSquared, double RSquaredTopK, double PearsonDelta,
    double PearsonDeltaPerturbed = double.NaN, double Nlpd = double.NaN, double Coverage90 = double.NaN, double PearsonDeltaTopK = double.NaN, double EnergyPca = double.NaN,
    double MmdMedianUnbiased = double.NaN)
{
    /// <summary>The value of a metric by its <see cref="PerturbationMetrics"/> name; NaN for a pooled (target) metric.</summary>
    /// <param name="metric">A metric name.</param>
    public double this[string metric] => metric switch
    {
        PerturbationMetrics.Mmd => Mmd,
        PerturbationMetrics.MmdUnbiased => MmdUnbiased,
        PerturbationMetrics.MmdMedian => MmdMedian,
        PerturbationMetrics.MmdMedianUnbiased => MmdMedianUnbiased,
        PerturbationMetrics.Energy => Energy,
        PerturbationMetrics.EnergyPca => EnergyPca,
        PerturbationMetrics.Sinkhorn => Sinkhorn,
        PerturbationMetrics.MeanRmse => MeanRmse,
        PerturbationMetrics.RSquared => RSquared,
        PerturbationMetrics.RSquaredTopK => RSquaredTopK,
        PerturbationMetrics.PearsonDelta => PearsonDelta,
        PerturbationMetrics.PearsonDeltaTopK => PearsonDeltaTopK,
        PerturbationMetrics.PearsonDeltaPerturbed => PearsonDeltaPerturbed,
        PerturbationMetrics.Nlpd => Nlpd,
        PerturbationMetrics.Coverage90 => Coverage90,
        _ => double.NaN,
    };
}
