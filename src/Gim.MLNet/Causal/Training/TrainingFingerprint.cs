using System.Security.Cryptography;
using System.Text;
using Gim.MLNet.Data;

namespace Gim.MLNet.Causal;

/// <summary>
/// A hash of everything that determines a training run (data, options and a warm start), so a checkpoint is only
/// ever resumed by the run that wrote it.
/// </summary>
internal static class TrainingFingerprint
{
    public static string Compute(GimOptions options, PerturbationDataset train, PerturbationDataset? validation,
        LinearGimParameters? start = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s) => hash.AppendData(Encoding.UTF8.GetBytes(s + "\n"));
        // Only settings that change the numbers; progress sinks, tokens, threads and checkpoint paths do not.
        // The seed the run used (a null seed trains as 0), so 0.1.0 checkpoints, written with the default seed 0, resume.
        Text(string.Join('|', options.CausalModel, options.Interventions, options.EncoderDepth, options.EncoderWidth,
            R(options.TargetSparsity), R(options.ControlTargetWeight), R(options.GraphSparsity), R(options.WeightDecay), R(options.LearningRate), options.MaxSteps,
            R(options.InitialTemperature), R(options.FinalTemperature), options.StraightThrough, options.RelaxationDraws,
            R(options.InitialTargetLogit), options.Weighting, options.ContextBatchSize, options.CellBatchSize,
            options.EvaluateEvery, options.EarlyStoppingPatience, options.SeedOrDefault, options.Device));
        if (options.CausalModel == CausalModelKind.Nonlinear) Text(options.Nonlinear.Fingerprint());
        // Only when set, so a checkpoint written before the dose path existed still resumes.
        if (options.DoseFeature is not null) Text($"dose feature {options.DoseFeature} {options.DoseCurveFromFeatures}");
        if (options.KnownTargets != KnownTargetKind.None) Text($"known targets {options.KnownTargets}");
        if (options.GraphRank > 0) Text($"graph rank {options.GraphRank}");
        if (options.FreePhase > 0) Text($"free phase {R(options.FreePhase)}");
        if (options.DoseFeature is not null && options.DoseEncoding != Data.DoseEncoding.Concentration) Text($"dose encoding {options.DoseEncoding}");
        if (options.CovariateFeatures is { } covariates) Text($"covariates {string.Join('\u001f', covariates)}");
        Append(hash, train);
        if (validation is not null) Append(hash, validation);
        if (start is not null)
        {
            Text("warm start");
            foreach (Array numbers in new Array[] { start.Graph, start.Bias, start.LogScale, start.SkipWeight, start.SkipBias }
                .Concat(start.HiddenLayers.SelectMany(l => new Array[] { l.Weight, l.Bias })))
                Floats(hash, numbers);
            if (start.DoseResponse is { } dose)
            {
                Text($"dose response {dose.FeatureIndex}");
                Floats(hash, dose.Weight);
                Floats(hash, dose.Bias);
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void Floats(IncrementalHash hash, Array numbers)
    {
        var bytes = new byte[Buffer.ByteLength(numbers)];
        Buffer.BlockCopy(numbers, 0, bytes, 0, bytes.Length);
        hash.AppendData(bytes);
    }

    private static string R(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static void Append(IncrementalHash hash, PerturbationDataset data)
    {
        hash.AppendData(Encoding.UTF8.GetBytes(string.Join('\u001f', data.VariableNames) + "\u001e" + string.Join('\u001f', data.FeatureNames)));
        foreach (PerturbationContext context in data.Contexts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{context.Name}\u001f{context.IsControl}\u001f{context.SampleCount}"));
            var features = new byte[context.Features.Length * sizeof(float)];
            Buffer.BlockCopy(context.Features, 0, features, 0, features.Length);
            hash.AppendData(features);
            if (context.HasCells)
            {
                var samples = new byte[context.Samples.Length * sizeof(float)];
                Buffer.BlockCopy(context.Samples, 0, samples, 0, samples.Length);
                hash.AppendData(samples);
                continue;
            }
            // Statistics: the moments here, the shared pool once below.
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(context.Moments.Mean.AsSpan()));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(context.Moments.Variance.AsSpan()));
            foreach (var (target, row) in context.Moments.CovarianceRows.OrderBy(r => r.Key))
            {
                hash.AppendData(BitConverter.GetBytes(target));
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row.AsSpan()));
            }
        }
        if (data.PooledCovariance is { } pool)
        {
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(pool.EqualWeighted.AsSpan()));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(pool.CellWeighted.AsSpan()));
        }
    }
}
