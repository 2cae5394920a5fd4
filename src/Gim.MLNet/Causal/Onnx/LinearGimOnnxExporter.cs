using Gim.MLNet.Onnx;
using Gim.MLNet.Runtime;
using Google.Protobuf;
using Onnx;

namespace Gim.MLNet.Causal;

/// <summary>
/// Exports a fitted linear GIM (<see cref="LinearGimParameters"/>) as an ONNX graph (opset 17) that
/// ONNX Runtime — and so ML.NET's <c>ApplyOnnxModel</c> — runs without TorchSharp.
/// </summary>
/// <remarks>
/// Outputs, each [N, d] float: Sample (one draw per row), PredictedMean (E[x | γ], original units;
/// the mixture mean in Marginal mode), TargetProbabilities π(γ) and Shift ψ(γ) (standardised units,
/// as <see cref="GimModel.Explain(float[])"/> reports them). A⁻ᵀ is computed in double at export time
/// and stored as a float constant.
/// </remarks>
public static class LinearGimOnnxExporter
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int OpsetVersion = OnnxGraphBuilder.OpsetVersion;

    /// <summary>Builds the graph and returns the serialised ONNX model.</summary>
    /// <param name="parameters">The fitted model's parameters (<see cref="GimModel.ExportParameters"/>).</param>
    /// <param name="options">Input/output names, mode, seed and variant; null for the defaults.</param>
    public static byte[] Export(LinearGimParameters parameters, GimOnnxExportOptions? options = null) =>
        Build(parameters, options ?? new GimOnnxExportOptions()).ToByteArray();

    /// <summary>Writes the ONNX model to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    /// <param name="parameters">The fitted model's parameters.</param>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    /// <param name="options">Input/output names, mode, seed and variant; null for the defaults.</param>
    public static void Save(LinearGimParameters parameters, string path, GimOnnxExportOptions? options = null)
    {
        byte[] bytes = Export(parameters, options);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    internal static ModelProto Build(LinearGimParameters p, GimOnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(p);
        GimParameterIO.Validate(p);
        return GimOnnxGraph.Build(p, options, (g, known) => known?.Gain is string gain ? new KnownTargetCausalGraph(g, p, gain) : new LinearCausalGraph(g, p),
            $"Linear GIM: {p.VariableCount} variables, {p.FeatureCount} features");
    }

    /// <summary>x = c·A⁻ᵀ for rows c, with A⁻ᵀ computed in double at export time; the mean is linear in t, so the
    /// Marginal (mixture) mean is the mean at t = π.</summary>
    private sealed class LinearCausalGraph(OnnxGraphBuilder g, LinearGimParameters p) : IOnnxCausalModel
    {
        private readonly string _inverseTranspose = g.Constant("a_inv_t", ToFloat(SystemMatrixInverse.InverseTranspose(p.Graph)));

        public string Solve(string exogenous) => g.Node("MatMul", new[] { exogenous, _inverseTranspose });

        // Only the counterfactual graph needs Aᵀ: an unused d × d constant would double a large model (and ONNX Runtime warns).
        public string Residual(string x) => g.Node("MatMul", new[] { x, g.Constant("a_t", SystemMatrixTranspose(p.Graph)) });

        public string Mean(string targets, Func<string, string> intercept, Func<string, string> noiseScale) => Solve(intercept(targets));
    }

    /// <summary>
    /// Known Knockdown or Hard targets: each row n has its own system matrix A_n = I − diag(g_n)Bᵀ, so x = A_n⁻¹ c is one
    /// batched inverse ([N, d, d], ONNX Runtime's contrib <c>Inverse</c>: standard ONNX has no linear solver) and a batched
    /// product, in float32. The abduction of a counterfactual reads the unperturbed A.
    /// </summary>
    private sealed class KnownTargetCausalGraph(OnnxGraphBuilder g, LinearGimParameters p, string gain) : IOnnxCausalModel
    {
        private string? _inverse;

        private string Inverse()
        {
            if (_inverse is not null) return _inverse;
            int d = p.VariableCount;
            var bT = new float[d, d];
            var identity = new float[d, d];
            for (int i = 0; i < d; i++)
            {
                identity[i, i] = 1;
                for (int j = 0; j < d; j++) bT[i, j] = i == j ? 0 : p.Graph[j, i];   // Bᵀ, zero diagonal
            }
            // diag(g) Bᵀ: row j of Bᵀ times g_j, per row n: Bᵀ [d, d] ⊙ g [N, d, 1].
            string scaled = g.Node("Mul", new[] { g.Constant("b_t", bT), g.Node("Unsqueeze", new[] { gain, g.Int64Constant("axis_last", 2) }) });
            string system = g.Node("Sub", new[] { g.Constant("identity", identity), scaled });
            return _inverse = g.MicrosoftNode("Inverse", new[] { system });
        }

        public string Solve(string exogenous) =>
            g.Node("Squeeze", new[] { g.Node("MatMul", new[] { Inverse(), g.Node("Unsqueeze", new[] { exogenous, g.Int64Constant("axis_last", 2) }) }),
                g.Int64Constant("axis_last", 2) });

        public string Residual(string x) => g.Node("MatMul", new[] { x, g.Constant("a_t", SystemMatrixTranspose(p.Graph)) });

        public string Mean(string targets, Func<string, string> intercept, Func<string, string> noiseScale) => Solve(intercept(targets));
    }

    /// <summary>Aᵀ = I − B (zero diagonal), so that a row x₀ maps to x₀·Aᵀ = (A x₀)ᵀ.</summary>
    private static float[,] SystemMatrixTranspose(float[,] graph)
    {
        int d = graph.GetLength(0);
        var aT = new float[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                aT[i, j] = i == j ? 1f : -graph[i, j];
        return aT;
    }

    private static float[,] ToFloat(double[,] m)
    {
        var r = new float[m.GetLength(0), m.GetLength(1)];
        for (int i = 0; i < m.GetLength(0); i++)
            for (int j = 0; j < m.GetLength(1); j++)
                r[i, j] = (float)m[i, j];
        return r;
    }
}
