using Gim.MLNet.Data;
using Gim.MLNet.Onnx;
using Onnx;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Causal;

/// <summary>
/// The intervention encoder as ONNX nodes: standardised features, SiLU hidden layers and the heads; the
/// same network for linear and nonlinear GIMs.
/// </summary>
internal static class OnnxEncoder
{
    /// <summary>
    /// Returns the logits, shift and (ShiftScale only) log-scale heads, [N, d] each, and for a calibrated model the
    /// familiarity w(γ) [N, 1], with the shift and log-scale already scaled by α(γ) and the logits by τ(γ) (<see cref="NoveltyCalibration"/>)
    /// and, with a dose path, by the dose curve H(c) (<see cref="DoseResponseParameters"/>); and the standardised features z
    /// [N, p] the heads start from (the known-target strengths read them too); and with covariates their intercept shift
    /// β [N, d] (<see cref="CovariateShiftParameters"/>), which neither H(c) nor α scales.
    /// </summary>
    public static (string Logits, string Shift, string? LogScale, string? Familiarity, string Standardized, string? Baseline) Build(OnnxGraphBuilder g, GimParameters p,
        string features, string shiftName)
    {
        int f = p.FeatureCount;
        string z = g.Node("Div", new[] {
            g.Node("Sub", new[] { features, g.Constant("feature_mean", p.FeatureMean.Select(v => (float)v).ToArray(), f) }),
            g.Constant("feature_scale", p.FeatureScale.Select(v => (float)v).ToArray(), f) });
        // With a dose path the heads read the features with the dose slot zeroed (z'); the curve reads the dose.
        string identity = z;
        string? curve = null;
        if (p.DoseResponse is { } dose && EncoderParameterIO.Slot(p) is { } slot)
        {
            identity = g.Node("Mul", new[] { z, g.Constant("dose_mask", slot.Mask(f), f) });
            curve = DoseCurve(g, f, dose, slot, z, identity);
        }
        string? baseline = p.CovariateShift is { } covariates ? CovariateShift(g, p, covariates, z) : null;
        string? hidden = null;
        if (p.HiddenLayers.Count > 0)
        {
            hidden = identity;
            foreach (var (weight, bias) in p.HiddenLayers)
            {
                string pre = g.Node("Gemm", new[] { hidden, g.Constant("hidden_w", weight), g.Constant("hidden_b", bias, bias.Length) }, null, Int("transB", 1));
                hidden = g.Node("Mul", new[] { pre, g.Node("Sigmoid", new[] { pre }) });
            }
        }
        string Head(int k, string? name)
        {
            int d = p.VariableCount;
            string skip = g.Node("Gemm", new[] { identity, g.Constant("skip_w", Rows(p.SkipWeight, k * d, d)), g.Constant("skip_b", p.SkipBias.Skip(k * d).Take(d).ToArray(), d) },
                hidden is null ? name : null, Int("transB", 1));
            if (hidden is null) return skip;
            string fromHidden = g.Node("Gemm", new[] { hidden, g.Constant("from_hidden_w", Rows(p.FromHiddenWeight!, k * d, d)) }, null, Int("transB", 1));
            return g.Node("Add", new[] { skip, fromHidden }, name);
        }
        // Shift and log-scale heads times H(c) when there is a dose path (named here when nothing scales them after).
        string Scaled(int k, string? name) => curve is null ? Head(k, name) : g.Node("Mul", new[] { Head(k, null), curve }, name);
        if (p.Calibration is not NoveltyCalibration calibration)
            return (Head(0, null), Scaled(1, shiftName), p.HeadCount == 3 ? Scaled(2, null) : null, null, z, baseline);
        // Measured on z' (the dose slot zeroed) when there is a dose path, as GimModel.CalibrationPoints does.
        string familiarity = Familiarity(g, calibration, identity);
        // far + (1 − far)·w: what is kept at familiarity w of a quantity that keeps the share `far` far away.
        string Kept(string name, double far) => g.Node("Add", new[] {
            g.Node("Mul", new[] { familiarity, g.Constant("one_minus_" + name, new[] { (float)(1 - far) }, 1) }),
            g.Constant(name, new[] { (float)far }, 1) });
        string alpha = Kept("far_shrinkage", calibration.FarShrinkage); // α = α_far + (1 − α_far)·w
        string logits = Head(0, null);
        // τ = τ_far + (1 − τ_far)·w: the logits tempered toward 0 (their signs, the MAP targets, unchanged).
        if (calibration.TargetTemperature < 1) logits = g.Node("Mul", new[] { logits, Kept("target_temperature", calibration.TargetTemperature) });
        string shift = g.Node("Mul", new[] { Scaled(1, null), alpha }, shiftName);
        string? logScale = p.HeadCount == 3 ? g.Node("Mul", new[] { Scaled(2, null), alpha }) : null;
        return (logits, shift, logScale, familiarity, z, baseline);
    }

