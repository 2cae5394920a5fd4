using Gim.MLNet.Onnx;
using Onnx;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Causal;

/// <summary>
/// The graph every exported GIM shares, around its causal half (<see cref="IOnnxCausalModel"/>): standardised
/// features through the encoder, target probabilities and MAP targets, the predicted mean, one sample per row
/// (Conditional, Marginal, or Counterfactual from a control cell), and the outputs.
/// </summary>
internal static class GimOnnxGraph
{
    /// <summary>Builds the model; <paramref name="causalModel"/> adds its constants to the builder it is given.</summary>
    public static ModelProto Build(GimParameters p, GimOnnxExportOptions options, Func<OnnxGraphBuilder, IOnnxCausalModel> causalModel,
        string description, params (string Key, string Value)[] metadata)
    {
        int d = p.VariableCount, f = p.FeatureCount;
        var g = new OnnxGraphBuilder();
        g.Reserve(options, targets: true, options.ControlCellsInputName);

        g.Input(options.FeaturesInputName, f);
        var (logits, shift, rho) = OnnxEncoder.Build(g, p, options.FeaturesInputName, options.ShiftOutputName);
        string probabilities = g.Node("Sigmoid", new[] { logits }, options.TargetProbabilitiesOutputName);
        string mapTargets = g.Node("Cast", new[] { g.Node("Greater", new[] { probabilities, g.Constant("half", new[] { 0.5f }, 1) }) }, null,
            Int("to", (long)TensorProto.Types.DataType.Float));

        IOnnxCausalModel causal = causalModel(g);
        string bias = g.Constant("bias", p.Bias, d);
        string? logScale = null; // created on first use: the linear counterfactual graph never reads it
        string varScale = g.Constant("variable_scale", p.VariableScale.Select(v => (float)v).ToArray(), d);
        string varMean = g.Constant("variable_mean", p.VariableMean.Select(v => (float)v).ToArray(), d);
        string Destandardise(string x, string? name) => g.Node("Add", new[] { g.Node("Mul", new[] { x, varScale }), varMean }, name);
        string Intercept(string targets) => g.Node("Add", new[] { bias, g.Node("Mul", new[] { targets, shift }) });   // b + t⊙ψ
        string? LogScaleChange(string targets) => rho is null ? null : g.Node("Mul", new[] { targets, rho });         // t⊙ρ
        string NoiseScale(string targets)
        {
            logScale ??= g.Constant("log_scale", p.LogScale, d);
            return LogScaleChange(targets) is string change
                ? g.Node("Exp", new[] { g.Node("Add", new[] { logScale, change }) })
                : g.Node("Exp", new[] { logScale });
        }

        bool marginal = options.Mode == PredictionMode.Marginal && options.ControlCellsInputName is null;
        Destandardise(causal.Mean(marginal ? probabilities : mapTargets, Intercept, NoiseScale), options.PredictedMeanOutputName);

        float seed = options.Seed & 0xFFFFFF;
        if (options.ControlCellsInputName is string control)
        {
            // Counterfactual: abduct u₀ = x₀ − f(x₀) − b from the control cell, replay exp(t⊙ρ)⊙u₀ under the MAP intervention.
            g.Input(control, d);
            string x0 = g.Node("Div", new[] { g.Node("Sub", new[] { control, varMean }), varScale });
            string u0 = g.Node("Sub", new[] { causal.Residual(x0), bias });
            if (LogScaleChange(mapTargets) is string change) u0 = g.Node("Mul", new[] { u0, g.Node("Exp", new[] { change }) });
            Destandardise(causal.Solve(g.Node("Add", new[] { Intercept(mapTargets), u0 })), options.SampleOutputName);
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
            Destandardise(causal.Solve(g.Node("Add", new[] { Intercept(targets), noise })), options.SampleOutputName);
        }

        foreach (string output in options.OutputNames(targets: true))
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
        string mode = options.ControlCellsInputName is null ? options.Mode.ToString() : "Counterfactual";
        // The parameters themselves, so a reloaded graph can be explained again (GimParameterFormat).
        metadata = metadata.Concat(options.OutputRoles(targets: true)).ToArray();
        if (options.EmbedParameters) metadata = metadata.Append((GimParameterFormat.MetadataKey, GimParameterFormat.ToBase64(p))).ToArray();
        return g.ToModel($"{description}, {p.Interventions}, {mode}.", p.VariableNames, p.FeatureNames, metadata);
    }
}
