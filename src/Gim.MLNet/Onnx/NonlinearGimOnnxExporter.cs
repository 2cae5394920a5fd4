using Gim.MLNet.IO;
using Gim.MLNet.Causal;
using Gim.MLNet.Interventions;
using Gim.MLNet.Prediction;
using Google.Protobuf;
using Onnx;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Onnx;

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
/// <see cref="GimModel.PredictMean"/> computes it for this model (an approximation of the mixture mean,
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
        int d = p.VariableCount, f = p.FeatureCount;
        var g = new OnnxGraphBuilder();
        g.Reserve(options);

        g.Input(options.FeaturesInputName, f);
        var (logits, shift, rho) = OnnxEncoder.Build(g, p, options.FeaturesInputName, options.ShiftOutputName);
        string probabilities = g.Node("Sigmoid", new[] { logits }, options.TargetProbabilitiesOutputName);
        string mapTargets = g.Node("Cast", new[] { g.Node("Greater", new[] { probabilities, g.Constant("half", new[] { 0.5f }, 1) }) }, null,
            Int("to", (long)TensorProto.Types.DataType.Float));

        var mechanisms = new NonlinearOnnxMechanisms(g, p);
        string bias = g.Constant("bias", p.Bias, d);
        string logScale = g.Constant("log_scale", p.LogScale, d);
        string varScale = g.Constant("variable_scale", p.VariableScale.Select(v => (float)v).ToArray(), d);
        string varMean = g.Constant("variable_mean", p.VariableMean.Select(v => (float)v).ToArray(), d);
        string Destandardise(string x, string? name) => g.Node("Add", new[] { g.Node("Mul", new[] { x, varScale }), varMean }, name);
        string Intercept(string targets) => g.Node("Add", new[] { bias, g.Node("Mul", new[] { targets, shift }) });   // b + t⊙ψ
        string? LogScaleChange(string targets) => rho is null ? null : g.Node("Mul", new[] { targets, rho });         // t⊙ρ
        string NoiseScale(string targets) => rho is null
            ? g.Node("Exp", new[] { logScale })
            : g.Node("Exp", new[] { g.Node("Add", new[] { logScale, LogScaleChange(targets)! }) });

        bool marginal = options.Mode == PredictionMode.Marginal && options.ControlCellsInputName is null;
        Destandardise(Mean(g, p, mechanisms, marginal ? probabilities : mapTargets, Intercept, NoiseScale), options.PredictedMeanOutputName);

        float seed = options.Seed & 0xFFFFFF;
        if (options.ControlCellsInputName is string control)
        {
            // Counterfactual: abduct u₀ = x₀ − f(x₀) − b, replay exp(t⊙ρ)⊙u₀ under the MAP intervention.
            g.Input(control, d);
            string x0 = g.Node("Div", new[] { g.Node("Sub", new[] { control, varMean }), varScale });
            string u0 = g.Node("Sub", new[] { g.Node("Sub", new[] { x0, mechanisms.Apply(x0) }), bias });
            if (LogScaleChange(mapTargets) is string change) u0 = g.Node("Mul", new[] { u0, g.Node("Exp", new[] { change }) });
            Destandardise(mechanisms.Solve(g.Node("Add", new[] { Intercept(mapTargets), u0 })), options.SampleOutputName);
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
            Destandardise(mechanisms.Solve(g.Node("Add", new[] { Intercept(targets), noise })), options.SampleOutputName);
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
            $"Nonlinear GIM: {d} variables, {f} features, H = {p.HiddenWidth}, {p.FixedPointIterations} fixed-point iterations, " +
            $"{p.Interventions}, {(options.ControlCellsInputName is null ? options.Mode.ToString() : "Counterfactual")}.",
            p.VariableNames, p.FeatureNames, ("gim.causal_model", nameof(CausalModelKind.Nonlinear)));
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
