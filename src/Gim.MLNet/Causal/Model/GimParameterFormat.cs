using System.Text;
using Gim.MLNet.Data;
using Google.Protobuf;
using Onnx;

namespace Gim.MLNet.Causal;

/// <summary>
/// A fitted GIM's parameters (<see cref="LinearGimParameters"/> or <see cref="NonlinearGimParameters"/>) as bytes and as
/// the base64 text every exported ONNX graph carries in its <see cref="MetadataKey"/> metadata entry, so a model saved
/// as an ML.NET .zip (or an .onnx file) can be explained again after a reload: the explanation comes from the same
/// float32 numbers through the same code (<see cref="GimModel.FromParameters(LinearGimParameters, GimOptions?)"/>),
/// not from an approximation of them.
/// </summary>
/// <remarks>
/// Layout, little-endian (BinaryWriter): "GIMP", format version (int32), kind (byte: 0 linear, 1 nonlinear), the
/// names, the standardisation (float64 arrays), intercepts, noise scales and graph (float32), the intervention kind,
/// the encoder, then the nonlinear mechanisms, the novelty calibration (flag-prefixed, version ≥ 2), the dose response
/// (flag-prefixed, version ≥ 3), the known targets (flag-prefixed, version ≥ 4), the covariate shift (flag-prefixed) and
/// the dose response's encoding (int32, only with a dose response; both version ≥ 5), and with a calibration its target
/// temperature (float64, version ≥ 6). Arrays are length-prefixed, matrices rows- and columns-prefixed,
/// nullable matrices flag-prefixed. Reading checks every length against what is left, so damaged bytes give an
/// <see cref="InvalidDataException"/> rather than an allocation of a garbage size.
/// </remarks>
public static class GimParameterFormat
{
    /// <summary>The ONNX metadata key under which exported graphs carry the parameters (base64 of <see cref="Write"/>).</summary>
    public const string MetadataKey = "gim.parameters";

    private const string Magic = "GIMP";
    private static readonly byte[] MagicBytes = "GIMP"u8.ToArray();

    /// <summary>Caps on the nonlinear model's loop counts read from a file: far above any fitted model's, far below a hang.</summary>
    private const int MaxFixedPointIterations = 100_000, MaxMeanSamples = 1 << 20;
    /// <summary>
    /// Version 2 (0.4.0) adds the optional novelty calibration at the end, version 3 (0.5.0) the optional dose response
    /// after it, version 4 (0.7.0) the optional known targets after that, version 5 (0.10.0) the optional covariate shift
    /// and, with a dose response, its dose encoding after those, version 6 (0.12.0) the calibration's target temperature
    /// (<see cref="NoveltyCalibration.TargetTemperature"/>) at the end; versions 1 to 5 are still read (as τ_far = 1).
    /// </summary>
    private const int Version = 6;

