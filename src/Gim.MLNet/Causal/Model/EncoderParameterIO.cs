using Gim.MLNet.Data;
using Gim.MLNet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>What linear and nonlinear GIMs share in parameter export/import: the intervention encoder, and the checks of <see cref="GimParameters"/>.</summary>
internal static class EncoderParameterIO
{
    public sealed record Arrays(float[,] SkipWeight, float[] SkipBias, IReadOnlyList<(float[,] Weight, float[] Bias)> HiddenLayers, float[,]? FromHiddenWeight,
        DoseResponseParameters? DoseResponse, KnownTargetParameters? KnownTargets, CovariateShiftParameters? CovariateShift);

    public static Arrays Export(InterventionEncoder encoder) => new(
        TensorArrays.ToMatrix(encoder.Skip.weight!),
        TensorArrays.ToVector(encoder.Skip.bias!),
        encoder.HiddenLayers.Select(l => (TensorArrays.ToMatrix(l.weight!), TensorArrays.ToVector(l.bias!))).ToArray(),
        encoder.FromHidden is null ? null : TensorArrays.ToMatrix(encoder.FromHidden.weight!),
        encoder.Dose is not { } dose ? null : new DoseResponseParameters
        {
            FeatureIndex = dose.Slot.Index,
            Weight = TensorArrays.ToMatrix(dose.Curve.weight!),
            Bias = TensorArrays.ToVector(dose.Curve.bias!),
            Encoding = dose.Slot.Encoding,
        },
        encoder.Known is not { } known ? null : new KnownTargetParameters
        {
            Kind = known.Kind,
            FeatureOfVariable = known.FeatureOfVariable.ToArray(),
            Seen = TensorArrays.ToVector(known.Seen).Select(v => v == 1).ToArray(),
            Typical = known.Typical.cpu().item<float>(),
            Weight = TensorArrays.ToMatrix(known.Map.weight!),
            Bias = TensorArrays.ToVector(known.Map.bias!),
        },
        encoder.Covariates is not { } covariates ? null : new CovariateShiftParameters
        {
            FeatureIndices = covariates.Slots.Indices.ToArray(),
            Weight = TensorArrays.ToMatrix(covariates.Map.weight!),
        });

    /// <summary>Whether the stored dose curve reads the features (any non-zero weight), as GimOptions.DoseCurveFromFeatures.</summary>
    public static bool CurveFromFeatures(GimParameters p) => p.DoseResponse?.Weight.Cast<float>().Any(w => w != 0) ?? false;

    /// <summary>The encoder's dose slot for parameters <paramref name="p"/> (its standardisation from p's), or null.</summary>
    public static DoseSlot? Slot(GimParameters p) => p.DoseResponse is not { } dose ? null
        : new DoseSlot(dose.FeatureIndex, p.FeatureMean[dose.FeatureIndex], p.FeatureScale[dose.FeatureIndex], dose.Encoding);

    /// <summary>The encoder's covariate slots for parameters <paramref name="p"/> (their standardisation from p's), or null.</summary>
    public static CovariateSlots? Covariates(GimParameters p) => p.CovariateShift is not { } c ? null : CovariateSlots.At(c.FeatureIndices, p.FeatureMean, p.FeatureScale);

    /// <summary>An encoder shaped like <paramref name="p"/>'s (not yet loaded), for an import.</summary>
    public static InterventionEncoder CreateEncoder(GimParameters p, int depth, int width, GimOptions options, ScalarType dtype, Device device) =>
        new(p.FeatureCount, p.VariableCount, depth, width, p.Interventions, options.InitialTargetLogit, dtype, device, Slot(p), 1, CurveFromFeatures(p),
            p.KnownTargets is not { } k ? null
                : new KnownTargetHead(k.Kind, k.FeatureOfVariable, k.Seen, p.FeatureMean, p.FeatureScale, p.VariableMean, p.VariableScale, dtype, device),
            Covariates(p));

    /// <summary>The options an imported model reports for its encoder's dose path and covariates.</summary>
    public static void DescribeDose(GimParameters p, GimOptions modelOptions)
    {
        modelOptions.DoseFeature = p.DoseResponse is { } dose ? p.FeatureNames[dose.FeatureIndex] : null;
        modelOptions.DoseCurveFromFeatures = CurveFromFeatures(p);
        modelOptions.DoseEncoding = p.DoseResponse?.Encoding ?? DoseEncoding.Concentration;
        modelOptions.CovariateFeatures = p.CovariateShift?.FeatureIndices.Select(q => p.FeatureNames[q]).ToArray();
    }

