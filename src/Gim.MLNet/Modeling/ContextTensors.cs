using Gim.MLNet.Data;
using Gim.MLNet.Runtime;
using static TorchSharp.torch;

namespace Gim.MLNet.Modeling;

/// <summary>
/// A data set moved into tensors, in standardised units: features [K, p], perturbed mask [K, 1], weights [K], per-context
/// means [K, d], and one of: per-context covariances [K, d, d] (<see cref="ContextStorage.Covariances"/>), weighted pools
/// of them [R, d, d] (<see cref="ContextStorage.Pooled"/>: what the shift-only likelihood reads, without ever holding K·d²
/// numbers), or all cells [N, d] with each context's offset and count (<see cref="ContextStorage.Cells"/>); or the pool
/// with a few rows of each context's covariance (<see cref="ContextStorage.Rows"/>: K·r·d numbers).
/// </summary>
internal sealed record ContextTensors(Tensor Features, Tensor Perturbed, Tensor Weights, Tensor Means, Tensor? Covariances, Tensor? Pooled,
    Tensor? Cells, long[] Offsets, long[] Counts) : IDisposable
{
    public int ContextCount => Offsets.Length;

    /// <summary>With <see cref="ContextStorage.Rows"/>, the rows kept of each context's covariance; else null.</summary>
    public CovarianceRows? Rows { get; private init; }

    /// <summary>Cell mode (true) or per-context covariances (false): see the other overload.</summary>
    public static ContextTensors Create(PerturbationDataset data, Standardizer variables, Standardizer features,
        ContextWeighting weighting, bool keepCells, ScalarType dtype, Device device) =>
        Create(data, variables, features, weighting, keepCells ? ContextStorage.Cells : ContextStorage.Covariances, null, dtype, device);

    /// <summary>
    /// Refuses per-context covariances that cannot fit, before anything is allocated: K·d² numbers, summed in float64, copied
    /// by TorchSharp into a float64 tensor and converted to the tensor's type (up to 20 bytes each while they are built),
    /// must stay under 80% of the machine's memory <paramref name="totalBytes"/> (<c>GCMemoryInfo.TotalAvailableMemoryBytes</c>;
    /// 0: unknown, not checked) and within a .NET array. It catches sizes that cannot work at all (it does not see what else
    /// is in memory); the message says which fits read them and what to reduce.
    /// </summary>
    internal static void CheckCovarianceMemory(int contexts, int variables, long totalBytes)
    {
        double count = (double)contexts * variables * variables, needed = 20 * count;
        if (count <= Array.MaxLength && (totalBytes <= 0 || needed <= 0.8 * totalBytes)) return;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        throw new InvalidOperationException(
            string.Create(invariant, $"{contexts:N0} contexts × {variables:N0}² variables: each context's own covariance ") +
            "(read by GIM's known Hard targets, known Knockdown targets below 32 variables, scale interventions and mini-batches of contexts, " +
            "and by the two-stage peer) " +
            string.Create(invariant, $"needs about {needed / 1e9:F1} GB while it is built") +
            (totalBytes > 0 ? string.Create(invariant, $", and this machine has {totalBytes / 1e9:F1} GB in all") : "") +
            (count > Array.MaxLength ? string.Create(invariant, $" ({count:N0} numbers, more than one array holds)") : "") +
            ". Choose fewer variables (the most variable genes) or fewer contexts; a linear GIM with shift interventions on full batches reads one pooled covariance instead.");
    }

    /// <summary>
    /// The tensors of <paramref name="data"/>. With <see cref="ContextStorage.Pooled"/>, <paramref name="poolWeights"/> gives
    /// one weight vector over the contexts per pool (each summing to 1; null: <see cref="Weights"/>), and <see cref="Pooled"/>
    /// is [R, d, d] = Σ_k w_rk C_k, summed in float64 one context at a time. A data set made from statistics has only its
    /// shared pool (<see cref="PerturbationDataset.PooledCovariance"/>), which then serves every weight vector.
    /// </summary>
    /// <param name="data">The contexts.</param>
    /// <param name="variables">The variables' standardisation.</param>
    /// <param name="features">The features' standardisation.</param>
    /// <param name="weighting">How the contexts are weighed.</param>
    /// <param name="storage">What is kept of each context's cells.</param>
    /// <param name="poolWeights">With <see cref="ContextStorage.Pooled"/>, the pools' weights (null: <see cref="Weights"/>).</param>
    /// <param name="dtype">Tensor type.</param>
    /// <param name="device">Device.</param>
    /// <param name="rowsOf">With <see cref="ContextStorage.Rows"/>, the variables whose covariance rows each context keeps (by context index).</param>
    public static ContextTensors Create(PerturbationDataset data, Standardizer variables, Standardizer features,
        ContextWeighting weighting, ContextStorage storage, IReadOnlyList<float[]>? poolWeights, ScalarType dtype, Device device,
        Func<int, int[]>? rowsOf = null)
    {
        if (storage == ContextStorage.Rows && rowsOf is null) throw new ArgumentNullException(nameof(rowsOf), "Covariance rows need the variables to keep per context.");
        if (!data.HasCells && storage is not (ContextStorage.Pooled or ContextStorage.Rows))
            throw new NotSupportedException($"This needs {(storage == ContextStorage.Cells ? "the cells" : "each context's own covariance")}; the data " +
                "hold statistics (per-context moments, one pooled covariance and their targets' covariance rows), which serve the linear model with " +
                "shift interventions or known Knockdown targets only.");
        int k = data.Contexts.Count, d = data.VariableCount, p = data.FeatureCount;
        if (storage == ContextStorage.Covariances) CheckCovarianceMemory(k, d, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        var featureData = new float[k * p];
        var perturbed = new float[k];
        var weights = new float[k];
        var means = new double[k * d];
        double[]? covariances = storage == ContextStorage.Covariances ? new double[(long)k * d * d] : null;
        var offsets = new long[k];
        var counts = new long[k];
        long total = data.SampleCount;
        float[]? cells = storage == ContextStorage.Cells ? new float[total * d] : null;
        long offset = 0;
        for (int c = 0; c < k; c++)
        {
            PerturbationContext context = data.Contexts[c];
            Array.Copy(features.Transform(context.Features), 0, featureData, c * p, p);
            perturbed[c] = context.IsControl ? 0f : 1f;
            weights[c] = weighting == ContextWeighting.Equal ? 1f : context.SampleCount;
            offsets[c] = offset;
            counts[c] = context.SampleCount;
            offset += context.SampleCount;
        }
        float weightSum = weights.Sum();
        for (int c = 0; c < k; c++) weights[c] /= weightSum;
        // Each context's moments once (from its cells they are computed at each ask): its mean here, its centring below.
        double[][] rawMeans = data.Contexts.Select(c => c.Moments.Mean).ToArray();
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) means[c * d + j] = (rawMeans[c][j] - variables.Mean[j]) / variables.Scale[j];

        // The pools: a weight vector over all contexts as the fit weighs them is the statistics' own pool (computed here
        // from the cells exactly as PerturbationStatistics.Compute does, so a fit from cells and one from their statistics
        // read the same numbers); any other (a calibration refit's) sums its contexts' covariances.
        double[][]? pooled = null;
        if (storage is ContextStorage.Pooled or ContextStorage.Rows)
        {
            IReadOnlyList<float[]> pools = poolWeights ?? new[] { weights };
            WithinContextCovariance statistics = data.PooledCovariance ?? PerturbationStatistics.PooledCovariance(data);
            double[] raw = weighting == ContextWeighting.Equal ? statistics.EqualWeighted : statistics.CellWeighted;
            pooled = new double[pools.Count][];
            var own = new bool[pools.Count];
            for (int r = 0; r < pools.Count; r++)
            {
                own[r] = !data.HasCells || pools[r].AsSpan().SequenceEqual(weights);
                pooled[r] = new double[(long)d * d];
                if (!own[r]) continue;
                for (int a = 0; a < d; a++)
                    for (int b = 0; b < d; b++)
                        pooled[r][a * d + b] = raw[a * d + b] / (variables.Scale[a] * variables.Scale[b]);
            }
            for (int c = 0; c < k && own.Contains(false); c++)
            {
                double[] covariance = StandardisedCovariance(data.Contexts[c].Samples, rawMeans[c], variables);
                for (int r = 0; r < pools.Count; r++)
                {
                    double w = pools[r][c];
                    if (own[r] || w == 0) continue;
                    for (long i = 0; i < covariance.LongLength; i++) pooled[r][i] += w * covariance[i];
                }
            }
        }
        for (int c = 0; c < k && (covariances is not null || cells is not null); c++)
        {
            PerturbationContext context = data.Contexts[c];
            if (covariances is not null) Array.Copy(StandardisedCovariance(context.Samples, rawMeans[c], variables), 0, covariances, (long)c * d * d, (long)d * d);
            if (cells is null) continue;
            float[,] samples = context.Samples;
            for (int i = 0; i < context.SampleCount; i++)
                for (int j = 0; j < d; j++)
                    cells[(offsets[c] + i) * d + j] = (float)((samples[i, j] - variables.Mean[j]) / variables.Scale[j]);
        }

        CovarianceRows? rows = storage == ContextStorage.Rows ? CovarianceRows.Create(data, rawMeans, variables, rowsOf!, dtype, device) : null;
        Tensor? pooledTensor = null;
        if (pooled is not null)
        {
            var flat = new double[(long)pooled.Length * d * d];
            for (int r = 0; r < pooled.Length; r++) Array.Copy(pooled[r], 0, flat, (long)r * d * d, (long)d * d);
            pooledTensor = tensor(flat, new long[] { pooled.Length, d, d }, dtype: dtype, device: device);
        }
        return new ContextTensors(
            tensor(featureData, new long[] { k, p }, dtype: dtype, device: device),
            tensor(perturbed, new long[] { k, 1 }, dtype: dtype, device: device),
            tensor(weights, new long[] { k }, dtype: dtype, device: device),
            tensor(means, new long[] { k, d }, dtype: dtype, device: device),
            covariances is null ? null : tensor(covariances, new long[] { k, d, d }, dtype: dtype, device: device),
            pooledTensor,
            cells is null ? null : tensor(cells, new long[] { total, d }, dtype: dtype, device: device),
            offsets, counts) { Rows = rows };
    }

    /// <summary>
    /// A context's covariance in standardised units, (1/n) Σ (z − z̄)(z − z̄)ᵀ with z = (x − μ)/σ: the raw cells centred
    /// on their mean, multiplied in float64 (a BLAS product), then divided by σ_a σ_b.
    /// </summary>
    internal static double[] StandardisedCovariance(float[,] samples, double[] mean, Standardizer variables)
    {
        int n = samples.GetLength(0), d = samples.GetLength(1);
        using var scope = TorchScope.Enter();
        Tensor rows = tensor(Centred(samples, mean, variables), new long[] { n, d }, ScalarType.Float64);
        Tensor product = matmul(rows.t(), rows) / n;
        return ((product + product.t()) / 2).contiguous().data<double>().ToArray();
    }

    /// <summary>Cells centred on <paramref name="mean"/> and divided by the variables' scales, row-major [n·d] in float64.</summary>
    internal static double[] Centred(float[,] samples, double[] mean, Standardizer variables)
    {
        int n = samples.GetLength(0), d = samples.GetLength(1);
        var centred = new double[(long)n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) centred[(long)i * d + j] = (samples[i, j] - mean[j]) / variables.Scale[j];
        return centred;
    }

    public void Dispose()
    {
        Features.Dispose();
        Perturbed.Dispose();
        Weights.Dispose();
        Means.Dispose();
        Covariances?.Dispose();
        Pooled?.Dispose();
        Cells?.Dispose();
        Rows?.Dispose();
    }
}

