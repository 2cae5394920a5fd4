namespace Gim.MLNet.Data;

/// <summary>Per-column affine standardisation z = (x − mean) / scale, stored with a fitted model.</summary>
public sealed class Standardizer
{
    /// <summary>Creates a standardiser from stored statistics.</summary>
    public Standardizer(double[] mean, double[] scale)
    {
        if (mean.Length != scale.Length) throw new ArgumentException("mean and scale must have the same length.");
        Mean = mean;
        Scale = scale;
    }

    /// <summary>Column means.</summary>
    public double[] Mean { get; }

    /// <summary>Column scales (standard deviations; 1 where a column is constant, so it passes through centred).</summary>
    public double[] Scale { get; }

    /// <summary>Number of columns.</summary>
    public int Count => Mean.Length;

    /// <summary>The identity transform on <paramref name="count"/> columns.</summary>
    public static Standardizer Identity(int count) => new(new double[count], Enumerable.Repeat(1.0, count).ToArray());

    /// <summary>Fits mean and standard deviation (population) over the rows of several matrices.</summary>
    public static Standardizer FitRows(IEnumerable<float[,]> blocks, int columns)
    {
        var sum = new double[columns];
        var sumSq = new double[columns];
        long n = 0;
        var materialised = blocks as IReadOnlyCollection<float[,]> ?? blocks.ToList();
        foreach (float[,] block in materialised)
        {
            int rows = block.GetLength(0);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                    sum[j] += block[i, j];
            n += rows;
        }
        if (n == 0) throw new ArgumentException("Cannot standardise: there are no rows.");
        var mean = sum.Select(s => s / n).ToArray();
        foreach (float[,] block in materialised)
        {
            int rows = block.GetLength(0);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                {
                    double c = block[i, j] - mean[j];
                    sumSq[j] += c * c;
                }
        }
        var scale = sumSq.Select(s => Math.Sqrt(s / n)).Select(s => s > 1e-12 ? s : 1.0).ToArray();
        return new Standardizer(mean, scale);
    }

    /// <summary>
    /// Fits mean and standard deviation (population) over the cells of several contexts given by their moments: the same
    /// numbers as <see cref="FitRows"/> over those cells, up to rounding (the pooled variance is the within-context
    /// variances plus the spread of the means).
    /// </summary>
    public static Standardizer FitMoments(IEnumerable<ContextMoments> contexts, int columns)
    {
        var list = contexts.ToList();
        long n = list.Sum(c => c.Count);
        if (n == 0) throw new ArgumentException("Cannot standardise: there are no rows.");
        var mean = new double[columns];
        foreach (ContextMoments c in list)
            for (int j = 0; j < columns; j++) mean[j] += c.Mean[j] * c.Count / n;
        var variance = new double[columns];
        foreach (ContextMoments c in list)
            for (int j = 0; j < columns; j++)
            {
                double offset = c.Mean[j] - mean[j];
                variance[j] += (c.Variance[j] + offset * offset) * c.Count / n;
            }
        var scale = variance.Select(v => Math.Sqrt(v)).Select(s => s > 1e-12 ? s : 1.0).ToArray();
        return new Standardizer(mean, scale);
    }

    /// <summary>Fits over feature vectors (one row per vector).</summary>
    public static Standardizer FitVectors(IEnumerable<float[]> vectors, int columns)
    {
        var list = vectors.ToList();
        var block = new float[list.Count, columns];
        for (int i = 0; i < list.Count; i++)
            for (int j = 0; j < columns; j++)
                block[i, j] = list[i][j];
        return FitRows(new[] { block }, columns);
    }

    /// <summary>Standardises a matrix (rows × Count) into a new matrix.</summary>
    public float[,] Transform(float[,] x)
    {
        int n = x.GetLength(0);
        var z = new float[n, Count];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < Count; j++)
                z[i, j] = (float)((x[i, j] - Mean[j]) / Scale[j]);
        return z;
    }

    /// <summary>Standardises one vector.</summary>
    public float[] Transform(float[] x)
    {
        var z = new float[Count];
        for (int j = 0; j < Count; j++)
            z[j] = (float)((x[j] - Mean[j]) / Scale[j]);
        return z;
    }

    /// <summary>Undoes the standardisation of a matrix.</summary>
    public float[,] Inverse(float[,] z)
    {
        int n = z.GetLength(0);
        var x = new float[n, Count];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < Count; j++)
                x[i, j] = (float)(z[i, j] * Scale[j] + Mean[j]);
        return x;
    }

    /// <summary>Undoes the standardisation of one vector.</summary>
    public float[] Inverse(float[] z)
    {
        var x = new float[Count];
        for (int j = 0; j < Count; j++)
            x[j] = (float)(z[j] * Scale[j] + Mean[j]);
        return x;
    }
}
