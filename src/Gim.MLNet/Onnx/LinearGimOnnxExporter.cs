using Gim.MLNet.IO;
using Gim.MLNet.Interventions;
using Gim.MLNet.Prediction;
using Google.Protobuf;
using Onnx;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Onnx;

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
        int d = p.VariableCount, f = p.FeatureCount;
        var g = new OnnxGraphBuilder();
        g.Reserve(options);

        // Standardised features and the encoder heads.
        g.Input(options.FeaturesInputName, f);
        var (logits, shift, rho) = OnnxEncoder.Build(g, p, options.FeaturesInputName, options.ShiftOutputName);
        string probabilities = g.Node("Sigmoid", new[] { logits }, options.TargetProbabilitiesOutputName);
        string half = g.Constant("half", new[] { 0.5f }, 1);
        string mapTargets = g.Node("Cast", new[] { g.Node("Greater", new[] { probabilities, half }) }, null,
            Int("to", (long)TensorProto.Types.DataType.Float));

        // The SCM: x = A⁻¹(b + t⊙ψ + exp(log s + t⊙ρ)⊙ε), rows times A⁻ᵀ.
        double[,] inverseTranspose = SystemMatrixInverse.InverseTranspose(p.Graph);
        string aInvT = g.Constant("a_inv_t", ToFloat(inverseTranspose));
        string bias = g.Constant("bias", p.Bias, d);
        string varScale = g.Constant("variable_scale", ToFloat(p.VariableScale), d);
        string varMean = g.Constant("variable_mean", ToFloat(p.VariableMean), d);
        string Destandardise(string x, string? name) => g.Node("Add", new[] { g.Node("Mul", new[] { x, varScale }), varMean }, name);
        string Solve(string targets, string? extra)
        {
            string rhs = g.Node("Add", new[] { bias, g.Node("Mul", new[] { targets, shift }) });
            if (extra is not null) rhs = g.Node("Add", new[] { rhs, extra });
            return g.Node("MatMul", new[] { rhs, aInvT });
        }
        string NoiseScale(string targets) => rho is null
            ? g.Constant("noise_scale", p.LogScale.Select(MathF.Exp).ToArray(), d)
            : g.Node("Exp", new[] { g.Node("Add", new[] { g.Constant("log_scale", p.LogScale, d), g.Node("Mul", new[] { targets, rho }) }) });

        bool marginal = options.Mode == PredictionMode.Marginal && options.ControlCellsInputName is null;
        // The mean is linear in t, so the Marginal (mixture) mean is the mean at t = π.
        Destandardise(Solve(marginal ? probabilities : mapTargets, null), options.PredictedMeanOutputName);

        float seed = options.Seed & 0xFFFFFF;
        if (options.ControlCellsInputName is string control)
        {
            // Counterfactual: abduct u₀ = A x₀ − b from the control cell, replay it under the MAP intervention.
            g.Input(control, d);
            string x0 = g.Node("Div", new[] { g.Node("Sub", new[] { control, varMean }), varScale });
            string aT = g.Constant("a_t", SystemMatrixTranspose(p.Graph));
            string u0 = g.Node("Sub", new[] { g.Node("MatMul", new[] { x0, aT }), bias });
            if (rho is not null) u0 = g.Node("Mul", new[] { u0, g.Node("Exp", new[] { g.Node("Mul", new[] { mapTargets, rho }) }) });
            Destandardise(Solve(mapTargets, u0), options.SampleOutputName);
        }
        else
        {
            string targets = mapTargets;
            if (marginal)
            {
                // A different seed from ε's so the target draws and the noise are not coupled.
                string uniform = g.Node("RandomUniformLike", new[] { probabilities }, null, Float("seed", (seed + 1) % 16777216f));
                targets = g.Node("Cast", new[] { g.Node("Less", new[] { uniform, probabilities }) }, null,
                    Int("to", (long)TensorProto.Types.DataType.Float));
            }
            string epsilon = g.Node("RandomNormalLike", new[] { logits }, null, Float("seed", seed));
            string noise = g.Node("Mul", new[] { NoiseScale(targets), epsilon });
            Destandardise(Solve(targets, noise), options.SampleOutputName);
        }

        foreach (string output in options.OutputNames())
        {
            if (!options.FlattenOutputs)
            {
                g.Output(output, d);
                continue;
            }
            string rows = g.Rename(output, "rows");
            g.Node("Reshape", new[] { rows, g.Int64Constant("flat", -1) }, output);
            g.FlatOutput(output);
        }
        return g.ToModel(
            $"Linear GIM: {d} variables, {f} features, {p.Interventions}, {(options.ControlCellsInputName is null ? options.Mode.ToString() : "Counterfactual")}.",
            p.VariableNames, p.FeatureNames);
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

    private static float[] ToFloat(double[] v) => v.Select(x => (float)x).ToArray();

    private static float[,] ToFloat(double[,] m)
    {
        var r = new float[m.GetLength(0), m.GetLength(1)];
        for (int i = 0; i < m.GetLength(0); i++)
            for (int j = 0; j < m.GetLength(1); j++)
                r[i, j] = (float)m[i, j];
        return r;
    }
}