/// <summary>
/// Some rows of each context's covariance, in standardised units: the variables <see cref="Index"/> [K, r] (int64; a
/// context with fewer than r rows is padded with variable 0, <see cref="Valid"/> 0 there) and their rows
/// <see cref="Values"/> [K, r, d] (zero where padded). What a known-target knockdown's likelihood reads of a context
/// besides its mean and the pool (<c>LinearCausalModel.WeightedLogLikelihoodWithKnockdownRows</c>): K·r·d numbers, not K·d².
/// </summary>
internal sealed record CovarianceRows(Tensor Index, Tensor Valid, Tensor Values) : IDisposable
{
    /// <summary>
    /// The rows <paramref name="rowsOf"/> names for each context of <paramref name="data"/>: from its cells centred on
    /// <paramref name="means"/>, or from its statistics' rows (<see cref="ContextMoments.CovarianceRows"/>, the same numbers
    /// for statistics computed from the same cells); either way in the data's units, then divided by σ_j σ_b.
    /// </summary>
    public static CovarianceRows Create(PerturbationDataset data, double[][] means, Standardizer variables, Func<int, int[]> rowsOf, ScalarType dtype, Device device)
    {
        int k = data.Contexts.Count, d = data.VariableCount;
        int[][] kept = Enumerable.Range(0, k).Select(rowsOf).ToArray();
        int r = Math.Max(1, kept.Max(v => v.Length));
        var index = new long[k * r];
        var valid = new float[k * r];
        var values = new double[(long)k * r * d];
        for (int c = 0; c < k; c++)
        {
            if (kept[c].Length == 0) continue;
            PerturbationContext context = data.Contexts[c];
            double[] raw = context.HasCells ? TargetIndicators.CovarianceRows(context.Samples, means[c], kept[c]) : Stored(data, c, kept[c]);   // [r_c, d]
            for (int q = 0; q < kept[c].Length; q++)
            {
                int j = kept[c][q];
                index[c * r + q] = j;
                valid[c * r + q] = 1;
                long at = ((long)c * r + q) * d;
                for (int b = 0; b < d; b++) values[at + b] = raw[(long)q * d + b] / (variables.Scale[j] * variables.Scale[b]);
            }
        }
        return new CovarianceRows(tensor(index, new long[] { k, r }, device: device), tensor(valid, new long[] { k, r }, dtype: dtype, device: device),
            tensor(values, new long[] { k, r, d }, dtype: dtype, device: device));
    }

