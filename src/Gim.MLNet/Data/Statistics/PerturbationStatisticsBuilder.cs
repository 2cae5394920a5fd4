using Gim.MLNet.Runtime;
using static TorchSharp.torch;

namespace Gim.MLNet.Data;

/// <summary>
/// Computes <see cref="PerturbationStatistics"/> in one pass over cells given in chunks of any size and order, in memory
/// that does not grow with the cells: per context the sum and sum of squares of each variable (K·d), and two d × d
/// cross-products over all cells, one weighted by 1/n_k (hence the cell counts up front); and for a context whose features
/// name targets (a feature named like a variable, not zero: <see cref="ContextMoments.CovarianceRows"/>) the sums of those
/// variables' products with every variable (r·d a context), what a known-knockdown fit reads. Values are centred on the
/// first chunk's column means before they are multiplied, and everything is summed in float64.
/// </summary>
public sealed class PerturbationStatisticsBuilder : IDisposable
{
    private readonly IReadOnlyList<string> _variables;
    private readonly IReadOnlyList<string> _features;
    private readonly IReadOnlyList<ContextStatistics.Definition> _contexts;
    private readonly double[][] _sums;
    private readonly double[][] _squares;
    private readonly long[] _seen;
    private readonly int[][] _targets;           // per context, the variables its features name (empty: none, or rows not kept)
    private readonly double[]?[] _targetSums;    // per context, Σ_i y_ij y_i for each of its targets j, [r·d]
    private double[]? _centre;
    private Tensor? _byCells;   // Σ_i y_i y_iᵀ, y = x − centre
    private Tensor? _byContext; // Σ_i y_i y_iᵀ / n_k(i)
    private bool _built;

    /// <summary>
    /// Starts a pass. A context whose features name targets (a feature named like a variable, not zero) also gets those
    /// variables' covariance rows (<see cref="ContextMoments.CovarianceRows"/>): 8·d bytes a target while it streams.
    /// </summary>
    /// <param name="variableNames">The measured variables, in the order of every chunk's columns.</param>
    /// <param name="featureNames">The perturbation features, in the order of every context's features.</param>
    /// <param name="contexts">The contexts, each with the number of cells the pass will add to it.</param>
    public PerturbationStatisticsBuilder(IReadOnlyList<string> variableNames, IReadOnlyList<string> featureNames,
        IReadOnlyList<ContextStatistics.Definition> contexts)
        : this(variableNames, featureNames, contexts, targetRows: true)
    {
    }

