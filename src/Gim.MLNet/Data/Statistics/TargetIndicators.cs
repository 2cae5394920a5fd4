using Gim.MLNet.Runtime;
using static TorchSharp.torch;

namespace Gim.MLNet.Data;

/// <summary>
/// The convention that declares known targets (GimOptions.KnownTargets, docs/genetic.md): a feature named like a measured
/// variable is that variable's target indicator, as <see cref="CombinationLabels"/> names a label's perturbations. In one
/// place for the trainer, which reads the indicators, and the statistics, which keep the covariance rows of the variables
/// a context's indicators name (what a known-knockdown fit reads of each context besides its moments and the pool).
/// </summary>
internal static class TargetIndicators
{
    /// <summary>For each variable, the index of the first feature with its name, or −1 where no feature has it.</summary>
    public static int[] FeatureOfVariable(IReadOnlyList<string> variables, IReadOnlyList<string> features)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int q = 0; q < features.Count; q++) index.TryAdd(features[q], q);
        return variables.Select(v => index.TryGetValue(v, out int q) ? q : -1).ToArray();
    }

    /// <summary>The variables (ascending) whose indicator in <paramref name="features"/> is not zero (<paramref name="featureOfVariable"/> from <see cref="FeatureOfVariable"/>).</summary>
    public static int[] Named(float[] features, int[] featureOfVariable) =>
        Enumerable.Range(0, featureOfVariable.Length).Where(j => featureOfVariable[j] >= 0 && features[featureOfVariable[j]] != 0).ToArray();

    /// <summary>
    /// Rows of one context's covariance from its cells, in the data's units: (1/n) Σ_i (x_ij − m_j)(x_i − m) for each
    /// variable j of <paramref name="rows"/>, [r·d] row-major; the cells centred on <paramref name="mean"/>, multiplied in
    /// float64 (a BLAS product). What a fit from cells and <see cref="PerturbationStatistics.Compute"/> both read, so the
    /// two give the same numbers.
    /// </summary>
    public static double[] CovarianceRows(float[,] samples, double[] mean, int[] rows)
    {
        int n = samples.GetLength(0), d = samples.GetLength(1);
        var centred = new double[(long)n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) centred[(long)i * d + j] = samples[i, j] - mean[j];
        using var scope = TorchScope.Enter();
        Tensor all = tensor(centred, new long[] { n, d }, ScalarType.Float64);
        Tensor picked = all.index_select(1, tensor(rows.Select(j => (long)j).ToArray()));
        return (matmul(picked.t(), all) / n).contiguous().data<double>().ToArray();
    }
}
