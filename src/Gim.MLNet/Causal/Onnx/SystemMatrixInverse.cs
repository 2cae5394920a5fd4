using Gim.MLNet.Runtime;

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
        double[,] inverse = DenseMatrix.Inverse(a, () => new ArgumentException(
            "The learned causal system matrix A = I − Bᵀ is singular, so the equilibrium x = A⁻¹(b + u) is undefined; the model cannot be exported."));
        var transposed = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                transposed[i, j] = inverse[j, i];
        return transposed;
    }
}