    /// <summary>A statistics context's rows of <paramref name="targets"/>, [r·d]; a missing one is an error naming the context and the variable.</summary>
    private static double[] Stored(PerturbationDataset data, int c, int[] targets)
    {
        PerturbationContext context = data.Contexts[c];
        int d = data.VariableCount;
        var raw = new double[(long)targets.Length * d];
        for (int q = 0; q < targets.Length; q++)
        {
            int j = targets[q];
            if (!context.Moments.CovarianceRows.TryGetValue(j, out double[]? row))
                throw new ArgumentException($"Context '{context.Name}' declares target '{data.VariableNames[j]}', but its statistics hold no covariance row " +
                    $"for it: a fit with known Knockdown targets reads each declared target's row ({StatisticsFileNames.TargetRows} in a statistics " +
                    "folder). Statistics computed by Gim.MLNet 0.16.0 or later keep them for every variable a context's features name; recompute " +
                    "the statistics, or fit from the cells.");
            ContextMoments.CheckRowShape(context.Name, j, row, data.VariableNames);
            Array.Copy(row, 0, raw, (long)q * d, d);
        }
        return raw;
    }

    public void Dispose()
    {
        Index.Dispose();
        Valid.Dispose();
        Values.Dispose();
    }
}

/// <summary>What <see cref="ContextTensors"/> keeps of each context's cells besides their mean.</summary>
internal enum ContextStorage
{
    /// <summary>Every context's covariance [K, d, d] (noise-scale interventions, mini-batches of contexts, the two-stage peer).</summary>
    Covariances,

    /// <summary>Weighted pools of the covariances [R, d, d] (shift-only interventions on full batches; statistics).</summary>
    Pooled,

    /// <summary>The cells themselves [N, d] (mini-batches of cells, the nonlinear model).</summary>
    Cells,

    /// <summary>The pool of <see cref="Pooled"/> over all contexts and a few rows of each context's covariance (<see cref="CovarianceRows"/>: known-target knockdowns).</summary>
    Rows,
}
