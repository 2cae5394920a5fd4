using Gim.MLNet.Onnx;

namespace Gim.MLNet.Baselines;

/// <summary>
/// Ridge regression with an unpenalised intercept, in closed form and double precision:
/// W = (X̃ᵀX̃ + λI)⁻¹ X̃ᵀỸ on centred X̃, Ỹ; intercept = ȳ − x̄ᵀW.
/// </summary>
internal static class RidgeRegression
{
    /// <summary>Fits Y (n × m) on X (n × p); returns W (p × m) and the intercept (m).</summary>
    public static (double[,] Weight, double[] Intercept) Fit(double[,] x, double[,] y, double penalty)
    {
        int n = x.GetLength(0), p = x.GetLength(1), m = y.GetLength(1);
        double[] xMean = ColumnMeans(x), yMean = ColumnMeans(y);
        var gram = new double[p, p];
        var cross = new double[p, m];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < p; a++)
            {
                double xa = x[i, a] - xMean[a];
                for (int b = 0; b < p; b++) gram[a, b] += xa * (x[i, b] - xMean[b]);
                for (int c = 0; c < m; c++) cross[a, c] += xa * (y[i, c] - yMean[c]);
            }
        for (int a = 0; a < p; a++) gram[a, a] += penalty;
        double[,] inverse = SystemMatrixInverse.Invert(gram);
        var weight = new double[p, m];
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++)
                for (int c = 0; c < m; c++)
                    weight[a, c] += inverse[a, b] * cross[b, c];
        var intercept = new double[m];
        for (int c = 0; c < m; c++)
        {
            intercept[c] = yMean[c];
            for (int a = 0; a < p; a++) intercept[c] -= xMean[a] * weight[a, c];
        }
        return (weight, intercept);
    }

    private static double[] ColumnMeans(double[,] m)
    {
        int n = m.GetLength(0), cols = m.GetLength(1);
        var mean = new double[cols];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < cols; j++)
                mean[j] += m[i, j] / n;
        return mean;
    }
}
