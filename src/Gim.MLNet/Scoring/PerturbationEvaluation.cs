using System.Globalization;
using System.Text;

namespace Gim.MLNet.Scoring;

/// <summary>
/// How well predicted cells match observed cells: the metrics of every context and their averages over contexts.
/// All values are computed in the control-standardised space (see <see cref="ControlStatistics"/>).
/// </summary>
/// <remarks>
/// A metric that is undefined for a context (e.g. Pearson delta of the control context, whose observed shift is
/// zero, or the unbiased MMD of a context with one row) is NaN there and left out of the average. A metric that was
/// not computed (Sinkhorn without an ε, target metrics without targets) is NaN and absent from <see cref="Metrics"/>.
/// </remarks>
public sealed class PerturbationEvaluation
{
    internal PerturbationEvaluation(IReadOnlyList<ContextEvaluation> perContext, IReadOnlyDictionary<string, double> metrics,
        ControlStatistics controlStatistics, int topK, int targetPairs)
    {
        PerContext = perContext;
        Metrics = metrics;
        ControlStatistics = controlStatistics;
        TopK = topK;
        TargetPairs = targetPairs;
    }

    /// <summary>One entry per scored context, in order of first appearance.</summary>
    public IReadOnlyList<ContextEvaluation> PerContext { get; }

    /// <summary>
    /// Every computed metric by name (<see cref="PerturbationMetrics"/>): distribution and mean metrics averaged over
    /// contexts; target metrics pooled over all (non-control context, variable) pairs.
    /// </summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>The control statistics that defined the evaluation space.</summary>
    public ControlStatistics ControlStatistics { get; }

    /// <summary>The k of "r2_topk" (the option, capped at the number of variables).</summary>
    public int TopK { get; }

    /// <summary>Number of (context, variable) pairs the target metrics pooled; 0 when they were not computed.</summary>
    public int TargetPairs { get; }

    /// <summary>Average multi-scale MMD² (biased).</summary>
    public double Mmd => Get(PerturbationMetrics.Mmd);

    /// <summary>Average multi-scale MMD² (unbiased); NaN when not computed.</summary>
    public double MmdUnbiased => Get(PerturbationMetrics.MmdUnbiased);

    /// <summary>Average median-heuristic MMD²; NaN when not computed.</summary>
    public double MmdMedian => Get(PerturbationMetrics.MmdMedian);

    /// <summary>Average median-heuristic MMD² (unbiased); NaN when not computed.</summary>
    public double MmdMedianUnbiased => Get(PerturbationMetrics.MmdMedianUnbiased);

    /// <summary>Average energy distance.</summary>
    public double Energy => Get(PerturbationMetrics.Energy);

    /// <summary>Average Sinkhorn divergence; NaN when not computed.</summary>
    public double Sinkhorn => Get(PerturbationMetrics.Sinkhorn);

    /// <summary>Average RMSE of the per-variable means.</summary>
    public double MeanRmse => Get(PerturbationMetrics.MeanRmse);

    /// <summary>Average R² of the per-variable means.</summary>
    public double RSquared => Get(PerturbationMetrics.RSquared);

    /// <summary>Average R² of the means of the <see cref="TopK"/> most shifted variables.</summary>
    public double RSquaredTopK => Get(PerturbationMetrics.RSquaredTopK);

    /// <summary>Average Pearson delta (contexts where it is defined).</summary>
    public double PearsonDelta => Get(PerturbationMetrics.PearsonDelta);

    /// <summary>Average Pearson delta over each context's <see cref="TopK"/> most shifted variables (CPA's top-k DEGs).</summary>
    public double PearsonDeltaTopK => Get(PerturbationMetrics.PearsonDeltaTopK);

    /// <summary>Average Pearson delta against the mean of the training perturbations (does the method predict what
    /// is specific to this perturbation?); NaN when no reference was given (ScoringOptions.PerturbedReference).</summary>
    public double PearsonDeltaPerturbed => Get(PerturbationMetrics.PearsonDeltaPerturbed);

    /// <summary>Negative log predictive density per cell in the evaluation space; NaN for a method without a density.</summary>
    public double Nlpd => Get(PerturbationMetrics.Nlpd);

    /// <summary>Pooled target AUROC; NaN without target probabilities and true targets.</summary>
    public double TargetAuroc => Get(PerturbationMetrics.TargetAuroc);

    /// <summary>Pooled target AUPRC; NaN without target probabilities and true targets.</summary>
    public double TargetAuprc => Get(PerturbationMetrics.TargetAuprc);

    /// <summary>Pooled target F1; NaN without target probabilities and true targets.</summary>
    public double TargetF1 => Get(PerturbationMetrics.TargetF1);

    /// <summary>The averages, one "name: value" per line.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{PerContext.Count} contexts");
        foreach (var (name, value) in Metrics)
            text.Append(CultureInfo.InvariantCulture, $"\n{name}: {value:G6}");
        return text.ToString();
    }

    private double Get(string name) => Metrics.TryGetValue(name, out double v) ? v : double.NaN;
}
