namespace Gim.MLNet.Data;

/// <summary>
/// A screen reduced to what the linear GIM's likelihood reads under shift interventions (docs/method.md): per context its
/// features, cell count, means and variances, and one within-context covariance pooled over all contexts — K·d + d²
/// numbers instead of the cells; and, for known Knockdown targets, the covariance rows of the variables each context's
/// features name as targets (<see cref="ContextMoments.CovarianceRows"/>, K·r·d numbers more). Computed in one pass over the cells (<see cref="PerturbationStatisticsBuilder"/>,
/// <see cref="Compute"/>) or by any engine that can GROUP BY; turned into a data set GIM fits from with <see cref="ToDataset"/>.
/// </summary>
public sealed class PerturbationStatistics
{
    /// <summary>Creates statistics; <see cref="ToDataset"/> and fitting validate them.</summary>
    /// <param name="variableNames">The measured variables (d).</param>
    /// <param name="featureNames">The perturbation features (p).</param>
    /// <param name="contexts">One entry per context.</param>
    /// <param name="covariance">The within-context covariance pooled over <paramref name="contexts"/>.</param>
    public PerturbationStatistics(IReadOnlyList<string> variableNames, IReadOnlyList<string> featureNames, IReadOnlyList<ContextStatistics> contexts,
        WithinContextCovariance covariance)
    {
        VariableNames = variableNames ?? throw new ArgumentNullException(nameof(variableNames));
        FeatureNames = featureNames ?? throw new ArgumentNullException(nameof(featureNames));
        Contexts = contexts ?? throw new ArgumentNullException(nameof(contexts));
        Covariance = covariance ?? throw new ArgumentNullException(nameof(covariance));
        if (covariance.VariableCount != variableNames.Count)
            throw new ArgumentException($"The pooled covariance is {covariance.VariableCount} × {covariance.VariableCount}; there are {variableNames.Count} variables.", nameof(covariance));
    }

    /// <summary>Names of the measured variables.</summary>
    public IReadOnlyList<string> VariableNames { get; }

    /// <summary>Names of the features.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The contexts' statistics.</summary>
    public IReadOnlyList<ContextStatistics> Contexts { get; }

    /// <summary>The within-context covariance pooled over <see cref="Contexts"/>.</summary>
    public WithinContextCovariance Covariance { get; }

    /// <summary>Total number of cells.</summary>
    public long CellCount => Contexts.Sum(c => c.Moments.Count);

    /// <summary>
    /// The data set GIM fits from: one context per entry, holding its moments and the shared pool (no cells). Checked
    /// as training data is (<see cref="PerturbationDataset.Validate"/>).
    /// </summary>
    public PerturbationDataset ToDataset()
    {
        var contexts = Contexts.Select(c => new PerturbationContext(c.Name, c.Features, c.Moments, Covariance, c.IsControl, c.Group)).ToList();
        return new PerturbationDataset(contexts, VariableNames, FeatureNames);
    }

    /// <summary>
    /// Writes the statistics to a folder as four Parquet files (contexts.parquet, moments.parquet, covariance.parquet and
    /// target_rows.parquet, empty when no context names a target; the long form a GROUP BY produces, described in
    /// docs/statistics.md), each written whole or not at all.
    /// </summary>
    /// <param name="directory">The folder; created if needed, its four files replaced.</param>
    public void Write(string directory) => StatisticsFiles.Write(this, directory);

    /// <summary>
    /// Reads statistics written by <see cref="Write"/> or by any engine that writes the same Parquet files (DuckDB,
    /// Spark SQL: docs/statistics.md); a missing column, row, pair or a bad value is an error naming the file, column and row.
    /// target_rows.parquet is optional (a folder without it has no covariance rows: enough for every fit but known Knockdown targets).
    /// </summary>
    /// <param name="directory">The folder holding the files.</param>
    public static PerturbationStatistics Read(string directory) => StatisticsFiles.Read(directory);

    /// <summary>
    /// The within-context covariance pool of a data set that holds cells, streamed through the builder a context's slice of
    /// rows at a time: what <see cref="Compute"/> and a fit from the cells (which has validated them) both read.
    /// </summary>
    internal static WithinContextCovariance PooledCovariance(PerturbationDataset data) => Streamed(data, targetRows: false, slice: 4096).Covariance;