    /// <summary>Starts a pass; <paramref name="targetRows"/> false skips the targets' covariance rows (a fit from cells reads them from the cells).</summary>
    internal PerturbationStatisticsBuilder(IReadOnlyList<string> variableNames, IReadOnlyList<string> featureNames,
        IReadOnlyList<ContextStatistics.Definition> contexts, bool targetRows)
    {
        _variables = variableNames ?? throw new ArgumentNullException(nameof(variableNames));
        _features = featureNames ?? throw new ArgumentNullException(nameof(featureNames));
        _contexts = contexts ?? throw new ArgumentNullException(nameof(contexts));
        if (variableNames.Count == 0) throw new ArgumentException("There are no variables; expected at least one.", nameof(variableNames));
        if (contexts.Count == 0) throw new ArgumentException("There are no contexts; expected at least one.", nameof(contexts));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in contexts)
        {
            if (!names.Add(c.Name)) throw new ArgumentException($"Context '{c.Name}' appears more than once; context names must be unique.", nameof(contexts));
            if (c.Features.Length != featureNames.Count)
                throw new ArgumentException($"Context '{c.Name}' has {c.Features.Length} features; expected {featureNames.Count} ({string.Join(", ", featureNames.Take(5))}).", nameof(contexts));
            if (c.CellCount < 1) throw new ArgumentException($"Context '{c.Name}' is to have {c.CellCount} cells; expected at least 1.", nameof(contexts));
        }
        int d = variableNames.Count;
        int[] map = TargetIndicators.FeatureOfVariable(variableNames, featureNames);
        _targets = contexts.Select(c => targetRows ? TargetIndicators.Named(c.Features, map) : Array.Empty<int>()).ToArray();
        // Two d × d float64 sums, and a chunk's two products while they are added: 32·d² bytes; the targets' rows 8·d each.
        long rows = _targets.Sum(t => (long)t.Length);
        double needed = 32.0 * d * d + 8.0 * rows * d, available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available > 0 && needed > 0.8 * available)
            throw new InvalidOperationException($"{d:N0} variables{(rows > 0 ? $" and {rows:N0} target rows" : "")}: the statistics' sums need about " +
                $"{needed / 1e9:F1} GB and this machine has {available / 1e9:F1} GB. Choose fewer variables (the most variable genes, or a list).");
        _sums = contexts.Select(_ => new double[d]).ToArray();
        _squares = contexts.Select(_ => new double[d]).ToArray();
        _seen = new long[contexts.Count];
        _targetSums = _targets.Select(t => t.Length == 0 ? null : new double[(long)t.Length * d]).ToArray();
    }

    /// <summary>Adds a chunk of one context's cells (rows × d).</summary>
    public void Add(int context, float[,] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var labels = new int[cells.GetLength(0)];
        Array.Fill(labels, context);
        Add(labels, cells);
    }

    /// <summary>Adds a chunk of cells (rows × d), row i belonging to context <paramref name="contexts"/>[i] (an index into the definitions).</summary>
    public void Add(ReadOnlySpan<int> contexts, float[,] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (_built) throw new InvalidOperationException("Build has been called; start a new builder for another pass.");
        int m = cells.GetLength(0), d = _variables.Count;
        if (cells.GetLength(1) != d) throw new ArgumentException($"The chunk has {cells.GetLength(1)} columns; expected the {d} variables.", nameof(cells));
        if (contexts.Length != m) throw new ArgumentException($"The chunk has {m} rows and {contexts.Length} context labels; expected one label per row.", nameof(contexts));
        if (m == 0) return;
        if (_centre is null)
        {
            _centre = new double[d];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < d; j++) _centre[j] += cells[i, j] / (double)m;
        }
        var y = new double[(long)m * d];
        var root = new double[m];
        for (int i = 0; i < m; i++)
        {
            int k = contexts[i];
            if ((uint)k >= (uint)_contexts.Count) throw new ArgumentOutOfRangeException(nameof(contexts), $"Row {i}'s context is {k}; expected 0 to {_contexts.Count - 1}.");
            if (++_seen[k] > _contexts[k].CellCount)
                throw new InvalidOperationException($"Context '{_contexts[k].Name}' was to have {_contexts[k].CellCount} cells; this chunk adds more.");
            root[i] = 1 / Math.Sqrt(_contexts[k].CellCount);
            double[] sum = _sums[k], square = _squares[k];
            for (int j = 0; j < d; j++)
            {
                float x = cells[i, j];
                if (!float.IsFinite(x))
                    throw new ArgumentException($"Context '{_contexts[k].Name}', chunk row {i}: variable '{_variables[j]}' is {x}; measurements must be finite.", nameof(cells));
                double v = x - _centre[j];
                y[(long)i * d + j] = v;
                sum[j] += v;
                square[j] += v * v;
            }
            if (_targetSums[k] is not double[] targetRows) continue;
            int[] targets = _targets[k];
            for (int q = 0; q < targets.Length; q++)
            {
                double yj = y[(long)i * d + targets[q]];
                for (int j = 0; j < d; j++) targetRows[(long)q * d + j] += yj * y[(long)i * d + j];
            }
        }
        using var scope = TorchScope.Enter();
        Tensor rows = tensor(y, new long[] { m, d }, ScalarType.Float64);
        Tensor weighted = rows * tensor(root, new long[] { m, 1 }, ScalarType.Float64);
        Tensor byCells = matmul(rows.t(), rows), byContext = matmul(weighted.t(), weighted);
        if (_byCells is null)
        {
            _byCells = byCells.DetachFromDisposeScope();
            _byContext = byContext.DetachFromDisposeScope();
        }
        else
        {
            _byCells.add_(byCells);
            _byContext!.add_(byContext);
        }
    }

    /// <summary>The statistics; every context must have received exactly the cells it was defined with.</summary>
    public PerturbationStatistics Build()
    {
        if (_built) throw new InvalidOperationException("Build has been called already.");
        for (int k = 0; k < _contexts.Count; k++)
            if (_seen[k] != _contexts[k].CellCount)
                throw new InvalidOperationException($"Context '{_contexts[k].Name}' was to have {_contexts[k].CellCount} cells; the pass added {_seen[k]}.");
        _built = true;
        int d = _variables.Count, count = _contexts.Count;
        long total = _contexts.Sum(c => c.CellCount);
        var statistics = new List<ContextStatistics>(count);
        var centred = new double[(long)count * d]; // each context's mean − centre
        var rootCounts = new double[count];
        for (int k = 0; k < count; k++)
        {
            long n = _contexts[k].CellCount;
            var mean = new double[d];
            var variance = new double[d];
            for (int j = 0; j < d; j++)
            {
                double mj = _sums[k][j] / n;
                centred[(long)k * d + j] = mj;
                mean[j] = _centre![j] + mj;
                variance[j] = Math.Max(0, _squares[k][j] / n - mj * mj);
            }
            rootCounts[k] = Math.Sqrt(n);
            // A target's row: (1/n) Σ y_j y − ȳ_j ȳ, with y centred on the shared centre (a covariance does not see the shift).
            var rows = new Dictionary<int, double[]>();
            for (int q = 0; q < _targets[k].Length; q++)
            {
                int j = _targets[k][q];
                var row = new double[d];
                for (int b = 0; b < d; b++) row[b] = _targetSums[k]![(long)q * d + b] / n - centred[(long)k * d + j] * centred[(long)k * d + b];
                rows[j] = row;
            }
            var def = _contexts[k];
            statistics.Add(new ContextStatistics(def.Name, def.Group ?? def.Name, def.IsControl, def.Features,
                new ContextMoments(n, mean, variance) { CovarianceRows = rows }));
        }
        using var scope = TorchScope.Enter();
        Tensor means = tensor(centred, new long[] { count, d }, ScalarType.Float64);
        Tensor scaledMeans = means * tensor(rootCounts, new long[] { count, 1 }, ScalarType.Float64);
        // Σ_k C_k = Σ_i y yᵀ / n_k − Σ_k ȳ_k ȳ_kᵀ;  Σ_k n_k C_k = Σ_i y yᵀ − Σ_k n_k ȳ_k ȳ_kᵀ.
        Tensor equal = (_byContext! - matmul(means.t(), means)) / count;
        Tensor byCells = (_byCells! - matmul(scaledMeans.t(), scaledMeans)) / total;
        var pool = new WithinContextCovariance(d, Symmetric(equal), Symmetric(byCells), statistics.Select(s => s.Name).ToArray());
        Dispose();
        return new PerturbationStatistics(_variables, _features, statistics, pool);
    }

    private static double[] Symmetric(Tensor m) => ((m + m.t()) / 2).contiguous().data<double>().ToArray();

    /// <summary>Frees the d × d accumulators.</summary>
    public void Dispose()
    {
        _byCells?.Dispose();
        _byContext?.Dispose();
        _byCells = _byContext = null;
    }
}
