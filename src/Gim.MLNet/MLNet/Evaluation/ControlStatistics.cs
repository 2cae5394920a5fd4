using Gim.MLNet.Data;
using Microsoft.ML;

namespace Gim.MLNet;

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

    /// <summary>
    /// Computes the statistics from the control rows of <paramref name="data"/> (typically the training data):
    /// the observed cells in <see cref="PerturbationEvaluationOptions.MeasurementsColumnName"/> of the rows that
    /// <see cref="PerturbationEvaluationOptions.ControlColumnName"/> or <see cref="PerturbationEvaluationOptions.ControlContextValue"/> mark.
    /// </summary>
    /// <param name="data">One row per cell, with the measurements, context and control columns.</param>
    /// <param name="options">Column names (only the measurements, context and control settings are read); null = defaults.</param>
    /// <exception cref="ArgumentException">A column is missing or mistyped, or no row is a control row.</exception>
    public static ControlStatistics FromData(IDataView data, PerturbationEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options = (options ?? new PerturbationEvaluationOptions()).Clone();
        options.ControlStatistics = null;
        options.Validate();
        EvaluationData read = EvaluationData.Read(data, options, readPredictions: false);
        return read.ControlStatisticsFromRows()
            ?? throw new ArgumentException($"ControlStatistics.FromData: no control rows ({read.ControlDescription}); the control statistics need the control cells.");
    }

    /// <summary>Maps a row-major sample matrix into the evaluation space.</summary>
    internal float[,] Standardize(List<float[]> rows)
    {
        var z = new float[rows.Count, Count];
        for (int i = 0; i < rows.Count; i++)
        {
            float[] row = rows[i];
            for (int j = 0; j < Count; j++) z[i, j] = (float)((row[j] - Mean[j]) / Scale[j]);
        }
        return z;
    }

    internal static ControlStatistics Fit(IEnumerable<float[]> rows, int variables)
    {
        var list = rows.ToList();
        var block = new float[list.Count, variables];
        for (int i = 0; i < list.Count; i++)
            for (int j = 0; j < variables; j++) block[i, j] = list[i][j];
        return FromStandardizer(Standardizer.FitRows(new[] { block }, variables));
    }
}