    /// <summary>Copies the encoder's numbers into a freshly built encoder of matching shape (no grad, caller's scope).</summary>
    public static void Load(InterventionEncoder encoder, GimParameters p, ScalarType dtype, Device device)
    {
        encoder.Skip.weight!.copy_(TensorArrays.FromMatrix(p.SkipWeight, dtype, device));
        encoder.Skip.bias!.copy_(TensorArrays.FromVector(p.SkipBias, dtype, device));
        for (int l = 0; l < p.HiddenLayers.Count; l++)
        {
            Linear layer = encoder.HiddenLayers[l];
            layer.weight!.copy_(TensorArrays.FromMatrix(p.HiddenLayers[l].Weight, dtype, device));
            layer.bias!.copy_(TensorArrays.FromVector(p.HiddenLayers[l].Bias, dtype, device));
        }
        if (p.HiddenLayers.Count > 0)
            encoder.FromHidden!.weight!.copy_(TensorArrays.FromMatrix(p.FromHiddenWeight!, dtype, device));
        // Only a warm start can disagree (an import builds the encoder from the parameters): say which setting differs.
        if ((p.DoseResponse is null) != (encoder.Dose is null) || (p.DoseResponse is { } d && d.FeatureIndex != encoder.Dose!.Slot.Index))
            throw new ArgumentException(p.DoseResponse is null
                ? "The warm start has no dose response, but GimOptions.DoseFeature is set: start from a fit with the same DoseFeature."
                : $"The warm start's dose response reads feature {p.DoseResponse.FeatureIndex}; GimOptions.DoseFeature " +
                  (encoder.Dose is null ? "is unset." : $"names feature {encoder.Dose.Slot.Index}."), "GimOptions.WarmStart");
        if (encoder.Dose is { FromFeatures: false } && CurveFromFeatures(p))
            throw new ArgumentException("The warm start's dose curve reads the features (it was fitted with GimOptions.DoseCurveFromFeatures = true); " +
                "set DoseCurveFromFeatures = true to start from it.", "GimOptions.WarmStart");
        if (p.DoseResponse is { } dose)
        {
            encoder.Dose!.Curve.weight!.copy_(TensorArrays.FromMatrix(dose.Weight, dtype, device));
            encoder.Dose.Curve.bias!.copy_(TensorArrays.FromVector(dose.Bias, dtype, device));
        }
        if (p.DoseResponse is { } encoded && encoded.Encoding != encoder.Dose!.Slot.Encoding)
            throw new ArgumentException($"The warm start reads its dose as {encoded.Encoding}; GimOptions.DoseEncoding is {encoder.Dose.Slot.Encoding}.", "GimOptions.WarmStart");
        // A start without covariates leaves U at zero (where a cold fit starts it); one with covariates must have the same.
        if (p.CovariateShift is { } startCovariates && !startCovariates.FeatureIndices.SequenceEqual(encoder.Covariates?.Slots.Indices ?? Array.Empty<int>()))
            throw new ArgumentException("The warm start's covariate features differ from GimOptions.CovariateFeatures: start from a fit with the same covariates, or none.",
                "GimOptions.WarmStart");
        if (p.CovariateShift is { } covariates)
            encoder.Covariates!.Map.weight!.copy_(TensorArrays.FromMatrix(covariates.Weight, dtype, device));
        if ((p.KnownTargets is null) != (encoder.Known is null))
            throw new ArgumentException("The warm start's known targets differ from GimOptions.KnownTargets.", "GimOptions.WarmStart");
        if (p.KnownTargets is { } known)
        {
            encoder.Known!.Map.weight!.copy_(TensorArrays.FromMatrix(known.Weight, dtype, device));
            encoder.Known.Map.bias!.copy_(TensorArrays.FromVector(known.Bias, dtype, device));
            encoder.Known.Typical.fill_(known.Typical);
        }
    }

    /// <summary>Shape checks of what every GIM has (<see cref="GimParameters"/>); <paramref name="check"/> throws with the caller's context.</summary>
    public static void Validate(GimParameters p, Action<bool, string> check)
    {
        int d = p.VariableCount, f = p.FeatureCount, heads = p.HeadCount;
        check(d > 0, "there are no variables");
        check(p.VariableMean.Length == d && p.VariableScale.Length == d, "the variable standardisation must have d entries");
        check(p.Bias.Length == d && p.LogScale.Length == d, "Bias and LogScale must have d entries");
        check(p.Graph.GetLength(0) == d && p.Graph.GetLength(1) == d, "Graph must be d × d");
        check(p.FeatureMean.Length == f && p.FeatureScale.Length == f, "the feature standardisation must have p entries");
        check(p.VariableMean.Concat(p.FeatureMean).All(double.IsFinite), "the standardisation means must be finite");
        check(p.VariableScale.Concat(p.FeatureScale).All(v => v > 0 && double.IsFinite(v)), "the standardisation scales must be finite and > 0");
        check(p.SkipWeight.GetLength(0) == heads * d && p.SkipWeight.GetLength(1) == f, "SkipWeight must be (heads·d) × p");
        check(p.SkipBias.Length == heads * d, "SkipBias must have heads·d entries");
        int inputs = f;
        foreach (var (weight, bias) in p.HiddenLayers)
        {
            check(weight.GetLength(1) == inputs && bias.Length == weight.GetLength(0), "hidden layer shapes do not chain");
            check(weight.GetLength(0) == p.HiddenLayers[0].Weight.GetLength(0), "every hidden layer must have the same width (the encoder has one EncoderWidth)");
            inputs = weight.GetLength(0);
        }
        if (p.HiddenLayers.Count > 0)
            check(p.FromHiddenWeight is not null && p.FromHiddenWeight.GetLength(0) == heads * d && p.FromHiddenWeight.GetLength(1) == inputs,
                "FromHiddenWeight must be (heads·d) × width");
        p.Calibration?.Validate(d, f, check);
        p.DoseResponse?.Validate(f, check);
        p.KnownTargets?.Validate(d, f, check);
        p.CovariateShift?.Validate(d, f, check);
        check(p.CovariateShift is null || p.DoseResponse is null || !p.CovariateShift.FeatureIndices.Contains(p.DoseResponse.FeatureIndex),
            "the dose feature cannot be a covariate");
        check(p.KnownTargets is null || p.CovariateShift is null || !p.CovariateShift.FeatureIndices.Any(q => p.KnownTargets.FeatureOfVariable.Contains(q)),
            "a covariate feature cannot also be a known target's indicator");
        check(p.KnownTargets is null || p is LinearGimParameters && p.Interventions == InterventionKind.Shift && p.DoseResponse is null,
            "known targets go with the linear model, Shift off-targets and no dose response");
    }
}
