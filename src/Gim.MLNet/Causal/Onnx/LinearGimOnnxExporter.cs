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
    /// standard ONNX has no solver) beside one product with the constant A⁻ᵀ and r of its rows, O(d² + r d + r³) a row and
    /// N·r·d numbers for N rows, where each row's own d × d inverse took N·d² (16 MB a row at d = 2,000). r is the most
    /// targets a row of the batch declares (TopK of the rows' nonzero u, at least 1; rows with fewer are padded with u = 0,
    /// which adds nothing). Float32; the abduction of a counterfactual reads the unperturbed A.
    /// </summary>
    private sealed class KnownTargetCausalGraph(OnnxGraphBuilder g, LinearGimParameters p, string gain) : IOnnxCausalModel
    {
        private string? _inverseTranspose;
        private (string Targets, string Rows, string Scale, string InverseCore)? _perRow;

        /// <summary>
        /// What depends on the gains only, built once for every solve of the graph: the targets T ([N, r]), the rows of A⁻ᵀ
        /// at them (G, [N, r, d]: G[n, q, :] = A⁻¹[:, T_q]), u_T and (I_r + diag(u_T) M_{T,T})⁻¹ with
        /// M_{T,T}[q, q'] = A⁻¹[T_q, T_q'] − [T_q = T_q'].
        /// </summary>
        private (string Targets, string Rows, string Scale, string InverseCore) PerRow()
        {
            if (_perRow is { } built) return built;
            _inverseTranspose = g.Constant("a_inv_t", ToFloat(SystemMatrixInverse.InverseTranspose(p.Graph)));   // A⁻ᵀ, in double
            string one = g.Constant("one", new[] { 1f }, 1);
            string u = g.Node("Sub", new[] { one, gain });                                                     // [N, d]
            string nonzero = g.Node("Cast", new[] { g.Node("Not", new[] { g.Node("Equal", new[] { u, g.Constant("zero", new[] { 0f }, 1) }) }) }, null,
                Int("to", (long)TensorProto.Types.DataType.Float));
            // r = the most targets a row declares, at least 1 (the 1 joins the rows' counts, so an empty batch has r = 1 too).
            string perRow = g.Node("ReduceSum", new[] { nonzero, g.Int64Constant("axis_1", 1) }, null, Int("keepdims", 0));   // [N]
            string most = g.Node("ReduceMax", new[] { g.Node("Concat", new[] { perRow, one }, null, Int("axis", 0)) }, null, Ints("axes", 0), Int("keepdims", 1));
            string r = g.Node("Cast", new[] { most }, null, Int("to", (long)TensorProto.Types.DataType.Int64));  // [1]
            string targets = g.Node("TopK", new[] { nonzero, r }, 2, Int("axis", 1))[1];                        // T, [N, r]
            string uT = g.Node("GatherElements", new[] { u, targets }, null, Int("axis", 1));                   // u_T, [N, r]
            string rows = g.Node("Gather", new[] { _inverseTranspose, targets }, null, Int("axis", 0));         // G, [N, r, d]
            string square = g.Node("Concat", new[] { g.Node("Shape", new[] { targets }), g.Node("Shape", new[] { targets }) }, null, Int("axis", 0));   // [N, r, N, r]
            string shape = g.Node("Gather", new[] { square, g.Int64Constant("n_r_r", 0, 1, 3) }, null, Int("axis", 0));                      // [N, r, r]
            string columns = g.Node("Expand", new[] { g.Node("Unsqueeze", new[] { targets, g.Int64Constant("axis_1", 1) }), shape });
            // G's columns T: [n, q, q'] = A⁻ᵀ[T_q, T_q'] = A⁻¹[T_q', T_q]; transposed, A⁻¹ among the targets.
            string entries = g.Node("Transpose", new[] { g.Node("GatherElements", new[] { rows, columns }, null, Int("axis", 2)) }, null, Ints("perm", 0, 2, 1));
            string same = g.Node("Cast", new[] { g.Node("Equal", new[] { g.Node("Unsqueeze", new[] { targets, g.Int64Constant("axis_last", 2) }),
                g.Node("Unsqueeze", new[] { targets, g.Int64Constant("axis_1", 1) }) }) }, null, Int("to", (long)TensorProto.Types.DataType.Float));
            string block = g.Node("Sub", new[] { entries, same });                                                                            // M_{T,T}
            string identity = g.Node("EyeLike", new[] { g.Node("ConstantOfShape", new[] { g.Node("Concat", new[] { r, r }, null, Int("axis", 0)) }) },
                null, Int("dtype", (long)TensorProto.Types.DataType.Float));
            string core = g.Node("Add", new[] { identity, g.Node("Mul", new[] { g.Node("Unsqueeze", new[] { uT, g.Int64Constant("axis_last", 2) }), block }) });
            _perRow = built = (targets, rows, uT, g.MicrosoftNode("Inverse", new[] { core }));
            return built;
        }

        public string Solve(string exogenous)
        {
            var (targets, rows, uT, inverseCore) = PerRow();
            string solved = g.Node("MatMul", new[] { exogenous, _inverseTranspose! });                          // rows (A⁻¹ c)ᵀ, [N, d]
            // (M c)_T = (A⁻¹ c − c)_T, times u_T; z_T = core⁻¹ that; x = A⁻¹(c − z) = A⁻¹c − Σ_q z_q A⁻¹[:, T_q].
            string rhs = g.Node("Mul", new[] { uT, g.Node("GatherElements", new[] { g.Node("Sub", new[] { solved, exogenous }), targets }, null, Int("axis", 1)) });
            string zT = g.Node("MatMul", new[] { inverseCore, g.Node("Unsqueeze", new[] { rhs, g.Int64Constant("axis_last", 2) }) });          // [N, r, 1]
            string correction = g.Node("Squeeze", new[] { g.Node("MatMul", new[] { g.Node("Transpose", new[] { zT }, null, Ints("perm", 0, 2, 1)), rows }),
                g.Int64Constant("axis_1", 1) });                                                                                              // [N, d]
            return g.Node("Sub", new[] { solved, correction });
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
