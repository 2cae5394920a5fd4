using Gim.MLNet.Onnx;
using Gim.MLNet.Runtime;
using Google.Protobuf;
using Onnx;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

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
    /// Known Knockdown or Hard targets: row n's system is A_n = I − diag(g_n)Bᵀ = A + diag(u_n)Bᵀ with u = 1 − g, zero off its
    /// r_n targets T. By Woodbury, x = A_n⁻¹ c = A⁻¹(c − z) with z zero off T and, with M = Bᵀ A⁻¹ = A⁻¹ − I,
    /// (I_r + diag(u_T) M_{T,T}) z_T = diag(u_T)(M c)_T: an r × r system per row (ONNX Runtime's contrib <c>Inverse</c>;
    /// standard ONNX has no solver) beside two products with constants, O(d² + r d + r³) a row and N·d numbers for N
    /// rows, where each row's own d × d inverse took N·d² (16 MB a row at d = 2,000). r is the most targets a row of the
    /// batch declares (TopK of the rows' nonzero u, at least 1; rows with fewer are padded with u = 0, which adds nothing).
    /// Float32; the abduction of a counterfactual reads the unperturbed A.
    /// </summary>
    private sealed class KnownTargetCausalGraph(OnnxGraphBuilder g, LinearGimParameters p, string gain) : IOnnxCausalModel
    {
        private string? _inverseTranspose, _coupling, _couplingTranspose;

        public string Solve(string exogenous)
        {
            int d = p.VariableCount;
            if (_inverseTranspose is null)
            {
                double[,] inverseTranspose = SystemMatrixInverse.InverseTranspose(p.Graph);   // A⁻ᵀ, in double
                var m = new float[d, d];
                var mT = new float[d, d];
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++)
                    {
                        mT[i, j] = (float)(inverseTranspose[i, j] - (i == j ? 1 : 0));          // Mᵀ = A⁻ᵀ − I
                        m[j, i] = mT[i, j];
                    }
                _inverseTranspose = g.Constant("a_inv_t", ToFloat(inverseTranspose));
                _coupling = g.Constant("known_m", m);
                _couplingTranspose = g.Constant("known_m_t", mT);
            }
            string one = g.Constant("one", new[] { 1f }, 1);
            string u = g.Node("Sub", new[] { one, gain });                                                     // [N, d]
            string nonzero = g.Node("Cast", new[] { g.Node("Not", new[] { g.Node("Equal", new[] { u, g.Constant("zero", new[] { 0f }, 1) }) }) }, null,
                Int("to", (long)TensorProto.Types.DataType.Float));
            // r = max over rows of the targets declared, at least 1, as TopK's int64 [1] K.
            string perRow = g.Node("ReduceSum", new[] { nonzero, g.Int64Constant("axis_1", 1) }, null, Int("keepdims", 0));   // [N]
            string most = g.Node("Max", new[] { g.Node("ReduceMax", new[] { perRow }, null, Ints("axes", 0), Int("keepdims", 1)), one });
            string r = g.Node("Cast", new[] { most }, null, Int("to", (long)TensorProto.Types.DataType.Int64));  // [1]
            string targets = g.Node("TopK", new[] { nonzero, r }, 2, Int("axis", 1))[1];                        // T, [N, r]
            string uT = g.Node("GatherElements", new[] { u, targets }, null, Int("axis", 1));                   // u_T, [N, r]
            string mc = g.Node("MatMul", new[] { exogenous, _couplingTranspose! });                              // rows (M c)ᵀ, [N, d]
            string rhs = g.Node("Mul", new[] { uT, g.Node("GatherElements", new[] { mc, targets }, null, Int("axis", 1)) });
            // M_{T,T}: rows T of M ([N, r, d]), then their columns T.
            string rowsOfM = g.Node("Gather", new[] { _coupling!, targets }, null, Int("axis", 0));
            string square = g.Node("Concat", new[] { g.Node("Shape", new[] { targets }), g.Node("Shape", new[] { targets }) }, null, Int("axis", 0));   // [N, r, N, r]
            string shape = g.Node("Gather", new[] { square, g.Int64Constant("n_r_r", 0, 1, 3) }, null, Int("axis", 0));                      // [N, r, r]
            string columns = g.Node("Expand", new[] { g.Node("Unsqueeze", new[] { targets, g.Int64Constant("axis_1", 1) }), shape });
            string block = g.Node("GatherElements", new[] { rowsOfM, columns }, null, Int("axis", 2));                                       // [N, r, r]
            string identity = g.Node("EyeLike", new[] { g.Node("ConstantOfShape", new[] { g.Node("Concat", new[] { r, r }, null, Int("axis", 0)) }) },
                null, Int("dtype", (long)TensorProto.Types.DataType.Float));
            string core = g.Node("Add", new[] { identity, g.Node("Mul", new[] { g.Node("Unsqueeze", new[] { uT, g.Int64Constant("axis_last", 2) }), block }) });
            string zT = g.Node("Squeeze", new[] { g.Node("MatMul", new[] { g.MicrosoftNode("Inverse", new[] { core }),
                g.Node("Unsqueeze", new[] { rhs, g.Int64Constant("axis_last", 2) }) }), g.Int64Constant("axis_last", 2) });                  // [N, r]
            string z = g.Node("ScatterElements", new[] { g.Node("Mul", new[] { exogenous, g.Constant("zero", new[] { 0f }, 1) }), targets, zT }, null, Int("axis", 1));
            return g.Node("MatMul", new[] { g.Node("Sub", new[] { exogenous, z }), _inverseTranspose });
        }

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
