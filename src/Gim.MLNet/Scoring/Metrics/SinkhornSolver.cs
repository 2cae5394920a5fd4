namespace Gim.MLNet.Scoring;

/// <summary>
/// Entropic optimal transport OT_ε between uniform empirical measures with cost C_ij = ‖x_i − y_j‖²,
/// solved by log-domain Sinkhorn iterations. Potentials are kept divided by ε (u = f/ε, v = g/ε) so the
/// inner loops need no multiplications, and every update is a log-sum-exp shifted by its maximum, which
/// stays finite for any ε &gt; 0 however large C/ε gets.
/// </summary>
internal static class SinkhornSolver
{
    /// <summary>
    /// OT_ε(a, b) as the dual value ⟨a, f⟩ + ⟨b, g⟩ after the last g-update. At that point every column
    /// marginal of the plan is exact, so the dual's entropic term −ε⟨a⊗b, e^{(f⊕g−C)/ε} − 1⟩ vanishes and
    /// this value is the full dual objective (Feydy et al., 2019). Sinkhorn is block-coordinate ascent on
    /// that concave dual, so every such iterate is a lower bound on OT_ε that rises towards it.
    /// </summary>
    public static double Cross(RowMatrix x, RowMatrix y, double epsilon, int maxIterations, double tolerance)
    {
        int n = x.Rows, m = y.Rows;
        var c = CostOverEpsilon(x, y, epsilon);
        double logA = -Math.Log(n), logB = -Math.Log(m);
        var u = new double[n];
        var v = new double[m];
        var colMax = new double[m];
        var colSum = new double[m];
        double stop = tolerance / epsilon;
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            double du = 0;
            for (int i = 0; i < n; i++)
            {
                var row = new ReadOnlySpan<double>(c, i * m, m);
                double updated = -(logB + LogSumExp(v, row));
                du = Math.Max(du, Math.Abs(updated - u[i]));
                u[i] = updated;
            }
            // Column log-sum-exps in two row-major sweeps (max, then shifted sum) to stay cache-friendly
            // without a transposed copy of the cost matrix.
            Array.Fill(colMax, double.NegativeInfinity);
            Array.Clear(colSum);
            for (int i = 0; i < n; i++)
            {
                int offset = i * m;
                double ui = u[i];
                for (int j = 0; j < m; j++)
                {
                    double t = ui - c[offset + j];
                    if (t > colMax[j]) colMax[j] = t;
                }
            }
            for (int i = 0; i < n; i++)
            {
                int offset = i * m;
                double ui = u[i];
                for (int j = 0; j < m; j++) colSum[j] += Math.Exp(ui - c[offset + j] - colMax[j]);
            }
            double dv = 0;
            for (int j = 0; j < m; j++)
            {
                double updated = -(logA + colMax[j] + Math.Log(colSum[j]));
                dv = Math.Max(dv, Math.Abs(updated - v[j]));
                v[j] = updated;
            }
            if (Math.Max(du, dv) <= stop) break;
        }
        return epsilon * (Mean(u) + Mean(v));
    }

    /// <summary>
    /// OT_ε(a, a) = 2⟨a, f⟩ for the symmetric potential f = T(f), found by the averaged iteration
    /// f ← ½(f + T(f)), which converges in a handful of steps where plain alternation oscillates.
    /// </summary>
    public static double Symmetric(RowMatrix x, double epsilon, int maxIterations, double tolerance)
    {
        int n = x.Rows;
        var c = CostOverEpsilon(x, x, epsilon);
        double logA = -Math.Log(n);
        var u = new double[n];
        var next = new double[n];
        double stop = tolerance / epsilon;
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            // Jacobi-style: T is applied to the previous u in full before averaging.
            for (int i = 0; i < n; i++)
                next[i] = -(logA + LogSumExp(u, new ReadOnlySpan<double>(c, i * n, n)));
            double du = 0;
            for (int i = 0; i < n; i++)
            {
                double averaged = 0.5 * (u[i] + next[i]);
                du = Math.Max(du, Math.Abs(averaged - u[i]));
                u[i] = averaged;
            }
            if (du <= stop) break;
        }
        return 2 * epsilon * Mean(u);
    }

    /// <summary>log Σ_j exp(potential_j − costRow_j), shifted by the maximum exponent.</summary>
    private static double LogSumExp(double[] potential, ReadOnlySpan<double> costRow)
    {
        double max = double.NegativeInfinity;
        for (int j = 0; j < costRow.Length; j++)
        {
            double t = potential[j] - costRow[j];
            if (t > max) max = t;
        }
        double sum = 0;
        for (int j = 0; j < costRow.Length; j++)
        {
            sum += Math.Exp(potential[j] - costRow[j] - max);
        }
        return max + Math.Log(sum);
    }

    private static double[] CostOverEpsilon(RowMatrix x, RowMatrix y, double epsilon)
    {
        int n = x.Rows, m = y.Rows;
        var c = new double[(long)n * m];
        double scale = 1.0 / epsilon;
        for (int i = 0; i < n; i++)
        {
            var xi = x.Row(i);
            int offset = i * m;
            for (int j = 0; j < m; j++) c[offset + j] = SquaredDistance.Of(xi, y.Row(j)) * scale;
        }
        return c;
    }

    private static double Mean(double[] values)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++) sum += values[i];
        return sum / values.Length;
    }
}