    /// <summary>The parameters as bytes.</summary>
    /// <param name="parameters">A linear or nonlinear model's parameters.</param>
    public static byte[] Write(GimParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(MagicBytes);
            w.Write(Version);
            w.Write((byte)(parameters is NonlinearGimParameters ? 1 : 0));
            Strings(w, parameters.VariableNames);
            Strings(w, parameters.FeatureNames);
            Doubles(w, parameters.VariableMean);
            Doubles(w, parameters.VariableScale);
            Doubles(w, parameters.FeatureMean);
            Doubles(w, parameters.FeatureScale);
            Floats(w, parameters.Bias);
            Floats(w, parameters.LogScale);
            Matrix(w, parameters.Graph);
            w.Write((int)parameters.Interventions);
            Matrix(w, parameters.SkipWeight);
            Floats(w, parameters.SkipBias);
            w.Write(parameters.HiddenLayers.Count);
            foreach (var (weight, bias) in parameters.HiddenLayers)
            {
                Matrix(w, weight);
                Floats(w, bias);
            }
            OptionalMatrix(w, parameters.FromHiddenWeight);
            if (parameters is NonlinearGimParameters n)
            {
                Matrix(w, n.FirstWeight);
                Floats(w, n.FirstBias);
                Matrix(w, n.OutputWeight);
                OptionalMatrix(w, n.LinearWeight);
                Floats(w, n.NormWeight);
                w.Write(n.ContractionFactor);
                w.Write(n.FixedPointIterations);
                w.Write(n.MeanSamples);
                w.Write(n.MeanSeed);
            }
            w.Write(parameters.Calibration is not null);
            if (parameters.Calibration is NoveltyCalibration c)
            {
                Matrix(w, c.TrainingFeatures);
                w.Write(c.LengthScale);
                w.Write(c.FarShrinkage);
                Floats(w, c.MeanSdNear);
                Floats(w, c.MeanSdFar);
                Floats(w, c.ShiftSdFar);
                w.Write(c.SampleShiftUncertainty);
            }
            w.Write(parameters.DoseResponse is not null);
            if (parameters.DoseResponse is DoseResponseParameters dose)
            {
                w.Write(dose.FeatureIndex);
                Matrix(w, dose.Weight);
                Floats(w, dose.Bias);
            }
            w.Write(parameters.KnownTargets is not null);
            if (parameters.KnownTargets is KnownTargetParameters known)
            {
                w.Write((int)known.Kind);
                w.Write(known.FeatureOfVariable.Length);
                foreach (int q in known.FeatureOfVariable) w.Write(q);
                w.Write(known.Seen.Length);
                foreach (bool seen in known.Seen) w.Write(seen);
                w.Write(known.Typical);
                Matrix(w, known.Weight);
                Floats(w, known.Bias);
            }
            w.Write(parameters.CovariateShift is not null);
            if (parameters.CovariateShift is CovariateShiftParameters covariates)
            {
                w.Write(covariates.FeatureIndices.Length);
                foreach (int q in covariates.FeatureIndices) w.Write(q);
                Matrix(w, covariates.Weight);
            }
            if (parameters.DoseResponse is DoseResponseParameters encoded) w.Write((int)encoded.Encoding);
            if (parameters.Calibration is NoveltyCalibration tempered) w.Write(tempered.TargetTemperature);
        }
        return stream.ToArray();
    }

    /// <summary>The parameters as base64 text (what the ONNX metadata holds).</summary>
    /// <param name="parameters">A linear or nonlinear model's parameters.</param>
    public static string ToBase64(GimParameters parameters) => Convert.ToBase64String(Write(parameters));

    /// <summary>Parameters from base64 text written by <see cref="ToBase64"/>.</summary>
    /// <param name="text">The metadata value.</param>
    /// <param name="source">How messages name where the text came from.</param>
    /// <exception cref="InvalidDataException">The text is not base64 or not parameters this version reads.</exception>
    public static GimParameters FromBase64(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"{source}: the '{MetadataKey}' entry is not base64 text.");
        }
        return Read(bytes, source);
    }

    /// <summary>The parameters an ONNX graph exported by this library carries (see <see cref="GimOnnxExportOptions.EmbedParameters"/>).</summary>
    /// <param name="onnxModel">The serialised ONNX model.</param>
    /// <param name="source">How messages name the graph (a file, a zip entry).</param>
    /// <exception cref="InvalidDataException">The bytes are not ONNX, not a GIM graph, or carry no (or damaged) parameters; the message says which.</exception>
    public static GimParameters FromOnnx(byte[] onnxModel, string source)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnxModel);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{source}: not an ONNX model ({e.Message}).", e);
        }
        string? text = model.MetadataProps.FirstOrDefault(m => m.Key == MetadataKey)?.Value;
        if (text is not null) return FromBase64(text, source);
        throw new InvalidDataException(model.ProducerName != "Gim.MLNet"
            ? $"{source}: not a graph exported by Gim.MLNet (producer '{model.ProducerName}'), so it carries no GIM parameters."
            : $"{source}: this graph (Gim.MLNet {model.ProducerVersion}) carries no GIM parameters: it is a peer's graph (TwoStageCausal's " +
              "carries its stage-2 GIM's), was exported before 0.3.0, or with GimOnnxExportOptions.EmbedParameters off. Refit the model (or re-export it) to explain it after a reload.");
    }

    /// <summary>Whether an ONNX graph carries a <see cref="MetadataKey"/> entry (false for bytes that are not ONNX).</summary>
    internal static bool HasParameters(byte[] onnxModel)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(onnxModel).MetadataProps.Any(m => m.Key == MetadataKey);
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    /// <summary>Parameters from bytes written by <see cref="Write"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="source">How messages name where the bytes came from.</param>
    /// <exception cref="InvalidDataException">The bytes are not parameters this version reads (the message says what is wrong).</exception>
    public static GimParameters Read(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        try
        {
            if (bytes.Length < 9 || !r.ReadBytes(MagicBytes.Length).AsSpan().SequenceEqual(MagicBytes))
                throw new InvalidDataException($"{source}: not GIM parameters (no '{Magic}' header).");
            int version = r.ReadInt32();
            if (version is < 1 or > Version)
                throw new InvalidDataException($"{source}: GIM parameters in format version {version}; this version of Gim.MLNet reads versions 1 to {Version}.");
            byte kind = r.ReadByte();
            if (kind > 1) throw new InvalidDataException($"{source}: unknown causal model kind {kind} (0 linear, 1 nonlinear).");
            string[] variables = Strings(r), features = Strings(r);
            double[] variableMean = Doubles(r), variableScale = Doubles(r), featureMean = Doubles(r), featureScale = Doubles(r);
            float[] bias = Floats(r), logScale = Floats(r);
            float[,] graph = Matrix(r);
            int interventions = r.ReadInt32();
            if (!Enum.IsDefined(typeof(InterventionKind), interventions))
                throw new InvalidDataException($"{source}: unknown intervention kind {interventions}.");
            float[,] skipWeight = Matrix(r);
            float[] skipBias = Floats(r);
            int layers = Count(r, 12); // a layer is at least its matrix shape and bias length
            var hidden = new List<(float[,], float[])>(layers);
            for (int l = 0; l < layers; l++) hidden.Add((Matrix(r), Floats(r)));
            float[,]? fromHidden = OptionalMatrix(r);
            GimParameters parameters = kind == 0
                ? new LinearGimParameters
                {
                    VariableNames = variables, FeatureNames = features, VariableMean = variableMean, VariableScale = variableScale,
                    FeatureMean = featureMean, FeatureScale = featureScale, Bias = bias, LogScale = logScale, Graph = graph,
                    Interventions = (InterventionKind)interventions, SkipWeight = skipWeight, SkipBias = skipBias,
                    HiddenLayers = hidden, FromHiddenWeight = fromHidden,
                }
                : new NonlinearGimParameters
                {
                    VariableNames = variables, FeatureNames = features, VariableMean = variableMean, VariableScale = variableScale,
                    FeatureMean = featureMean, FeatureScale = featureScale, Bias = bias, LogScale = logScale, Graph = graph,
                    Interventions = (InterventionKind)interventions, SkipWeight = skipWeight, SkipBias = skipBias,
                    HiddenLayers = hidden, FromHiddenWeight = fromHidden,
                    FirstWeight = Matrix(r), FirstBias = Floats(r), OutputWeight = Matrix(r), LinearWeight = OptionalMatrix(r),
                    NormWeight = Floats(r), ContractionFactor = r.ReadDouble(), FixedPointIterations = r.ReadInt32(),
                    MeanSamples = r.ReadInt32(), MeanSeed = r.ReadInt32(),
                };
            NoveltyCalibration? calibration = version >= 2 && Flag(r, "calibration")
                ? new NoveltyCalibration
                {
                    TrainingFeatures = Matrix(r), LengthScale = r.ReadDouble(), FarShrinkage = r.ReadDouble(),
                    MeanSdNear = Floats(r), MeanSdFar = Floats(r), ShiftSdFar = Floats(r), SampleShiftUncertainty = Flag(r, "shift sampling"),
                }
                : null;
            DoseResponseParameters? dose = version >= 3 && Flag(r, "dose response")
                ? new DoseResponseParameters { FeatureIndex = r.ReadInt32(), Weight = Matrix(r), Bias = Floats(r) }
                : null;
            KnownTargetParameters? known = version >= 4 && Flag(r, "known targets") ? KnownTargets(r, source) : null;
            CovariateShiftParameters? covariates = null;
            if (version >= 5 && Flag(r, "covariate shift"))
            {
                var indices = new int[Count(r, 4)];
                for (int k = 0; k < indices.Length; k++) indices[k] = r.ReadInt32();
                covariates = new CovariateShiftParameters { FeatureIndices = indices, Weight = Matrix(r) };
            }
            if (version >= 5 && dose is not null)
            {
                int encoding = r.ReadInt32();
                if (!Enum.IsDefined(typeof(DoseEncoding), encoding)) throw new InvalidDataException($"{source}: unknown dose encoding {encoding}.");
                dose = new DoseResponseParameters { FeatureIndex = dose.FeatureIndex, Weight = dose.Weight, Bias = dose.Bias, Encoding = (DoseEncoding)encoding };
            }
            if (version >= 6 && calibration is not null)
            {
                double temperature = r.ReadDouble();
                if (!(temperature is >= NoveltyCalibration.MinimumTargetTemperature and <= 1))
                    throw new InvalidDataException($"{source}: calibration target temperature {temperature} must lie in [{NoveltyCalibration.MinimumTargetTemperature}, 1].");
                calibration = calibration.With(targetTemperature: temperature);
            }
            if (calibration is not null || dose is not null || known is not null || covariates is not null)
                parameters = With(parameters, calibration, dose, known, covariates);
            if (parameters is NonlinearGimParameters loops && (loops.FixedPointIterations > MaxFixedPointIterations || loops.MeanSamples > MaxMeanSamples))
                throw new InvalidDataException($"{source}: {loops.FixedPointIterations} fixed-point iterations and {loops.MeanSamples} mean samples; at most {MaxFixedPointIterations} and {MaxMeanSamples} are read (the parameters are damaged).");
            if (r.BaseStream.Position != bytes.Length)
                throw new InvalidDataException($"{source}: {bytes.Length - r.BaseStream.Position} bytes left over after the GIM parameters.");
            try
            {
                if (parameters is LinearGimParameters linear) GimParameterIO.Validate(linear);
                else NonlinearGimParameterIO.Validate((NonlinearGimParameters)parameters);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{source}: {e.Message}", e);
            }
            return parameters;
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException and not EndOfStreamException or ArgumentException)
        {
            // BinaryReader's own complaints about damaged bytes (a negative string length, invalid UTF-8).
            throw new InvalidDataException($"{source}: the GIM parameters are damaged ({e.Message}).", e);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{source}: the GIM parameters end early ({bytes.Length} bytes); the file is truncated or damaged.");
        }
    }

    /// <summary>The same parameters with <paramref name="calibration"/> (init-only properties: a copy).</summary>
    internal static GimParameters WithCalibration(GimParameters p, NoveltyCalibration? calibration) => With(p, calibration, p.DoseResponse, p.KnownTargets, p.CovariateShift);

    /// <summary>The known targets as <see cref="Write"/> wrote them (version 4).</summary>
    private static KnownTargetParameters KnownTargets(BinaryReader r, string source)
    {
        int kind = r.ReadInt32();
        if (!Enum.IsDefined(typeof(KnownTargetKind), kind) || kind == (int)KnownTargetKind.None)
            throw new InvalidDataException($"{source}: unknown known-target kind {kind}.");
        var map = new int[Count(r, 4)];
        for (int j = 0; j < map.Length; j++) map[j] = r.ReadInt32();
        var seen = new bool[Count(r, 1)];
        for (int j = 0; j < seen.Length; j++) seen[j] = Flag(r, "seen target");
        return new KnownTargetParameters
        {
            Kind = (KnownTargetKind)kind, FeatureOfVariable = map, Seen = seen, Typical = r.ReadSingle(), Weight = Matrix(r), Bias = Floats(r),
        };
    }

    /// <summary>The same parameters with <paramref name="calibration"/>, <paramref name="dose"/>, <paramref name="known"/> and <paramref name="covariates"/> (a copy).</summary>
    private static GimParameters With(GimParameters p, NoveltyCalibration? calibration, DoseResponseParameters? dose, KnownTargetParameters? known,
        CovariateShiftParameters? covariates) => p switch
    {
        LinearGimParameters l => new LinearGimParameters
        {
            VariableNames = l.VariableNames, FeatureNames = l.FeatureNames, VariableMean = l.VariableMean, VariableScale = l.VariableScale,
            FeatureMean = l.FeatureMean, FeatureScale = l.FeatureScale, Bias = l.Bias, LogScale = l.LogScale, Graph = l.Graph,
            Interventions = l.Interventions, SkipWeight = l.SkipWeight, SkipBias = l.SkipBias, HiddenLayers = l.HiddenLayers,
            FromHiddenWeight = l.FromHiddenWeight, Calibration = calibration, DoseResponse = dose, KnownTargets = known, CovariateShift = covariates,
        },
        NonlinearGimParameters n => new NonlinearGimParameters
        {
            VariableNames = n.VariableNames, FeatureNames = n.FeatureNames, VariableMean = n.VariableMean, VariableScale = n.VariableScale,
            FeatureMean = n.FeatureMean, FeatureScale = n.FeatureScale, Bias = n.Bias, LogScale = n.LogScale, Graph = n.Graph,
            Interventions = n.Interventions, SkipWeight = n.SkipWeight, SkipBias = n.SkipBias, HiddenLayers = n.HiddenLayers,
            FromHiddenWeight = n.FromHiddenWeight, FirstWeight = n.FirstWeight, FirstBias = n.FirstBias, OutputWeight = n.OutputWeight,
            LinearWeight = n.LinearWeight, NormWeight = n.NormWeight, ContractionFactor = n.ContractionFactor,
            FixedPointIterations = n.FixedPointIterations, MeanSamples = n.MeanSamples, MeanSeed = n.MeanSeed, Calibration = calibration,
            DoseResponse = dose, KnownTargets = known, CovariateShift = covariates,
        },
        _ => throw new ArgumentException($"parameters of an unknown kind {p.GetType().Name}"),
    };

    /// <summary>A flag byte written by BinaryWriter: 0 or 1; anything else is damage.</summary>
    private static bool Flag(BinaryReader r, string what) => r.ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => throw new FormatException($"the {what} flag is {b}, not 0 or 1; the GIM parameters are damaged"),
    };

    private static void Strings(BinaryWriter w, string[] values)
    {
        w.Write(values.Length);
        foreach (string value in values) w.Write(value);
    }

    private static void Doubles(BinaryWriter w, double[] values)
    {
        w.Write(values.Length);
        foreach (double value in values) w.Write(value);
    }

    private static void Floats(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        foreach (float value in values) w.Write(value);
    }

    private static void Matrix(BinaryWriter w, float[,] values)
    {
        w.Write(values.GetLength(0));
        w.Write(values.GetLength(1));
        foreach (float value in values) w.Write(value);
    }

    private static void OptionalMatrix(BinaryWriter w, float[,]? values)
    {
        w.Write(values is not null);
        if (values is not null) Matrix(w, values);
    }

    /// <summary>A count that cannot exceed what is left to read (<paramref name="bytesEach"/> bytes per item at least).</summary>
    private static int Count(BinaryReader r, int bytesEach)
    {
        int count = r.ReadInt32();
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (count < 0 || (long)count * bytesEach > left)
            throw new FormatException($"a stored length of {count} does not fit the {left} bytes left; the GIM parameters are damaged.");
        return count;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Length-prefixed UTF-8 strings (BinaryWriter's layout), each length checked against what is left.</summary>
    private static string[] Strings(BinaryReader r)
    {
        var values = new string[Count(r, 1)];
        for (int i = 0; i < values.Length; i++)
        {
            int length = r.Read7BitEncodedInt();
            long left = r.BaseStream.Length - r.BaseStream.Position;
            if (length < 0 || length > left)
                throw new FormatException($"a stored string of {length} bytes does not fit the {left} bytes left; the GIM parameters are damaged.");
            values[i] = StrictUtf8.GetString(r.ReadBytes(length));
        }
        return values;
    }

    private static double[] Doubles(BinaryReader r)
    {
        var values = new double[Count(r, sizeof(double))];
        for (int i = 0; i < values.Length; i++) values[i] = r.ReadDouble();
        return values;
    }

    private static float[] Floats(BinaryReader r)
    {
        var values = new float[Count(r, sizeof(float))];
        for (int i = 0; i < values.Length; i++) values[i] = r.ReadSingle();
        return values;
    }

    private static float[,] Matrix(BinaryReader r)
    {
        int rows = r.ReadInt32(), columns = r.ReadInt32();
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (rows < 0 || columns < 0 || (long)rows * columns * sizeof(float) > left)
            throw new FormatException($"a stored {rows} × {columns} matrix does not fit the {left} bytes left; the GIM parameters are damaged.");
        var values = new float[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                values[i, j] = r.ReadSingle();
        return values;
    }

    private static float[,]? OptionalMatrix(BinaryReader r) => r.ReadBoolean() ? Matrix(r) : null;
}
