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
    public static ModelProto Build(GimParameters p, GimOnnxExportOptions options, Func<OnnxGraphBuilder, KnownTargetNodes?, IOnnxCausalModel> causalModel,
        string description, params (string Key, string Value)[] metadata)
    {
        int d = p.VariableCount, f = p.FeatureCount;
        var g = new OnnxGraphBuilder();
        g.Reserve(options, targets: true, options.ControlCellsInputName);
        if (options.PredictedMeanSdOutputName is string sdName) g.Reserve(sdName);

        g.Input(options.FeaturesInputName, f);
        var (logits, shift, rho, familiarity, standardized, baseline) = OnnxEncoder.Build(g, p, options.FeaturesInputName, options.ShiftOutputName);
        // Known targets: declared targets read as hit (π = 1) and carry their kind's intervention; off-targets keep t⊙ψ.
        KnownTargetNodes? known = p.KnownTargets is { } k ? KnownTargetNodes.Build(g, p, k, options.FeaturesInputName, standardized, baseline) : null;
        string probabilities = known is null
            ? g.Node("Sigmoid", new[] { logits }, options.TargetProbabilitiesOutputName)
            : g.Node("Max", new[] { g.Node("Sigmoid", new[] { logits }), known.Mask }, options.TargetProbabilitiesOutputName);
        string mapTargets = g.Node("Cast", new[] { g.Node("Greater", new[] { probabilities, g.Constant("half", new[] { 0.5f }, 1) }) }, null,
            Int("to", (long)TensorProto.Types.DataType.Float));

        IOnnxCausalModel causal = causalModel(g, known);
        string bias = g.Constant("bias", p.Bias, d);
        // The intercepts the intervention adds to: b, plus the covariates' β per row (the counterfactual abducts with b
        // alone, as GimModel.Counterfactual does: its control cells are the reference level's).
        string intercepts = baseline is null ? bias : g.Node("Add", new[] { bias, baseline });
        string? logScale = null; // created on first use: the linear counterfactual graph never reads it
        string varScale = g.Constant("variable_scale", p.VariableScale.Select(v => (float)v).ToArray(), d);
        string varMean = g.Constant("variable_mean", p.VariableMean.Select(v => (float)v).ToArray(), d);
        string Destandardise(string x, string? name) => g.Node("Add", new[] { g.Node("Mul", new[] { x, varScale }), varMean }, name);
        string Intercept(string targets) => InterceptOf(targets, shift);
        string? offTargets = known is null ? null : g.Node("Sub", new[] { g.Constant("one", new[] { 1f }, 1), known.Mask });
        string InterceptOf(string targets, string applied) => known is null
            ? g.Node("Add", new[] { intercepts, g.Node("Mul", new[] { targets, applied }) })                            // b (+ β) + t⊙ψ
            : g.Node("Add", new[] { g.Node("Add", new[] { intercepts, g.Node("Mul", new[] { g.Node("Mul", new[] { targets, offTargets! }), applied }) }), known.Change });
        string? LogScaleChange(string targets)                                                                           // t⊙ρ (+ mask⊙log h)
        {
            string? change = rho is null ? null : g.Node("Mul", new[] { targets, rho });
            if (known?.LogFraction is not string fraction) return change;
            return change is null ? fraction : g.Node("Add", new[] { change, fraction });
        }
        string NoiseScale(string targets)
        {
            logScale ??= g.Constant("log_scale", p.LogScale, d);
            return LogScaleChange(targets) is string change
                ? g.Node("Exp", new[] { g.Node("Add", new[] { logScale, change }) })
                : g.Node("Exp", new[] { logScale });
        }

        // 1 − w, built on first use (an unused node would only add initializers ONNX Runtime warns about) and shared by the
        // shifts' and the means' standard deviations; calibrated models only.
        string? unfamiliarity = null;
        string Unfamiliarity() => unfamiliarity ??=
            g.Node("Max", new[] { g.Node("Sub", new[] { g.Constant("one", new[] { 1f }, 1), familiarity! }), g.Constant("zero", new[] { 0f }, 1) });

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
            string applied = shift;
            if (familiarity is not null && p.Calibration!.SampleShiftUncertainty)
            {
                // Each row's targeted shifts drawn from N(α·ψ, sdψ²), sdψ = √(1 − w)·ShiftSdFar (NoveltyCalibration).
                string sd = g.Node("Mul", new[] { g.Node("Sqrt", new[] { Unfamiliarity() }), g.Constant("shift_sd_far", p.Calibration!.ShiftSdFar, d) });
                string draw = g.Node("RandomNormalLike", new[] { logits }, null, Float("seed", (seed + 2) % 16777216f));
                applied = g.Node("Add", new[] { shift, g.Node("Mul", new[] { sd, draw }) });
            }
            Destandardise(causal.Solve(g.Node("Add", new[] { InterceptOf(targets, applied), noise })), options.SampleOutputName);
        }

        string[] outputs = options.OutputNames(targets: true);
        if (options.PredictedMeanSdOutputName is string meanSd)
        {
            // sd_j = √(w·near_j² + (1 − w)·far_j²)·scale_j (original units); NaN for a model without calibration: unknown, not zero.
            if (p.Calibration is NoveltyCalibration c)
            {
                float[] near2 = c.MeanSdNear.Select((v, j) => (float)(v * v * p.VariableScale[j] * p.VariableScale[j])).ToArray();
                float[] far2 = c.MeanSdFar.Select((v, j) => (float)(v * v * p.VariableScale[j] * p.VariableScale[j])).ToArray();
                string nearPart = g.Node("Mul", new[] { familiarity!, g.Constant("mean_var_near", near2, d) });
                string farPart = g.Node("Mul", new[] { Unfamiliarity(), g.Constant("mean_var_far", far2, d) });
                g.Node("Sqrt", new[] { g.Node("Max", new[] { g.Node("Add", new[] { nearPart, farPart }), g.Constant("zero", new[] { 0f }, 1) }) }, meanSd);
            }
            else
            {
                g.Node("Add", new[] { g.Node("Mul", new[] { logits, g.Constant("zero", new[] { 0f }, 1) }), g.Constant("unknown", new[] { float.NaN }, 1) }, meanSd);
            }
            outputs = outputs.Append(meanSd).ToArray();
        }
        foreach (string output in outputs)
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
        if (options.PredictedMeanSdOutputName is string sdRole) metadata = metadata.Append(("gim.output.mean-sd", sdRole)).ToArray();
        if (options.EmbedParameters) metadata = metadata.Append((GimParameterFormat.MetadataKey, GimParameterFormat.ToBase64(p))).ToArray();
        return g.ToModel($"{description}, {p.Interventions}, {mode}.", p.VariableNames, p.FeatureNames, metadata);
    }
}
