namespace Gim.MLNet.Runtime;

/// <summary>
/// The few small dense double-precision routines the screen needs (d is tens, so O(d³) is nothing).
/// </summary>
internal static class DenseMatrix
{
    /// <summary>C = A·B for square matrices.</summary>
    public static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0);
        var c = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
            {
                double aik = a[i, k];
                if (aik == 0) continue;
                for (int j = 0; j < n; j++) c[i, j] += aik * b[k, j];
            }
        return c;
    }

    /// <summary>Aᵀ.</summary>
    public static double[,] Transpose(double[,] a)
    {
        int n = a.GetLength(0), m = a.GetLength(1);
        var t = new double[m, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) t[j, i] = a[i, j];
        return t;
    }

    /// <summary>y = A·x.</summary>
    public static double[] Multiply(double[,] a, IReadOnlyList<double> x)
    {
        int n = a.GetLength(0), m = a.GetLength(1);
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < m; j++) s += a[i, j] * x[j];
            y[i] = s;
        }
        return y;
    }

    /// <summary>
    /// A⁻¹ by Gauss–Jordan elimination with partial pivoting: the one dense inverse of the library (the synthetic
    /// structural model, the exported linear SCM, ridge regression). Throws <paramref name="singular"/>'s exception
    /// (by default an <see cref="InvalidOperationException"/>) when A is numerically singular: a pivot below 1e-12
    /// times the largest entry, which for A = I − Bᵀ means B has an eigenvalue near 1.
    /// </summary>
    public static double[,] Inverse(double[,] a, Func<Exception>? singular = null)
    {
        int n = a.GetLength(0);
        var work = (double[,])a.Clone();
        var inv = new double[n, n];
        double scale = 0;
        for (int i = 0; i < n; i++)
        {
            inv[i, i] = 1;
            for (int j = 0; j < n; j++) scale = Math.Max(scale, Math.Abs(a[i, j]));
        }
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(work[r, col]) > Math.Abs(work[pivot, col])) pivot = r;
            if (!(Math.Abs(work[pivot, col]) > 1e-12 * scale))
                throw singular?.Invoke() ?? new InvalidOperationException("The matrix is singular: it has no inverse.");
            if (pivot != col)
                for (int j = 0; j < n; j++)
                {
                    (work[pivot, j], work[col, j]) = (work[col, j], work[pivot, j]);
                    (inv[pivot, j], inv[col, j]) = (inv[col, j], inv[pivot, j]);
                }
            double p = work[col, col];
            for (int j = 0; j < n; j++)
            {
                work[col, j] /= p;
                inv[col, j] /= p;
            }
            for (int r = 0; r < n; r++)
            {
                if (r == col) continue;
                double f = work[r, col];
                if (f == 0) continue;
                for (int j = 0; j < n; j++)
                {
                    work[r, j] -= f * work[col, j];
                    inv[r, j] -= f * inv[col, j];
                }
            }
        }
        return inv;
    }

    /// <summary>
    /// An upper bound on the spectral radius ρ(A), tight to many digits. Gelfand's formula gives
    /// ρ(A) ≤ ‖A^k‖^(1/k) for every k and any submultiplicative norm, with equality as k → ∞. We use
    /// the Frobenius norm and k = 2^m by repeated squaring (renormalised each step, the scale kept as a
    /// logarithm), and return the smallest bound seen. Unlike power iteration on A this needs no
    /// dominant real eigenvalue (complex pairs and equal moduli are common in random digraphs), and
    /// unlike an eigenvalue routine its answer is a bound (exact up to rounding), which is what a stability
    /// rescaling needs. A nilpotent matrix (a DAG's weights) reaches exactly zero and returns 0.
    /// </summary>
    public static double SpectralRadiusBound(double[,] a, int squarings = 60)
    {
        double norm = Frobenius(a);
        if (norm == 0) return 0;
        var m = Scaled(a, 1 / norm);
        double logNorm = Math.Log(norm); // log ‖A^k‖ with k = 2^step
        double best = norm;
        double power = 1;
        for (int step = 0; step < squarings; step++)
        {
            m = Multiply(m, m);
            double f = Frobenius(m);
            if (f == 0) return 0;
            // A normalised square this small means ρ is negligible against ‖A‖: stop before 1/f overflows.
            if (f < 1e-250) return Math.Min(best, Math.Exp((2 * logNorm + Math.Log(f)) / (2 * power)));
            power *= 2;
            logNorm = 2 * logNorm + Math.Log(f);
            best = Math.Min(best, Math.Exp(logNorm / power));
            m = Scaled(m, 1 / f);
        }
        return best;
    }

    /// <summary>
    /// An upper bound on the spectral norm ‖A‖₂ (largest singular value): √ρ(AᵀA) via
    /// <see cref="SpectralRadiusBound"/>, again a certified bound rather than a power-iteration estimate from below.
    /// </summary>
    public static double SpectralNormBound(double[,] a) => Math.Sqrt(SpectralRadiusBound(Multiply(Transpose(a), a)));

    private static double Frobenius(double[,] a)
    {
        double s = 0;
        foreach (double v in a) s += v * v;
        return Math.Sqrt(s);
    }

    private static double[,] Scaled(double[,] a, double factor)
    {
        var r = (double[,])a.Clone();
        int n = r.GetLength(0), m = r.GetLength(1);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) r[i, j] *= factor;
        return r;
    }
}
