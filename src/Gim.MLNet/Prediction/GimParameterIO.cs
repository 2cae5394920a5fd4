using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Interventions;
using Gim.MLNet.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Prediction;

/// <summary>Moves a fitted model's parameters between TorchSharp modules and <see cref="LinearGimParameters"/>.</summary>
internal static class GimParameterIO
{
    public static LinearGimParameters Export(GimModel model)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        InterventionEncoder encoder = model.Encoder;
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
            SkipWeight = TensorArrays.ToMatrix(encoder.Skip.weight!),
            SkipBias = TensorArrays.ToVector(encoder.Skip.bias!),
            HiddenLayers = encoder.HiddenLayers.Select(l => (TensorArrays.ToMatrix(l.weight!), TensorArrays.ToVector(l.bias!))).ToArray(),
            FromHiddenWeight = encoder.FromHidden is null ? null : TensorArrays.ToMatrix(encoder.FromHidden.weight!),
        };
    }

    public static GimModel Import(LinearGimParameters p, GimOptions options)
    {
        Validate(p);
        Device device = TorchDevices.Resolve(options.Device);
        const ScalarType dtype = ScalarType.Float32;
        int depth = p.HiddenLayers.Count;
        int width = depth > 0 ? p.HiddenLayers[0].Weight.GetLength(0) : options.EncoderWidth;
        var causal = new LinearCausalModel(p.VariableCount, dtype, device);
        var encoder = new InterventionEncoder(p.FeatureCount, p.VariableCount, depth, width, p.Interventions, options.InitialTargetLogit, dtype, device);
        using (no_grad())
        using (NewDisposeScope())
        {
            causal.RawWeights.copy_(TensorArrays.FromMatrix(p.Graph, dtype, device));
            causal.Bias.copy_(TensorArrays.FromVector(p.Bias, dtype, device));
            causal.LogScale.copy_(TensorArrays.FromVector(p.LogScale, dtype, device));
            encoder.Skip.weight!.copy_(TensorArrays.FromMatrix(p.SkipWeight, dtype, device));
            encoder.Skip.bias!.copy_(TensorArrays.FromVector(p.SkipBias, dtype, device));
            for (int l = 0; l < depth; l++)
            {
                Linear layer = encoder.HiddenLayers[l];
                layer.weight!.copy_(TensorArrays.FromMatrix(p.HiddenLayers[l].Weight, dtype, device));
                layer.bias!.copy_(TensorArrays.FromVector(p.HiddenLayers[l].Bias, dtype, device));
            }
            if (depth > 0)
                encoder.FromHidden!.weight!.copy_(TensorArrays.FromMatrix(p.FromHiddenWeight!, dtype, device));
        }
        var modelOptions = options.Clone();
        modelOptions.Interventions = p.Interventions;
        modelOptions.EncoderDepth = depth;
        modelOptions.EncoderWidth = width;
        return new GimModel(causal, encoder, new Standardizer(p.VariableMean, p.VariableScale), new Standardizer(p.FeatureMean, p.FeatureScale),
            p.VariableNames, p.FeatureNames, modelOptions, Array.Empty<GimTrainingProgress>(), 0, TimeSpan.Zero, device, dtype);
    }

    private static void Validate(LinearGimParameters p)
    {
        int d = p.VariableCount, f = p.FeatureCount, heads = p.HeadCount;
        void Check(bool ok, string what)
        {
            if (!ok) throw new ArgumentException($"Invalid GIM parameters: {what} (d = {d} variables, p = {f} features, {heads} heads).");
        }
        Check(d > 0, "there are no variables");
        Check(p.VariableMean.Length == d && p.VariableScale.Length == d, "the variable standardisation must have d entries");
        Check(p.FeatureMean.Length == f && p.FeatureScale.Length == f, "the feature standardisation must have p entries");
        Check(p.Graph.GetLength(0) == d && p.Graph.GetLength(1) == d, "Graph must be d × d");
        Check(p.Bias.Length == d && p.LogScale.Length == d, "Bias and LogScale must have d entries");
        Check(p.SkipWeight.GetLength(0) == heads * d && p.SkipWeight.GetLength(1) == f, "SkipWeight must be (heads·d) × p");
        Check(p.SkipBias.Length == heads * d, "SkipBias must have heads·d entries");
        int inputs = f;
        foreach (var (weight, bias) in p.HiddenLayers)
        {
            Check(weight.GetLength(1) == inputs && bias.Length == weight.GetLength(0), "hidden layer shapes do not chain");
            inputs = weight.GetLength(0);
        }
        if (p.HiddenLayers.Count > 0)
            Check(p.FromHiddenWeight is not null && p.FromHiddenWeight.GetLength(0) == heads * d && p.FromHiddenWeight.GetLength(1) == inputs,
                "FromHiddenWeight must be (heads·d) × width");
    }
}
