namespace Gim.MLNet.Causal;

/// <summary>
/// Inverts the causal model's system matrix A = I − Bᵀ in double precision at export time, so the
/// exported graph solves the SCM with one matrix product per row instead of an in-graph solve
/// (ONNX has no linear solver) and loses no accuracy to float32 elimination.
/// </summary>
internal static class SystemMatrixInverse
{
    /// <summary>Returns (A⁻¹)ᵀ = A⁻ᵀ for A = I − graphᵀ, so that a row vector r maps to r·A⁻ᵀ = (A⁻¹ r)ᵀ.</summary>
    public static double[,] InverseTranspose(float[,] graph)
    {
        int d = graph.GetLength(0);
        var a = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                a[i, j] = (i == j ? 1.0 : 0.0) - (i == j ? 0.0 : graph[j, i]); // the model ignores B's diagonal
        double[,] inverse = Invert(a);
        var transposed = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                transposed[i, j] = inverse[j, i];
        return transposed;
    }

    /// <summary>Gauss–Jordan elimination with partial pivoting.</summary>
    public static double[,] Invert(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var inv = new double[n, n];
        for (int i = 0; i < n; i++) inv[i, i] = 1.0;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (Math.Abs(a[pivot, col]) < 1e-12)
                throw new ArgumentException("The learned causal system matrix A = I − Bᵀ is singular, so the equilibrium x = A⁻¹(b + u) is undefined; the model cannot be exported.");
            if (pivot != col)
                for (int j = 0; j < n; j++)
                {
                    (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
                    (inv[col, j], inv[pivot, j]) = (inv[pivot, j], inv[col, j]);
                }
            double scale = 1.0 / a[col, col];
            for (int j = 0; j < n; j++)
            {
                a[col, j] *= scale;
                inv[col, j] *= scale;
            }
            for (int r = 0; r < n; r++)
            {
                if (r == col || a[r, col] == 0) continue;
                double factor = a[r, col];
                for (int j = 0; j < n; j++)
                {
                    a[r, j] -= factor * a[col, j];
                    inv[r, j] -= factor * inv[col, j];
                }
            }
        }
        return inv;
    }
}
