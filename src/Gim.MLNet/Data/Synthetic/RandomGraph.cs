using Gim.MLNet.Runtime;

namespace Gim.MLNet.Data.Synthetic;

/// <summary>A sampled ground-truth weight matrix and what was done to make it stable.</summary>
/// <param name="Weights">B[cause, effect], zero diagonal.</param>
/// <param name="Scale">The factor the drawn weights were multiplied by (1 when no rescaling was needed).</param>
/// <param name="SpectralRadius">An upper bound on ρ(B) after rescaling (0 for an acyclic graph).</param>
internal sealed record SampledGraph(double[,] Weights, double Scale, double SpectralRadius);

/// <summary>Erdős–Rényi and scale-free ground-truth graphs with signed uniform weights.</summary>
internal static class RandomGraph
{
    /// <summary>Draws B as <see cref="HillScreenOptions.Graph"/> says; see the option docs for the edge probabilities.</summary>
    public static SampledGraph Sample(HillScreenOptions options, SeededRandom rng)
    {
        int d = options.Variables;
        var b = new double[d, d];
        if (d == 1) return new SampledGraph(b, 1, 0);
        if (options.Graph == GraphKind.ScaleFree)
        {
            ScaleFreeDag(options, rng, b);
            return new SampledGraph(b, 1, 0);
        }
        if (options.Graph == GraphKind.Dag)
        {
            // d(d − 1)/2 candidate pairs carry d·ExpectedParents edges on average.
            double p = 2 * options.ExpectedParents / (d - 1);
            int[] order = rng.Permutation(d);
            for (int a = 0; a < d; a++)
                for (int c = a + 1; c < d; c++)
                    if (rng.NextDouble() < p) b[order[a], order[c]] = Weight(options, rng);
            return new SampledGraph(b, 1, 0);
        }

        // d(d − 1) ordered pairs, both directions allowed independently.
        double q = options.ExpectedParents / (d - 1);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                if (i != j && rng.NextDouble() < q) b[i, j] = Weight(options, rng);

        // Linear systems are stable when ρ(B) < 1. The tanh system x = Bᵀtanh(x) + u needs more: its
        // Jacobian is Bᵀ·diag(tanh'), with 0 < tanh' ≤ 1, whose spectral radius can exceed ρ(B). Two
        // bounds certify a contraction with factor ≤ the bound: ‖B‖₂ (Euclidean norm), and ρ(|B|)
        // (max norm weighted by a Perron vector w of |B|ᵀ, since |Bᵀ diag(tanh')| ≤ |Bᵀ| entrywise and
        // |Bᵀ|w ≤ ρ(|B|)·w). Either suffices, so the smaller one decides: for sparse random graphs it
        // is usually ρ(|B|), which shrinks the weights far less than ‖B‖₂ would.
        double bound = options.Mechanism == MechanismKind.Nonlinear
            ? Math.Min(DenseMatrix.SpectralNormBound(b), DenseMatrix.SpectralRadiusBound(Abs(b)))
            : DenseMatrix.SpectralRadiusBound(b);
        double scale = 1;
        if (bound > options.MaxSpectralRadius)
        {
            scale = options.MaxSpectralRadius / bound;
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) b[i, j] *= scale;
        }
        return new SampledGraph(b, scale, DenseMatrix.SpectralRadiusBound(b));
    }

    /// <summary>
    /// Preferential attachment in a random node order: the node at position t gets Binomial(t, p) parents,
    /// p = 2·ExpectedParents/(d − 1), the Erdős–Rényi DAG's count, chosen one by one without replacement
    /// among the earlier nodes with weight (children so far + 1). The +1 lets a node without children be
    /// chosen; the counts of earlier nodes are those before node t arrives.
    /// </summary>
    private static void ScaleFreeDag(HillScreenOptions options, SeededRandom rng, double[,] b)
    {
        int d = b.GetLength(0);
        double p = 2 * options.ExpectedParents / (d - 1);
        int[] order = rng.Permutation(d);
        var children = new int[d];          // by position in the order
        var candidates = new List<int>(d);
        var chosen = new List<int>(d);
        for (int t = 1; t < d; t++)
        {
            int parents = 0;
            for (int a = 0; a < t; a++)
                if (rng.NextDouble() < p) parents++;
            candidates.Clear();
            for (int a = 0; a < t; a++) candidates.Add(a);
            chosen.Clear();
            for (int m = 0; m < parents; m++)
            {
                double total = 0;
                foreach (int a in candidates) total += children[a] + 1;
                double u = rng.NextDouble() * total;
                int pick = candidates.Count - 1; // rounding can leave u just above the last cumulative weight
                for (int c = 0; c < candidates.Count; c++)
                {
                    u -= children[candidates[c]] + 1;
                    if (u < 0)
                    {
                        pick = c;
                        break;
                    }
                }
                chosen.Add(candidates[pick]);
                candidates.RemoveAt(pick);
            }
            foreach (int a in chosen)
            {
                b[order[a], order[t]] = Weight(options, rng);
                children[a]++;
            }
        }
    }

    private static double[,] Abs(double[,] b)
    {
        var a = (double[,])b.Clone();
        int d = a.GetLength(0);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) a[i, j] = Math.Abs(a[i, j]);
        return a;
    }

    private static double Weight(HillScreenOptions options, SeededRandom rng)
    {
        double magnitude = rng.Uniform(options.EdgeWeightMin, options.EdgeWeightMax);
        return rng.Sign() * magnitude;
    }

    /// <summary>A topological order of B's graph (causes first), or null when it has a cycle (Kahn's algorithm).</summary>
    public static int[]? TopologicalOrder(double[,] b)
    {
        int d = b.GetLength(0);
        var inDegree = new int[d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                if (b[i, j] != 0) inDegree[j]++;
        var order = new List<int>(d);
        var ready = new Queue<int>();
        for (int j = 0; j < d; j++)
            if (inDegree[j] == 0) ready.Enqueue(j);
        while (ready.Count > 0)
        {
            int i = ready.Dequeue();
            order.Add(i);
            for (int j = 0; j < d; j++)
                if (b[i, j] != 0 && --inDegree[j] == 0) ready.Enqueue(j);
        }
        return order.Count == d ? order.ToArray() : null;
    }
}
