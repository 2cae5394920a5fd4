using Gim.MLNet.Data;
using Gim.MLNet.Runtime;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>Moves a fitted model's parameters between TorchSharp modules and <see cref="LinearGimParameters"/>.</summary>
internal static class GimParameterIO
{
    public static LinearGimParameters Export(GimModel model)
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        InterventionEncoder encoder = model.Encoder;
        EncoderParameterIO.Arrays encoderArrays = EncoderParameterIO.Export(encoder);
        LinearCausalModel causal = model.CausalModel as LinearCausalModel
            ?? throw new NotSupportedException($"Exporting LinearGimParameters needs the linear causal model; this model uses {model.Options.CausalModel}.");
        return new LinearGimParameters
        {
            VariableNames = model.VariableNames.ToArray(),
            FeatureNames = model.FeatureNames.ToArray(),
            VariableMean = (double[])model.VariableStandardizer.Mean.Clone(),
            VariableScale = (double[])model.VariableStandardizer.Scale.Clone(),
            FeatureMean = (double[])model.FeatureStandardizer.Mean.Clone(),
            FeatureScale = (double[])model.FeatureStandardizer.Scale.Clone(),
            Graph = TensorArrays.ToMatrix(causal.Weights()),
            Bias = TensorArrays.ToVector(causal.Bias),
            LogScale = TensorArrays.ToVector(causal.LogScale),
            Interventions = encoder.Kind,
            SkipWeight = encoderArrays.SkipWeight,
            SkipBias = encoderArrays.SkipBias,
            HiddenLayers = encoderArrays.HiddenLayers,
            FromHiddenWeight = encoderArrays.FromHiddenWeight,
            Calibration = model.Calibration,
            DoseResponse = encoderArrays.DoseResponse,
            CovariateShift = encoderArrays.CovariateShift,
            KnownTargets = encoderArrays.KnownTargets,
        };
    }

    public static GimModel Import(LinearGimParameters p, GimOptions options)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(options);
        Validate(p);
        using var hold = FinalizerHold.Enter(); // the modules are built (and initialised) outside the copy's scope
        Device device = TorchDevices.Resolve(options.Device, "GimOptions.Device");
        const ScalarType dtype = ScalarType.Float32;
        int depth = p.HiddenLayers.Count;
        int width = depth > 0 ? p.HiddenLayers[0].Weight.GetLength(0) : options.EncoderWidth;
        // The modules' constructors draw initial weights (overwritten below) from libtorch's global generator: under its
        // lock, so that an import never lands between another thread's seed and its draws (TorchRun.GlobalGenerator).
        LinearCausalModel causal;
        InterventionEncoder encoder;
        lock (TorchRun.GlobalGenerator)
        {
            causal = new LinearCausalModel(p.VariableCount, dtype, device);
            encoder = EncoderParameterIO.CreateEncoder(p, depth, width, options, dtype, device);
        }
        Load(p, causal, encoder, dtype, device);
        var modelOptions = options.Clone();
        modelOptions.Interventions = p.Interventions;
        modelOptions.EncoderDepth = depth;
        modelOptions.EncoderWidth = width;
        EncoderParameterIO.DescribeDose(p, modelOptions);
        modelOptions.KnownTargets = p.KnownTargets?.Kind ?? KnownTargetKind.None;
        if (p.KnownTargets is not null) modelOptions.CalibrationFolds = 0;
        return new GimModel(causal, encoder, new Standardizer(p.VariableMean, p.VariableScale), new Standardizer(p.FeatureMean, p.FeatureScale),
            p.VariableNames, p.FeatureNames, modelOptions, Array.Empty<GimTrainingProgress>(), 0, TimeSpan.Zero, device, dtype)
            { Calibration = p.Calibration };
    }

    /// <summary>Copies <paramref name="p"/> into modules of matching shape (a validated import or a warm start).</summary>
    internal static void Load(LinearGimParameters p, LinearCausalModel causal, InterventionEncoder encoder, ScalarType dtype, Device device)
    {
        using (no_grad())
        using (TorchScope.Enter())
        {
            causal.RawWeights.copy_(TensorArrays.FromMatrix(p.Graph, dtype, device));
            causal.Bias.copy_(TensorArrays.FromVector(p.Bias, dtype, device));
            causal.LogScale.copy_(TensorArrays.FromVector(p.LogScale, dtype, device));
            EncoderParameterIO.Load(encoder, p, dtype, device);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming what does not fit the model's shape.</summary>
    internal static void Validate(LinearGimParameters p)
    {
        int d = p.VariableCount, f = p.FeatureCount, heads = p.HeadCount;
        void Check(bool ok, string what)
        {
            if (!ok) throw new ArgumentException($"Invalid GIM parameters: {what} (d = {d} variables, p = {f} features, {heads} heads).");
        }
        EncoderParameterIO.Validate(p, Check);
    }
}
