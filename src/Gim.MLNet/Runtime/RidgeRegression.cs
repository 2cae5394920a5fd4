namespace Gim.MLNet.Runtime;

/// <summary>
/// Ridge regression with an unpenalised intercept, in closed form and double precision:
/// W = (X̃ᵀX̃ + λI)⁻¹ X̃ᵀỸ on centred X̃, Ỹ; intercept = ȳ − x̄ᵀW.
/// </summary>
internal static class RidgeRegression
{
    /// <summary>Fits Y (n × m) on X (n × p); returns W (p × m) and the intercept (m).</summary>
    public static (double[,] Weight, double[] Intercept) Fit(double[,] x, double[,] y, double penalty)
    {
        int n = x.GetLength(0), p = x.GetLength(1);
        double[] xMean = ColumnMeans(x), yMean = ColumnMeans(y);
        // With more features than rows the p × p system would cost O(p³) (minutes and gigabytes at p = 10⁴);
        // the n × n dual system gives the same W: (X̃ᵀX̃ + λI)⁻¹X̃ᵀ = X̃ᵀ(X̃X̃ᵀ + λI)⁻¹.
        double[,] weight = p > n ? Dual(x, y, xMean, yMean, penalty) : Primal(x, y, xMean, yMean, penalty);
        return (weight, Intercept(weight, xMean, yMean));
    }

    private static double[,] Primal(double[,] x, double[,] y, double[] xMean, double[] yMean, double penalty)
    {
        int n = x.GetLength(0), p = x.GetLength(1), m = y.GetLength(1);
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
        double[,] inverse = DenseMatrix.Inverse(gram);
        var weight = new double[p, m];
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++)
                for (int c = 0; c < m; c++)
                    weight[a, c] += inverse[a, b] * cross[b, c];
        return weight;
    }

    /// <summary>W = X̃ᵀ (X̃X̃ᵀ + λI)⁻¹ Ỹ: an n × n inverse instead of p × p.</summary>
    private static double[,] Dual(double[,] x, double[,] y, double[] xMean, double[] yMean, double penalty)
    {
        int n = x.GetLength(0), p = x.GetLength(1), m = y.GetLength(1);
        var centred = new double[n, p];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < p; a++)
                centred[i, a] = x[i, a] - xMean[a];
        var gram = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
            {
                double sum = 0;
                for (int a = 0; a < p; a++) sum += centred[i, a] * centred[k, a];
                gram[i, k] = sum + (i == k ? penalty : 0);
            }
        double[,] inverse = DenseMatrix.Inverse(gram);
        var alpha = new double[n, m]; // (X̃X̃ᵀ + λI)⁻¹ Ỹ
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                for (int c = 0; c < m; c++)
                    alpha[i, c] += inverse[i, k] * (y[k, c] - yMean[c]);
        var weight = new double[p, m];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < p; a++)
                for (int c = 0; c < m; c++)
                    weight[a, c] += centred[i, a] * alpha[i, c];
        return weight;
    }

    private static double[] Intercept(double[,] weight, double[] xMean, double[] yMean)
    {
        int p = weight.GetLength(0), m = weight.GetLength(1);
        var intercept = new double[m];
        for (int c = 0; c < m; c++)
        {
            intercept[c] = yMean[c];
            for (int a = 0; a < p; a++) intercept[c] -= xMean[a] * weight[a, c];
        }
        return intercept;
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
