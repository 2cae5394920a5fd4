using Gim.MLNet.Data;
using Gim.MLNet.Runtime;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>Moves a fitted nonlinear model's parameters between TorchSharp modules and <see cref="NonlinearGimParameters"/>.</summary>
internal static class NonlinearGimParameterIO
{
    public static NonlinearGimParameters Export(GimModel model)
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        InterventionEncoder encoder = model.Encoder;
        EncoderParameterIO.Arrays encoderArrays = EncoderParameterIO.Export(encoder);
        NonlinearCausalModel causal = model.CausalModel as NonlinearCausalModel
            ?? throw new NotSupportedException($"Exporting NonlinearGimParameters needs the nonlinear causal model; this model uses {model.Options.CausalModel}. Use ExportParameters().");
        NonlinearMechanisms m = causal.Mechanisms;
        NonlinearCausalOptions o = causal.Options;
        return new NonlinearGimParameters
        {
            VariableNames = model.VariableNames.ToArray(),
            FeatureNames = model.FeatureNames.ToArray(),
            VariableMean = (double[])model.VariableStandardizer.Mean.Clone(),
            VariableScale = (double[])model.VariableStandardizer.Scale.Clone(),
            FeatureMean = (double[])model.FeatureStandardizer.Mean.Clone(),
            FeatureScale = (double[])model.FeatureStandardizer.Scale.Clone(),
            FirstWeight = TensorArrays.ToMatrix(m.RawFirst.reshape(m.Variables * m.Hidden, m.Variables)),
            FirstBias = TensorArrays.ToVector(m.FirstBias.reshape(-1)),
            OutputWeight = TensorArrays.ToMatrix(m.RawOutput),
            NormWeight = TensorArrays.ToVector(m.RawNormWeight),
            LinearWeight = m.HasLinearTerm ? TensorArrays.ToMatrix(m.Linear()) : null,
            ContractionFactor = m.Contraction,
            FixedPointIterations = o.FixedPointIterations,
            MeanSamples = o.MeanSamples,
            MeanSeed = o.MeanSeed,
            Bias = TensorArrays.ToVector(causal.Bias),
            LogScale = TensorArrays.ToVector(causal.LogScale),
            Graph = TensorArrays.ToMatrix(causal.Adjacency()),
            Interventions = encoder.Kind,
            SkipWeight = encoderArrays.SkipWeight,
            SkipBias = encoderArrays.SkipBias,
            HiddenLayers = encoderArrays.HiddenLayers,
            FromHiddenWeight = encoderArrays.FromHiddenWeight,
            Calibration = model.Calibration,
            DoseResponse = encoderArrays.DoseResponse,
            CovariateShift = encoderArrays.CovariateShift,
        };
    }

    public static GimModel Import(NonlinearGimParameters p, GimOptions options)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(options);
        Validate(p);
        using var hold = FinalizerHold.Enter(); // the modules are built (and initialised) outside the copy's scope
        Device device = TorchDevices.Resolve(options.Device, "GimOptions.Device");
        const ScalarType dtype = ScalarType.Float32;
        int d = p.VariableCount, h = p.HiddenWidth, depth = p.HiddenLayers.Count;
        int width = depth > 0 ? p.HiddenLayers[0].Weight.GetLength(0) : options.EncoderWidth;
        var modelOptions = options.Clone();
        modelOptions.CausalModel = CausalModelKind.Nonlinear;
        modelOptions.Interventions = p.Interventions;
        modelOptions.EncoderDepth = depth;
        modelOptions.EncoderWidth = width;
        EncoderParameterIO.DescribeDose(p, modelOptions);
        modelOptions.Nonlinear.HiddenWidth = h;
        modelOptions.Nonlinear.LinearTerm = p.LinearWeight is not null;
        modelOptions.Nonlinear.ContractionFactor = p.ContractionFactor;
        modelOptions.Nonlinear.FixedPointIterations = p.FixedPointIterations;
        modelOptions.Nonlinear.MeanSamples = p.MeanSamples;
        modelOptions.Nonlinear.MeanSeed = p.MeanSeed;
        // Built under the global generator's lock: their constructors draw initial weights (overwritten below) from it.
        NonlinearCausalModel causal;
        InterventionEncoder encoder;
        lock (TorchRun.GlobalGenerator)
        {
            causal = new NonlinearCausalModel(d, modelOptions.Nonlinear, dtype, device);
            encoder = EncoderParameterIO.CreateEncoder(p, depth, width, options, dtype, device);
        }
        using (no_grad())
        using (TorchScope.Enter())
        {
            NonlinearMechanisms m = causal.Mechanisms;
            m.RawFirst.copy_(TensorArrays.FromMatrix(p.FirstWeight, dtype, device).reshape(d, h, d));
            m.FirstBias.copy_(TensorArrays.FromVector(p.FirstBias, dtype, device).reshape(d, h));
            m.RawOutput.copy_(TensorArrays.FromMatrix(p.OutputWeight, dtype, device));
            m.RawNormWeight.copy_(TensorArrays.FromVector(p.NormWeight, dtype, device));
            if (p.LinearWeight is not null) m.RawLinear.copy_(TensorArrays.FromMatrix(p.LinearWeight, dtype, device));
            causal.Bias.copy_(TensorArrays.FromVector(p.Bias, dtype, device));
            causal.LogScale.copy_(TensorArrays.FromVector(p.LogScale, dtype, device));
            EncoderParameterIO.Load(encoder, p, dtype, device);
        }
        return new GimModel(causal, encoder, new Standardizer(p.VariableMean, p.VariableScale), new Standardizer(p.FeatureMean, p.FeatureScale),
            p.VariableNames, p.FeatureNames, modelOptions, Array.Empty<GimTrainingProgress>(), 0, TimeSpan.Zero, device, dtype)
            { Calibration = p.Calibration };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming what does not fit the model's shape.</summary>
    internal static void Validate(NonlinearGimParameters p)
    {
        int d = p.VariableCount, f = p.FeatureCount, heads = p.HeadCount, h = p.HiddenWidth;
        void Check(bool ok, string what)
        {
            if (!ok) throw new ArgumentException($"Invalid nonlinear GIM parameters: {what} (d = {d} variables, p = {f} features, H = {h} hidden units, {heads} heads).");
        }
        EncoderParameterIO.Validate(p, Check);
        Check(h > 0, "there are no hidden units");
        Check(p.FirstWeight.GetLength(0) == d * h && p.FirstWeight.GetLength(1) == d, "FirstWeight must be (d·H) × d");
        Check(p.FirstBias.Length == d * h, "FirstBias must have d·H entries");
        Check(p.OutputWeight.GetLength(0) == d, "OutputWeight must be d × H");
        Check(p.NormWeight.Length == d, "NormWeight must have d entries");
        Check(p.LinearWeight is null || (p.LinearWeight.GetLength(0) == d && p.LinearWeight.GetLength(1) == d), "LinearWeight must be d × d (or null)");
        Check(p.ContractionFactor > 0 && p.ContractionFactor < 1, "ContractionFactor must be in (0, 1)");
        Check(p.FixedPointIterations >= 1 && p.MeanSamples >= 1, "FixedPointIterations and MeanSamples must be ≥ 1");
    }
}
