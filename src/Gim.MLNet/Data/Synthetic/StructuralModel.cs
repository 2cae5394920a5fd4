using Gim.MLNet.Runtime;

namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// The ground-truth SCM x = f(x) + shift + σ⊙ε with f(x)_j = Σ_i B_ij x_i (linear) or
/// Σ_i B_ij tanh(x_i) (nonlinear), and the equilibrium solver that turns exogenous terms into cells.
/// </summary>
internal sealed class StructuralModel
{
    /// <summary>Fixed-point iterations stop once no coordinate moves by more than this.</summary>
    internal const double FixedPointTolerance = 1e-12;

    /// <summary>
    /// Hard cap on fixed-point iterations. The rescaling guarantees a contraction with factor ≤
    /// MaxSpectralRadius (0.8 by default, about 150 steps from x = u to 1e-12; 0.99 would need ~3,000).
    /// </summary>
    internal const int MaxFixedPointIterations = 10_000;

    private readonly double[] _sigma;
    private readonly MechanismKind _mechanism;
    private readonly int[]? _order;            // topological order, null when cyclic
    private readonly int[][] _parents;         // parents[j] = causes i with B_ij ≠ 0
    private readonly double[][] _parentWeights;
    private readonly double[,]? _inverse;      // (I − Bᵀ)⁻¹ for the linear model
    private readonly double[,]? _noiseMap;     // (I − Bᵀ)⁻¹·diag(σ)

    public StructuralModel(double[,] b, double[] sigma, MechanismKind mechanism)
    {
        _sigma = sigma;
        _mechanism = mechanism;
        int d = sigma.Length;
        _order = RandomGraph.TopologicalOrder(b);
        _parents = new int[d][];
        _parentWeights = new double[d][];
        for (int j = 0; j < d; j++)
        {
            var ps = new List<int>();
            for (int i = 0; i < d; i++)
                if (b[i, j] != 0) ps.Add(i);
            _parents[j] = ps.ToArray();
            _parentWeights[j] = ps.Select(i => b[i, j]).ToArray();
        }
        if (mechanism == MechanismKind.Linear)
        {
            // Computed once: every cell is then mean + (I − Bᵀ)⁻¹·diag(σ)·ε, O(d²) per cell.
            _inverse = DenseMatrix.Inverse(ReducedForm(b),
                () => new InvalidOperationException("The matrix I − Bᵀ is singular: the structural equations have no unique solution."));
            _noiseMap = new double[d, d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) _noiseMap[i, j] = _inverse[i, j] * sigma[j];
        }
    }

    public int VariableCount => _sigma.Length;

    /// <summary>I − Bᵀ.</summary>
    internal static double[,] ReducedForm(double[,] b)
    {
        int d = b.GetLength(0);
        var a = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) a[i, j] = (i == j ? 1 : 0) - b[j, i];
        return a;
    }

    /// <summary>(I − Bᵀ)⁻¹; linear model only.</summary>
    public double[,] Inverse => _inverse ?? throw LinearOnly();

    /// <summary>E[x] = (I − Bᵀ)⁻¹·shift; linear model only (holds for any zero-mean noise).</summary>
    public double[] Mean(IReadOnlyList<double> shift) => DenseMatrix.Multiply(Inverse, shift);

    /// <summary>Cov[x] = (I − Bᵀ)⁻¹ S² (I − Bᵀ)⁻ᵀ; linear model only, for any noise with variance σ².</summary>
    public double[,] Covariance()
    {
        double[,] m = _noiseMap ?? throw LinearOnly();
        return DenseMatrix.Multiply(m, DenseMatrix.Transpose(m));
    }

    private static InvalidOperationException LinearOnly() =>
        new("The closed-form mean and covariance exist only for MechanismKind.Linear; estimate them from samples for the nonlinear model.");

    /// <summary>
    /// Solves x = f(x) + u for one cell (u = shift + σ⊙ε). Acyclic graphs: one pass in topological
    /// order, exact. Cyclic graphs: linear via (I − Bᵀ)⁻¹; nonlinear by iterating x ← f(x) + u from x = u,
    /// which converges because the weights were rescaled to a contraction.
    /// </summary>
    public void Solve(ReadOnlySpan<double> u, Span<double> x)
    {
        int d = VariableCount;
        if (_order is not null)
        {
            foreach (int j in _order)
                x[j] = u[j] + ParentSum(j, x);
            return;
        }
        if (_mechanism == MechanismKind.Linear)
        {
            double[,] inv = _inverse!;
            for (int i = 0; i < d; i++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) s += inv[i, k] * u[k];
                x[i] = s;
            }
            return;
        }
        Span<double> next = d <= 256 ? stackalloc double[d] : new double[d];
        u.CopyTo(x);
        for (int iteration = 0; iteration < MaxFixedPointIterations; iteration++)
        {
            double change = 0;
            for (int j = 0; j < d; j++)
            {
                next[j] = u[j] + ParentSum(j, x);
                change = Math.Max(change, Math.Abs(next[j] - x[j]));
            }
            next.CopyTo(x);
            if (change <= FixedPointTolerance) return;
        }
        throw new InvalidOperationException(
            $"The nonlinear fixed point did not converge in {MaxFixedPointIterations} iterations; the graph is not a contraction.");
    }

    private double ParentSum(int j, ReadOnlySpan<double> x)
    {
        int[] ps = _parents[j];
        double[] ws = _parentWeights[j];
        double s = 0;
        if (_mechanism == MechanismKind.Linear)
            for (int k = 0; k < ps.Length; k++) s += ws[k] * x[ps[k]];
        else
            for (int k = 0; k < ps.Length; k++) s += ws[k] * Math.Tanh(x[ps[k]]);
        return s;
    }

    /// <summary>Draws <paramref name="count"/> cells under the given mechanism shift.</summary>
    public float[,] Sample(IReadOnlyList<double> shift, int count, NoiseSampler noise, SeededRandom rng)
    {
        int d = VariableCount;
        var cells = new float[count, d];
        var eps = new double[d];
        var u = new double[d];
        var x = new double[d];
        double[]? mean = _mechanism == MechanismKind.Linear ? Mean(shift) : null;
        for (int n = 0; n < count; n++)
        {
            for (int j = 0; j < d; j++) eps[j] = noise.Next(rng);
            if (mean is not null)
            {
                double[,] map = _noiseMap!;
                for (int i = 0; i < d; i++)
                {
                    double s = mean[i];
                    for (int k = 0; k < d; k++) s += map[i, k] * eps[k];
                    cells[n, i] = (float)s;
                }
            }
            else
            {
                for (int j = 0; j < d; j++) u[j] = shift[j] + _sigma[j] * eps[j];
                Solve(u, x);
                for (int j = 0; j < d; j++) cells[n, j] = (float)x[j];
            }
        }
        return cells;
    }
}
