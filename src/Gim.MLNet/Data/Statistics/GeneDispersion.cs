namespace Gim.MLNet.Data;

/// <summary>
/// Highly-variable-gene ranking from running sums (scanpy's <c>highly_variable_genes</c>, flavour "seurat"): each gene's
/// dispersion log(v/m) of expm1(x) over the cells, z-scored within its bin of log1p(m). One implementation for the ML.NET
/// step (<c>SelectHighlyVariableGenes</c>) and for streaming statistics, so both keep the same genes.
/// </summary>
internal sealed class GeneDispersion
{
    private readonly double[] _sum, _squares;
    private long _count;

    public GeneDispersion(int genes)
    {
        _sum = new double[genes];
        _squares = new double[genes];
    }

    /// <summary>Number of cells added.</summary>
    public long Count => _count;

    /// <summary>Adds one cell's log-normalised value of gene <paramref name="j"/> (call <see cref="AddCells"/> once per cell).</summary>
    public void Add(int j, float logValue)
    {
        double x = Math.Exp(logValue) - 1;
        _sum[j] += x;
        _squares[j] += x * x;
    }

    /// <summary>Counts cells whose values were added.</summary>
    public void AddCells(long cells) => _count += cells;

    /// <summary>Each gene's normalised dispersion (NaN where it cannot be ranked) and mean of expm1(x).</summary>
    public double[] Scores(int bins, out double[] mean)
    {
        long n = _count;
        int d = _sum.Length;
        mean = new double[d];
        var logDispersion = new double[d];
        var logMean = new double[d];
        for (int j = 0; j < d; j++)
        {
            mean[j] = _sum[j] / n;
            double variance = Math.Max(0, (_squares[j] - n * mean[j] * mean[j]) / (n - 1));
            logDispersion[j] = mean[j] > 0 && variance > 0 ? Math.Log(variance / mean[j]) : double.NaN;
            logMean[j] = Math.Log(1 + mean[j]);
        }
        int[] ranked = Enumerable.Range(0, d).Where(j => double.IsFinite(logDispersion[j])).ToArray();
        var score = Enumerable.Repeat(double.NaN, d).ToArray();
        if (ranked.Length == 0) return score;
        double low = ranked.Min(j => logMean[j]), high = ranked.Max(j => logMean[j]);
        int Bin(int j) => high > low ? Math.Min(bins - 1, (int)((logMean[j] - low) / (high - low) * bins)) : 0;
        foreach (var bin in ranked.GroupBy(Bin))
        {
            int[] genes = bin.ToArray();
            double m = genes.Average(j => logDispersion[j]);
            double sd = genes.Length > 1 ? Math.Sqrt(genes.Sum(j => (logDispersion[j] - m) * (logDispersion[j] - m)) / (genes.Length - 1)) : 0;
            foreach (int j in genes) score[j] = sd > 0 ? (logDispersion[j] - m) / sd : 0;
        }
        return score;
    }

    /// <summary>The <paramref name="count"/> best-ranked genes (ties by position), in their original order; empty when none has a nonzero mean.</summary>
    public int[] Top(int count, int bins, out double[] score)
    {
        score = Scores(bins, out double[] mean);
        double[] s = score;
        return Enumerable.Range(0, s.Length).Where(j => mean[j] > 0 && double.IsFinite(s[j]))
            .OrderByDescending(j => s[j]).ThenBy(j => j).Take(count).Order().ToArray();
    }
}
