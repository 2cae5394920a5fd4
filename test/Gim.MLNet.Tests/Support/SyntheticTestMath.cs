namespace Gim.MLNet.Tests.Support;

/// <summary>Test-side statistics and an independent closed form (Neumann series), so the generator's own algebra is not checked against itself.</summary>
internal static class SyntheticTestMath
{
    public static double[] ColumnMeans(float[,] x)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var m = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) m[j] += x[i, j];
        for (int j = 0; j < d; j++) m[j] /= n;
        return m;
    }

    public static double[,] Covariance(float[,] x)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        double[] m = ColumnMeans(x);
        var c = new double[d, d];
        for (int r = 0; r < n; r++)
            for (int i = 0; i < d; i++)
            {
                double di = x[r, i] - m[i];
                for (int j = 0; j < d; j++) c[i, j] += di * (x[r, j] - m[j]);
            }
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) c[i, j] /= n - 1;
        return c;
    }

    /// <summary>(I − Bᵀ)⁻¹ = Σ_k (Bᵀ)^k, exact after d terms for a DAG, geometric for ρ(B) ≤ 0.8.</summary>
    public static double[,] NeumannInverse(double[,] b, int terms)
    {
        int d = b.GetLength(0);
        var sum = new double[d, d];
        var power = new double[d, d];
        for (int i = 0; i < d; i++) power[i, i] = 1;
        for (int t = 0; t < terms; t++)
        {
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) sum[i, j] += power[i, j];
            var next = new double[d, d];
            for (int i = 0; i < d; i++)
                for (int k = 0; k < d; k++)
                    for (int j = 0; j < d; j++) next[i, j] += b[k, i] * power[k, j]; // Bᵀ·power
            power = next;
        }
        return sum;
    }

    public static double[] Multiply(double[,] a, IReadOnlyList<double> x)
    {
        int n = a.GetLength(0);
        var y = new double[n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < x.Count; j++) y[i] += a[i, j] * x[j];
        return y;
    }

    public static bool IsAcyclic(double[,] b)
    {
        int d = b.GetLength(0);
        var state = new int[d]; // 0 new, 1 on stack, 2 done
        bool Visit(int i)
        {
            if (state[i] == 1) return false;
            if (state[i] == 2) return true;
            state[i] = 1;
            for (int j = 0; j < d; j++)
                if (b[i, j] != 0 && !Visit(j)) return false;
            state[i] = 2;
            return true;
        }
        for (int i = 0; i < d; i++)
            if (!Visit(i)) return false;
        return true;
    }

    public static int EdgeCount(double[,] b)
    {
        int count = 0;
        foreach (double w in b)
            if (w != 0) count++;
        return count;
    }

    /// <summary>‖B^k‖_F^(1/k) for k = 2^squarings: an upper bound on ρ(B) by Gelfand's formula.</summary>
    public static double GelfandBound(double[,] b, int squarings)
    {
        int d = b.GetLength(0);
        var m = (double[,])b.Clone();
        double log = 0, power = 1;
        for (int s = 0; s <= squarings; s++)
        {
            double f = 0;
            foreach (double v in m) f += v * v;
            f = Math.Sqrt(f);
            if (f == 0) return 0;
            log += Math.Log(f) / power; // log ‖B^k‖/k accumulates as Σ log(f_s)/2^s
            if (s == squarings) break;
            var next = new double[d, d];
            for (int i = 0; i < d; i++)
                for (int k = 0; k < d; k++)
                    for (int j = 0; j < d; j++) next[i, j] += m[i, k] / f * (m[k, j] / f);
            m = next;
            power *= 2;
        }
        return Math.Exp(log);
    }

    /// <summary>Largest singular value by power iteration on BᵀB (an estimate from below).</summary>
    public static double SpectralNormEstimate(double[,] b, int iterations = 2000)
    {
        int d = b.GetLength(0);
        var v = Enumerable.Repeat(1.0 / Math.Sqrt(d), d).ToArray();
        double sigma = 0;
        for (int it = 0; it < iterations; it++)
        {
            var bv = new double[d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) bv[i] += b[i, j] * v[j];
            var w = new double[d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) w[j] += b[i, j] * bv[i];
            double norm = Math.Sqrt(w.Sum(x => x * x));
            if (norm == 0) return 0;
            sigma = Math.Sqrt(norm);
            for (int j = 0; j < d; j++) v[j] = w[j] / norm;
        }
        return sigma;
    }
}
