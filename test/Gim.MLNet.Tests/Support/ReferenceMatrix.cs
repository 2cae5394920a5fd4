namespace Gim.MLNet.Tests.Support;

/// <summary>
/// Plain double-precision matrix arithmetic, written independently of the library, so that tests
/// can check the TorchSharp model against numbers computed another way.
/// </summary>
internal static class ReferenceMatrix
{
    public static double[,] Identity(int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++) m[i, i] = 1;
        return m;
    }

    public static double[,] Transpose(double[,] a)
    {
        int r = a.GetLength(0), c = a.GetLength(1);
        var t = new double[c, r];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
                t[j, i] = a[i, j];
        return t;
    }

    public static double[,] Multiply(double[,] a, double[,] b)
    {
        int r = a.GetLength(0), n = a.GetLength(1), c = b.GetLength(1);
        var m = new double[r, c];
        for (int i = 0; i < r; i++)
            for (int k = 0; k < n; k++)
                for (int j = 0; j < c; j++)
                    m[i, j] += a[i, k] * b[k, j];
        return m;
    }

    public static double[] Multiply(double[,] a, double[] x)
    {
        int r = a.GetLength(0), c = a.GetLength(1);
        var y = new double[r];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
                y[i] += a[i, j] * x[j];
        return y;
    }

    /// <summary>Gauss–Jordan inverse with partial pivoting; also returns log|det|.</summary>
    public static double[,] Inverse(double[,] a, out double logAbsDet)
    {
        int n = a.GetLength(0);
        var m = (double[,])a.Clone();
        var inv = Identity(n);
        logAbsDet = 0;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            if (pivot != col)
                for (int j = 0; j < n; j++)
                {
                    (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
                    (inv[col, j], inv[pivot, j]) = (inv[pivot, j], inv[col, j]);
                }
            double p = m[col, col];
            logAbsDet += Math.Log(Math.Abs(p));
            for (int j = 0; j < n; j++) { m[col, j] /= p; inv[col, j] /= p; }
            for (int r = 0; r < n; r++)
            {
                if (r == col) continue;
                double f = m[r, col];
                if (f == 0) continue;
                for (int j = 0; j < n; j++) { m[r, j] -= f * m[col, j]; inv[r, j] -= f * inv[col, j]; }
            }
        }
        return inv;
    }

    public static double[,] Random(System.Random rng, int r, int c, double scale)
    {
        var m = new double[r, c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
                m[i, j] = scale * (2 * rng.NextDouble() - 1);
        return m;
    }

    public static double[] RandomVector(System.Random rng, int n, double scale)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * (2 * rng.NextDouble() - 1);
        return v;
    }
}
