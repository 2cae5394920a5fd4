namespace Gim.MLNet.Tests.Support;

/// <summary>Small builders for sample matrices used by the metric tests.</summary>
internal static class SampleData
{
    /// <summary>A one-column matrix: each value is one 1-D sample.</summary>
    public static float[,] Column(params float[] values)
    {
        var m = new float[values.Length, 1];
        for (int i = 0; i < values.Length; i++) m[i, 0] = values[i];
        return m;
    }

    /// <summary>A matrix from rows of equal length.</summary>
    public static float[,] Rows(params float[][] rows)
    {
        var m = new float[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    /// <summary>Independent N(mean, 1) entries, seeded (Box–Muller over System.Random, stable across runs).</summary>
    public static float[,] Gaussian(int rows, int columns, int seed, double mean = 0)
    {
        var random = new Random(seed);
        var m = new float[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                m[i, j] = (float)(mean + Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
        return m;
    }

    /// <summary>Entries that are multiples of 1/64 in [−4, 4): shifting them by a small power of two is exact in float.</summary>
    public static float[,] Dyadic(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var m = new float[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) m[i, j] = random.Next(-256, 256) / 64f;
        return m;
    }

    public static float[,] Shift(float[,] m, float offset, int column = -1)
    {
        var r = (float[,])m.Clone();
        for (int i = 0; i < r.GetLength(0); i++)
            for (int j = 0; j < r.GetLength(1); j++)
                if (column < 0 || column == j) r[i, j] += offset;
        return r;
    }

    /// <summary>Rows in a seeded random order.</summary>
    public static float[,] PermuteRows(float[,] m, int seed)
    {
        int n = m.GetLength(0), d = m.GetLength(1);
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        var r = new float[n, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) r[i, j] = m[order[i], j];
        return r;
    }
}
