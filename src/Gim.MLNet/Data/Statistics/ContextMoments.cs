namespace Gim.MLNet.Data;

/// <summary>
/// What the linear GIM's likelihood needs of one context's cells besides the pooled covariance: the number of cells, each
/// variable's mean and its variance (population: divided by n), in the data's own units; and, for known knockdowns, the
/// covariance rows of the context's targets (<see cref="CovarianceRows"/>).
/// </summary>
public sealed class ContextMoments
{
    /// <summary>Creates moments; the arrays are kept, not copied. <see cref="PerturbationDataset.Validate"/> checks the values.</summary>
    /// <param name="count">Number of cells n.</param>
    /// <param name="mean">Each variable's mean over the cells (length d).</param>
    /// <param name="variance">Each variable's variance over the cells, divided by n (length d).</param>
    public ContextMoments(long count, double[] mean, double[] variance)
    {
        Mean = mean ?? throw new ArgumentNullException(nameof(mean));
        Variance = variance ?? throw new ArgumentNullException(nameof(variance));
        if (mean.Length != variance.Length)
            throw new ArgumentException($"The mean has {mean.Length} values and the variance {variance.Length}; expected one of each per variable.", nameof(variance));
        Count = count;
    }

    /// <summary>Number of cells.</summary>
    public long Count { get; }

    /// <summary>Each variable's mean.</summary>
    public double[] Mean { get; }

    /// <summary>Each variable's variance (population: divided by <see cref="Count"/>).</summary>
    public double[] Variance { get; }

    /// <summary>
    /// Some rows of the context's covariance, by variable index j: C[j, :] = (1/n) Σ_i (x_ij − m_j)(x_i − m), d values each,
    /// in the data's units. Statistics keep the rows of the variables a context's features name as its targets (a feature
    /// named like a variable, as <see cref="CombinationLabels"/> makes them): a fit with known Knockdown targets
    /// (GimOptions.KnownTargets) reads them besides the moments and the pool. Empty unless computed; the dictionary is kept, not copied.
    /// </summary>
    public IReadOnlyDictionary<int, double[]> CovarianceRows { get; init; } = NoRows;

    /// <summary>
    /// Throws, naming <paramref name="context"/>, unless <paramref name="target"/> is one of <paramref name="variables"/>' indices
    /// and <paramref name="row"/> has one value per variable: what a covariance row must be wherever rows are read or written.
    /// </summary>
    internal static void CheckRowShape(string context, int target, double[]? row, IReadOnlyList<string> variables)
    {
        int d = variables.Count;
        if ((uint)target >= (uint)d)
            throw new ArgumentException($"Context '{context}' has a covariance row for variable {target}; expected a variable index from 0 to {d - 1}.");
        if (row is null || row.Length != d)
            throw new ArgumentException($"Context '{context}': the covariance row of '{variables[target]}' has {row?.Length ?? 0} values; expected one per variable ({d}).");
    }

    private static readonly IReadOnlyDictionary<int, double[]> NoRows = new System.Collections.ObjectModel.ReadOnlyDictionary<int, double[]>(new Dictionary<int, double[]>());

    /// <summary>Number of variables.</summary>
    public int VariableCount => Mean.Length;

    /// <summary>The moments of cells given as rows (two passes in double: no cancellation).</summary>
    public static ContextMoments Of(float[,] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        int n = cells.GetLength(0), d = cells.GetLength(1);
        var mean = new double[d];
        var variance = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                mean[j] += cells[i, j];
        for (int j = 0; j < d; j++) mean[j] /= Math.Max(n, 1);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                double c = cells[i, j] - mean[j];
                variance[j] += c * c;
            }
        for (int j = 0; j < d; j++) variance[j] /= Math.Max(n, 1);
        return new ContextMoments(n, mean, variance);
    }
}
