using Gim.MLNet.Onnx;
using Gim.MLNet.Runtime;
using Google.Protobuf;
using Onnx;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Causal;

/// <summary>
/// Exports a fitted nonlinear GIM (<see cref="NonlinearGimParameters"/>) as an ONNX graph (opset 17) with
/// the same inputs, outputs and options as <see cref="LinearGimOnnxExporter"/>, runnable by ONNX Runtime and
/// ML.NET's <c>ApplyOnnxModel</c> without TorchSharp.
/// </summary>
/// <remarks>
/// Every equilibrium is solved by <see cref="NonlinearGimParameters.FixedPointIterations"/> unrolled
/// iterations x ← f(x) + c from x = c, exactly as the TorchSharp model does, so deterministic outputs agree
/// to float rounding. PredictedMean is the Monte Carlo mean over the model's fixed draws (embedded as a
/// constant, <see cref="NonlinearCausalOptions.MeanSeed"/>); in Marginal mode it is the mean at t = π, as
/// <see cref="GimModel.PredictMean(float[], PredictionMode)"/> computes it for this model (an approximation of the mixture mean,
/// exact only for the linear model). The graph cannot report convergence; the TorchSharp model's check
/// (<see cref="NonlinearCausalOptions.ConvergenceTolerance"/>) applies to the same iterations.
/// </remarks>
public static class NonlinearGimOnnxExporter
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int OpsetVersion = OnnxGraphBuilder.OpsetVersion;

    /// <summary>Builds the graph and returns the serialised ONNX model.</summary>
    /// <param name="parameters">The fitted model's parameters (<see cref="GimModel.ExportNonlinearParameters"/>).</param>
    /// <param name="options">Input/output names, mode, seed and variant; null for the defaults.</param>
    public static byte[] Export(NonlinearGimParameters parameters, GimOnnxExportOptions? options = null) =>
        Build(parameters, options ?? new GimOnnxExportOptions()).ToByteArray();

    /// <summary>Writes the ONNX model to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    /// <param name="parameters">The fitted model's parameters.</param>
    /// <param name="path">Destination file; its directory is created if needed.</param>
    /// <param name="options">Input/output names, mode, seed and variant; null for the defaults.</param>
    public static void Save(NonlinearGimParameters parameters, string path, GimOnnxExportOptions? options = null)
    {
        byte[] bytes = Export(parameters, options);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    internal static ModelProto Build(NonlinearGimParameters p, GimOnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(p);
        NonlinearGimParameterIO.Validate(p);
        return GimOnnxGraph.Build(p, options, (g, _) => new NonlinearCausalGraph(g, p),
            $"Nonlinear GIM: {p.VariableCount} variables, {p.FeatureCount} features, H = {p.HiddenWidth}, {p.FixedPointIterations} fixed-point iterations",
            ("gim.causal_model", nameof(CausalModelKind.Nonlinear)));
    }

    private sealed class NonlinearCausalGraph(OnnxGraphBuilder g, NonlinearGimParameters p) : IOnnxCausalModel
    {
        private readonly NonlinearOnnxMechanisms _mechanisms = new(g, p);

        public string Solve(string exogenous) => _mechanisms.Solve(exogenous);

        public string Residual(string x) => g.Node("Sub", new[] { x, _mechanisms.Apply(x) });

        public string Mean(string targets, Func<string, string> intercept, Func<string, string> noiseScale) =>
            NonlinearGimOnnxExporter.Mean(g, p, _mechanisms, targets, intercept, noiseScale);
    }

    /// <summary>
    /// E[x] ≈ (1/M) Σ_m x*(b + t⊙ψ + s'⊙z_m) over the model's fixed draws z (a [M, d] constant): the
    /// equilibria of all N·M exogenous vectors are solved at once as one [N, M, d] tensor.
    /// </summary>
    private static string Mean(OnnxGraphBuilder g, NonlinearGimParameters p, NonlinearOnnxMechanisms mechanisms, string targets,
        Func<string, string> intercept, Func<string, string> noiseScale)
    {
        int d = p.VariableCount;
        float[,] draws = NonlinearMeanNoise.Draw(p.MeanSamples, d, p.MeanSeed);
        string axis1 = g.Int64Constant("axis", 1);
        string z = g.Constant("mean_draws", draws);
        // s' is [d] for Shift (broadcasts against z directly) and [N, d] for ShiftScale (needs the M axis).
        string scale = p.HeadCount == 3 ? g.Node("Unsqueeze", new[] { noiseScale(targets), axis1 }) : noiseScale(targets);
        string noise = g.Node("Mul", new[] { scale, z });                                 // [M, d] or [N, M, d]
        string c = g.Node("Add", new[] { g.Node("Unsqueeze", new[] { intercept(targets), axis1 }), noise });
        string x = mechanisms.Solve(c);
        var axes = new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints };
        axes.Ints.Add(1);
        return g.Node("ReduceMean", new[] { x }, null, axes, Int("keepdims", 0));
    }
}