    /// <summary>β = x_cov·Uᵀ, [N, d] (a Gemm with transB, as the heads), with x_cov = z[slots]·scale + mean as <see cref="Causal.CovariateShift.Compute"/> computes it.</summary>
    private static string CovariateShift(OnnxGraphBuilder g, GimParameters p, CovariateShiftParameters covariates, string z)
    {
        int[] slots = covariates.FeatureIndices;
        int c = slots.Length;
        string picked = g.Node("Gather", new[] { z, g.Int64Constant("covariate_slots", slots.Select(q => (long)q).ToArray()) }, null, Int("axis", 1));
        string raw = g.Node("Add", new[] {
            g.Node("Mul", new[] { picked, g.Constant("covariate_scale", slots.Select(q => (float)p.FeatureScale[q]).ToArray(), c) }),
            g.Constant("covariate_mean", slots.Select(q => (float)p.FeatureMean[q]).ToArray(), c) });
        return g.Node("Gemm", new[] { raw, g.Constant("covariate_weight", covariates.Weight) }, null, Int("transB", 1));
    }

    /// <summary>
    /// H(c) = σ(n·(log max(c, floor) − log K))·[c &gt; floor], [N, 1], as <see cref="DoseResponse"/> computes it: c = z_q·scale_q +
    /// mean_q (z_q picked by a one-hot product, exact; then 10^v − 1 for a log10(1 + c) feature), log K and log n from z', log n clipped to ±<see cref="DoseResponse.LogSteepnessLimit"/>.
    /// </summary>
    private static string DoseCurve(OnnxGraphBuilder g, int f, DoseResponseParameters dose, DoseSlot slot, string z, string identity)
    {
        var pick = new float[f, 1];
        pick[slot.Index, 0] = 1;
        string doseValue = g.Node("Add", new[] {
            g.Node("Mul", new[] { g.Node("MatMul", new[] { z, g.Constant("dose_pick", pick) }), g.Constant("dose_scale", new[] { (float)slot.Scale }, 1) }),
            g.Constant("dose_mean", new[] { (float)slot.Mean }, 1) });
        // A log10(1 + c) feature back to its concentration: exp(v·ln 10) − 1 (DoseSlot.Concentration).
        if (slot.Encoding == DoseEncoding.Log10OnePlus)
            doseValue = g.Node("Sub", new[] { g.Node("Exp", new[] { g.Node("Mul", new[] { doseValue, g.Constant("ln10", new[] { DoseSlot.Ln10 }, 1) }) }),
                g.Constant("one", new[] { 1f }, 1) });
        string floor = g.Constant("dose_floor", new[] { (float)slot.Floor }, 1);
        string logDose = g.Node("Log", new[] { g.Node("Max", new[] { doseValue, floor }) });
        string Row(int k, string name) => g.Node("Gemm", new[] { identity, g.Constant(name + "_w", Rows(dose.Weight, k, 1)), g.Constant(name + "_b", new[] { dose.Bias[k] }, 1) },
            null, Int("transB", 1));
        float limit = (float)DoseResponse.LogSteepnessLimit;
        string logSteepness = g.Node("Min", new[] { g.Node("Max", new[] { Row(1, "dose_log_steepness"), g.Constant("minus_steepness_limit", new[] { -limit }, 1) }),
            g.Constant("steepness_limit", new[] { limit }, 1) });
        string fraction = g.Node("Sigmoid", new[] { g.Node("Mul", new[] { g.Node("Exp", new[] { logSteepness }), g.Node("Sub", new[] { logDose, Row(0, "dose_log_half_effect") }) }) });
        string dosed = g.Node("Cast", new[] { g.Node("Greater", new[] { doseValue, floor }) }, null, Int("to", (long)TensorProto.Types.DataType.Float));
        return g.Node("Mul", new[] { fraction, dosed });
    }

    /// <summary>w = exp(−minᵢ ‖z − zᵢ‖² / ℓ²), [N, 1], with ‖z − zᵢ‖² = ‖z‖² − 2 z·zᵢ + ‖zᵢ‖² (one matrix product, clamped at 0).</summary>
    private static string Familiarity(OnnxGraphBuilder g, NoveltyCalibration c, string z)
    {
        int m = c.ContextCount, f = c.TrainingFeatures.GetLength(1);
        var transposed = new float[f, m];
        var norms = new float[m];
        for (int i = 0; i < m; i++)
            for (int k = 0; k < f; k++)
            {
                transposed[k, i] = c.TrainingFeatures[i, k];
                norms[i] += c.TrainingFeatures[i, k] * c.TrainingFeatures[i, k];
            }
        string zz = g.Node("ReduceSumSquare", new[] { z }, null, Ints("axes", 1), Int("keepdims", 1));
        string cross = g.Node("Mul", new[] { g.Node("MatMul", new[] { z, g.Constant("calibration_points_t", transposed) }), g.Constant("minus_two", new[] { -2f }, 1) });
        string squared = g.Node("Add", new[] { g.Node("Add", new[] { zz, cross }), g.Constant("calibration_norms", norms, 1, m) });
        string nearest = g.Node("Max", new[] { g.Node("ReduceMin", new[] { squared }, null, Ints("axes", 1), Int("keepdims", 1)), g.Constant("zero", new[] { 0f }, 1) });
        return g.Node("Exp", new[] { g.Node("Mul", new[] { nearest, g.Constant("minus_inverse_length_squared", new[] { (float)(-1 / (c.LengthScale * c.LengthScale)) }, 1) }) });
    }

    private static float[,] Rows(float[,] m, int start, int count)
    {
        int cols = m.GetLength(1);
        var rows = new float[count, cols];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < cols; j++)
                rows[i, j] = m[start + i, j];
        return rows;
    }
}