    /// <summary>
    /// <paramref name="data"/>'s cells streamed through <see cref="PerturbationStatisticsBuilder"/> in context order, a slice
    /// of at most <paramref name="slice"/> rows at a time (the builder's float64 copies of a chunk stay small whatever the
    /// context's size), with or without the targets' covariance rows: the one pass a file's stream makes.
    /// </summary>
    internal static PerturbationStatistics Streamed(PerturbationDataset data, bool targetRows, int slice)
    {
        using var builder = new PerturbationStatisticsBuilder(data.VariableNames, data.FeatureNames,
            data.Contexts.Select(c => new ContextStatistics.Definition(c.Name, c.Features, c.SampleCount, c.IsControl, c.Group)).ToList(), targetRows);
        for (int k = 0; k < data.Contexts.Count; k++)
        {
            float[,] cells = data.Contexts[k].Samples;
            int n = cells.GetLength(0), d = cells.GetLength(1);
            if (n <= slice)
            {
                builder.Add(k, cells);
                continue;
            }
            for (int start = 0; start < n; start += slice)
            {
                int count = Math.Min(slice, n - start);
                var part = new float[count, d];
                Array.Copy(cells, (long)start * d, part, 0, (long)count * d);
                builder.Add(k, part);
            }
        }
        return builder.Build();
    }

    /// <summary>
    /// The statistics of a data set that holds cells, in one pass over them (what streaming computes chunk by chunk), with
    /// the covariance rows of each context's named targets (<see cref="ContextMoments.CovarianceRows"/>).
    /// </summary>
    public static PerturbationStatistics Compute(PerturbationDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.HasCells) throw new ArgumentException("The data set holds statistics already, not cells.", nameof(data));
        data.Validate(requireControl: false, minSamplesPerContext: 1);
        WithinContextCovariance pool = PooledCovariance(data);
        // Each context's moments two-pass from its cells, and its targets' covariance rows centred on that mean (what a fit
        // from the cells reads), the pool as streamed.
        int[] map = TargetIndicators.FeatureOfVariable(data.VariableNames, data.FeatureNames);
        int d = data.VariableCount;
        var contexts = data.Contexts.Select(c =>
        {
            ContextMoments moments = c.Moments;
            int[] targets = TargetIndicators.Named(c.Features, map);
            var rows = new Dictionary<int, double[]>();
            if (targets.Length > 0)
            {
                double[] all = TargetIndicators.CovarianceRows(c.Samples, moments.Mean, targets);
                for (int q = 0; q < targets.Length; q++) rows[targets[q]] = all.AsSpan(q * d, d).ToArray();
            }
            return new ContextStatistics(c.Name, c.Group, c.IsControl, c.Features,
                new ContextMoments(moments.Count, moments.Mean, moments.Variance) { CovarianceRows = rows });
        }).ToList();
        return new PerturbationStatistics(data.VariableNames, data.FeatureNames, contexts, pool);
    }
}

/// <summary>One context's statistics: its name, perturbation group, control flag, features and moments.</summary>
/// <param name="Name">The context's name (unique).</param>
/// <param name="Group">The perturbation it belongs to (splits keep a group on one side).</param>
/// <param name="IsControl">True for an unperturbed context.</param>
/// <param name="Features">The perturbation's features γ.</param>
/// <param name="Moments">The cells' count, means and variances.</param>
public sealed record ContextStatistics(string Name, string Group, bool IsControl, float[] Features, ContextMoments Moments)
{
    /// <summary>What a streaming pass knows of a context before it reads the cells: its name, features, the number of cells it will see, control flag and group.</summary>
    /// <param name="Name">The context's name (unique).</param>
    /// <param name="Features">The perturbation's features γ.</param>
    /// <param name="CellCount">How many cells will be added (the equal-weighted pool weighs each cell by 1/n_k as it streams past).</param>
    /// <param name="IsControl">True for an unperturbed context.</param>
    /// <param name="Group">The perturbation it belongs to; null: its name.</param>
    public sealed record Definition(string Name, float[] Features, long CellCount, bool IsControl, string? Group = null);
}

/// <summary>The names of the files of a statistics folder (<see cref="PerturbationStatistics.Write"/>).</summary>
public static class StatisticsFileNames
{
    /// <summary>One row per context: context, group, is_control, n_cells, then one numeric column per feature.</summary>
    public const string Contexts = "contexts.parquet";

    /// <summary>One row per context and variable: context, variable, mean, variance (population).</summary>
    public const string Moments = "moments.parquet";

    /// <summary>One row per pair of variables (either order): variable_a, variable_b, equal_weighted, cell_weighted.</summary>
    public const string Covariance = "covariance.parquet";

    /// <summary>
    /// Optional (since 0.16.0): one row per context, target and variable: context, target, variable, covariance (population:
    /// divided by n), the row of each context's covariance for the variables its features name (<see cref="ContextMoments.CovarianceRows"/>).
    /// </summary>
    public const string TargetRows = "target_rows.parquet";
}
