using Gim.MLNet.Data;

namespace Gim.MLNet.Scoring;

/// <summary>
/// The per-variable mean and standard deviation of control cells. Evaluation works in the space
/// z = (x − mean) / scale, so every variable counts in units of its own control spread (a variable with a large
/// raw range does not dominate the distances) and the control mean is the origin (the reference of
/// Pearson delta and of the top-k most shifted variables).
/// </summary>
public sealed class ControlStatistics
{
    /// <summary>Creates control statistics from given values.</summary>
    /// <param name="mean">Per-variable control means.</param>
    /// <param name="scale">Per-variable control standard deviations, positive and finite (use 1 for a constant variable).</param>
    public ControlStatistics(IReadOnlyList<double> mean, IReadOnlyList<double> scale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        if (mean.Count == 0 || mean.Count != scale.Count)
            throw new ArgumentException($"ControlStatistics: mean has {mean.Count} values and scale {scale.Count}; give one of each per variable (at least one).");
        for (int j = 0; j < mean.Count; j++)
        {
            if (!double.IsFinite(mean[j])) throw new ArgumentException($"ControlStatistics: mean[{j}] is {mean[j]}; it must be finite.", nameof(mean));
            if (!double.IsFinite(scale[j]) || scale[j] <= 0) throw new ArgumentException($"ControlStatistics: scale[{j}] is {scale[j]}; it must be positive and finite.", nameof(scale));
        }
        Mean = mean.ToArray();
        Scale = scale.ToArray();
    }

    /// <summary>Per-variable control means.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Per-variable control standard deviations (population; 1 where the control is constant).</summary>
    public IReadOnlyList<double> Scale { get; }

    /// <summary>Number of variables.</summary>
    public int Count => Mean.Count;

    /// <summary>The statistics of a control-based <see cref="Standardizer"/>, e.g. <c>GimTransformer.VariableStandardizer</c>.</summary>
    /// <param name="standardizer">A standardiser fitted on control cells.</param>
    public static ControlStatistics FromStandardizer(Standardizer standardizer)
    {
        ArgumentNullException.ThrowIfNull(standardizer);
        return new ControlStatistics(standardizer.Mean, standardizer.Scale);
    }

    /// <summary>The statistics of the control cells of a data set (typically the training data): mean and population standard deviation per variable.</summary>
    /// <param name="data">A data set with at least one control context.</param>
    /// <exception cref="ArgumentException">The data have no control context.</exception>
    public static ControlStatistics FromControls(PerturbationDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.Controls.Any())
            throw new ArgumentException("ControlStatistics.FromControls: the data have no control context; the control statistics need the control cells.", nameof(data));
        return FromCells(data.Controls.Select(c => c.Samples).ToList(), data.VariableCount)!;
    }

    /// <summary>The statistics of control cells given as one matrix (cells × variables) per control context; null when there are none.</summary>
    internal static ControlStatistics? FromCells(IReadOnlyList<float[,]> controls, int variables) =>
        controls.Count == 0 ? null : FromStandardizer(Standardizer.FitRows(controls, variables));

    /// <summary>Maps cells (rows × variables, original units) into the evaluation space.</summary>
    internal float[,] Standardize(float[,] cells)
    {
        int n = cells.GetLength(0);
        var z = new float[n, Count];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < Count; j++) z[i, j] = (float)((cells[i, j] - Mean[j]) / Scale[j]);
        return z;
    }
}
