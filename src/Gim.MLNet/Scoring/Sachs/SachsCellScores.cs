namespace Gim.MLNet.Scoring;

/// <summary>BENCHMARK task (a) for one fitted model: the per-condition scores and their averages over the conditions.</summary>
public sealed class SachsCellScores
{
    /// <summary>Wraps per-condition scores.</summary>
    /// <param name="perCondition">One score per scored condition.</param>
    public SachsCellScores(IReadOnlyList<SachsConditionScore> perCondition)
    {
        ArgumentNullException.ThrowIfNull(perCondition);
        if (perCondition.Count == 0) throw new ArgumentException("At least one condition must be scored.", nameof(perCondition));
        PerCondition = perCondition;
    }

    /// <summary>The scores of each condition, in the order of the test data.</summary>
    public IReadOnlyList<SachsConditionScore> PerCondition { get; }

    /// <summary>Mean multi-scale MMD² over the conditions.</summary>
    public double Mmd => PerCondition.Average(s => s.Mmd);

    /// <summary>Mean energy distance over the conditions.</summary>
    public double Energy => PerCondition.Average(s => s.Energy);

    /// <summary>Mean RMSE of the mean cell over the conditions.</summary>
    public double MeanRmse => PerCondition.Average(s => s.MeanRmse);

    /// <summary>
    /// Mean Pearson delta over the conditions where it is defined (the perturbed ones; the control's shift from
    /// itself is noise). NaN when none is defined.
    /// </summary>
    public double PearsonDelta
    {
        get
        {
            double[] defined = PerCondition.Select(s => s.PearsonDelta).Where(double.IsFinite).ToArray();
            return defined.Length == 0 ? double.NaN : defined.Average();
        }
    }
}
