using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transforms.Onnx;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Gim.MLNet.Serving.Web;

/// <summary>An input column of the saved pipeline that requests must give.</summary>
/// <param name="Name">The column's name (the JSON field).</param>
/// <param name="Type">Its ML.NET type.</param>
internal sealed record InputColumn(string Name, DataViewType Type)
{
    /// <summary>Values per row: the vector size, or 1 for a scalar.</summary>
    public int Size => Type is VectorDataViewType v ? v.Size : 1;

    /// <summary>The type as the API describes it ("Single[6]", "Text").</summary>
    public string Description => Type is VectorDataViewType v ? $"{TypeName(v.ItemType)}[{v.Size}]" : TypeName(Type);

    private static string TypeName(DataViewType type) => type is TextDataViewType ? "Text" : type.RawType.Name;
}

/// <summary>What one request row gets back (original units; samples only when asked for).</summary>
internal sealed record RowPrediction(float[] Mean, float[]? TargetProbabilities, float[] Shift, float[][]? Samples, float[]? MeanSd = null);

/// <summary>
/// The saved pipeline, loaded once and checked at start-up, shared by every request. The steps before the model
/// (featurizers) run in ML.NET on the request's rows; the model's own ONNX graph runs in ONNX Runtime on all of them in
/// one call (ML.NET's ONNX step would make one call per row). Both are safe to share between threads: ML.NET transforms
/// are immutable and each request reads its own view; <see cref="InferenceSession.Run(IReadOnlyCollection{NamedOnnxValue})"/> is thread-safe.
/// </summary>
internal sealed class ServedModel : IDisposable
{
    /// <summary>Below this width one thread per run is faster than ONNX Runtime's pool (the library's measurement, d = 20).</summary>
    private const int SingleThreadBelowWidth = 256;

    private readonly ITransformer _pipeline;
    private readonly ITransformer _featurizers;
    private readonly InferenceSession _session;
    private readonly (string Name, int Width)[] _graphInputs;
    private readonly string _sampleOutput, _meanOutput, _shiftOutput;
    private readonly string? _targetsOutput, _meanSdOutput;

    private ServedModel(string path, ITransformer pipeline, ITransformer featurizers, InferenceSession session, IReadOnlyList<InputColumn> inputs,
        (string, int)[] graphInputs, IReadOnlyDictionary<string, string> metadata, string producer, string description)
    {
        Path = path;
        _pipeline = pipeline;
        _featurizers = featurizers;
        _session = session;
        Inputs = inputs;
        _graphInputs = graphInputs;
        Producer = producer;
        Description = description;
        VariableNames = metadata["gim.variables"].Split('\n');
        FeatureNames = metadata.TryGetValue("gim.features", out string? features) ? features.Split('\n') : Array.Empty<string>();
        HasExplanation = metadata.ContainsKey("gim.parameters");
        string Role(string role, string fallback) => metadata.TryGetValue($"gim.output.{role}", out string? name) ? name : fallback;
        _sampleOutput = Role("sample", "Sample");
        _meanOutput = Role("mean", "PredictedMean");
        _shiftOutput = Role("shift", "Shift");
        string targets = Role("targets", "TargetProbabilities");
        _targetsOutput = session.OutputMetadata.ContainsKey(targets) ? targets : null;
        _meanSdOutput = metadata.TryGetValue("gim.output.mean-sd", out string? meanSd) && session.OutputMetadata.ContainsKey(meanSd) ? meanSd : null;
        foreach (string output in new[] { _sampleOutput, _meanOutput, _shiftOutput })
            if (!session.OutputMetadata.ContainsKey(output))
                throw new ServingStartupException($"{path}: the model's ONNX graph has no output '{output}'; its outputs are {string.Join(", ", session.OutputMetadata.Keys)}.");
    }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>The input columns every request row must give, in the saved schema's order.</summary>
    public IReadOnlyList<InputColumn> Inputs { get; }

    /// <summary>The measured variables, in the order of every output vector.</summary>
    public IReadOnlyList<string> VariableNames { get; }

    /// <summary>GIM's features (after the pipeline's featurizers), in the model's order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Whether the model outputs target probabilities (GIM does; most peers do not).</summary>
    public bool HasTargets => _targetsOutput is not null;

    /// <summary>Whether the model outputs the standard deviation of its predicted means (GIM 0.4.0 and later).</summary>
    public bool HasMeanSd => _meanSdOutput is not null;

    /// <summary>Whether the file carries the parameters that Gim.MLNet's LoadGimModel and `explain` need.</summary>
    public bool HasExplanation { get; }

    /// <summary>Who exported the graph ("Gim.MLNet").</summary>
    public string Producer { get; }

    /// <summary>The graph's own description ("Linear GIM, Shift, Map.").</summary>
    public string Description { get; }

    /// <summary>
    /// Loads and checks the pipeline: a loadable ML.NET model whose last step runs a graph exported by Gim.MLNet, with
    /// input columns a JSON request can carry. Every failure is a <see cref="ServingStartupException"/> naming the file.
    /// </summary>
    public static ServedModel Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ServingStartupException("no model: start the service with --model <pipeline.zip> (a pipeline saved by mlContext.Model.Save, e.g. the samples app's gim-pipeline.zip).");
        var mlContext = new MLContext(seed: 0);
        ITransformer pipeline;
        DataViewSchema inputSchema;
        try
        {
            pipeline = ModelFile.Load(mlContext, path, out inputSchema);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ServingStartupException(e.Message, e);
        }
        try
        {
            ITransformer[] steps = pipeline is TransformerChain<ITransformer> chain ? chain.ToArray() : new[] { pipeline };
            if (steps.Length == 0 || steps[^1] is not OnnxTransformer onnx)
                throw new ServingStartupException($"{path}: the pipeline's last step is {(steps.Length == 0 ? "missing" : steps[^1].GetType().Name)}; expected the ONNX step of a Gim.MLNet model (GIM or a peer) as the last step.");
            byte[] graph = OnnxStepGraph.Read(mlContext.Model, onnx)
                ?? throw new ServingStartupException($"{path}: the last step's ONNX graph could not be read back.");
            using var options = new OrtSessionOptions();
            var session = new InferenceSession(graph, options);
            try
            {
                ModelMetadata metadata = session.ModelMetadata;
                if (metadata.ProducerName != "Gim.MLNet" || !metadata.CustomMetadataMap.ContainsKey("gim.variables"))
                    throw new ServingStartupException($"{path}: the last step's graph was produced by '{metadata.ProducerName}', not by Gim.MLNet; this service serves Gim.MLNet models.");
                var graphInputs = session.InputMetadata.Select(i => (i.Key, Width: i.Value.Dimensions is [_, int w] ? w : -1)).ToArray();
                if (graphInputs.Length == 0 || graphInputs.Any(i => i.Width < 1) || session.InputMetadata.Values.Any(v => v.ElementType != typeof(float)))
                    throw new ServingStartupException($"{path}: the model's graph inputs are not float matrices [N, width]: {string.Join(", ", session.InputMetadata.Select(i => $"{i.Key} {i.Value.ElementType.Name}[{string.Join(",", i.Value.Dimensions)}]"))}.");
                int widest = Math.Max(graphInputs.Max(i => i.Width), metadata.CustomMetadataMap["gim.variables"].Split('\n').Length);
                if (widest < SingleThreadBelowWidth)
                {
                    session.Dispose();
                    using var single = new OrtSessionOptions { IntraOpNumThreads = 1 };
                    session = new InferenceSession(graph, single);
                }
                ITransformer featurizers = new TransformerChain<ITransformer>(steps[..^1]);
                IReadOnlyList<InputColumn> inputs = RequiredInputs(path, inputSchema, featurizers, graphInputs);
                var served = new ServedModel(path, pipeline, featurizers, session, inputs, graphInputs,
                    session.ModelMetadata.CustomMetadataMap, metadata.ProducerName, metadata.Description);
                served.Probe();
                return served;
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
        catch (Exception e)
        {
            (pipeline as IDisposable)?.Dispose();
            if (e is ServingStartupException) throw;
            // ONNX Runtime, ML.NET or I/O failing on this file: one line naming it, not a stack trace.
            throw new ServingStartupException($"{path}: the model cannot be served ({e.GetType().Name}: {e.Message.Split('\n')[0].TrimEnd('\r')}).", e);
        }
    }

    /// <summary>
    /// The saved input columns the prediction needs: those without which the featurizers cannot run or the graph's
    /// inputs go missing (a pipeline keeps every training column in its input schema, measurements and context included).
    /// </summary>
    private static IReadOnlyList<InputColumn> RequiredInputs(string path, DataViewSchema input, ITransformer featurizers, (string Name, int Width)[] graphInputs)
    {
        bool Runs(DataViewSchema schema)
        {
            // Any failure means "cannot run without this column": ML.NET throws several types for a missing column.
            DataViewSchema output;
            try
            {
                output = featurizers.GetOutputSchema(schema);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return false;
            }
            return graphInputs.All(g => output.GetColumnOrNull(g.Name) is { Type: VectorDataViewType { Size: var size, ItemType: var item } }
                && size == g.Width && item == NumberDataViewType.Single);
        }
        if (!Runs(input))
            throw new ServingStartupException($"{path}: the saved pipeline does not produce its model's inputs ({string.Join(", ", graphInputs.Select(g => $"{g.Name}: Single[{g.Width}]"))}) from its own input schema.");
        // Requests carry visible columns only, without annotations: probe with exactly that.
        DataViewSchema.Column[] visible = input.Where(c => !c.IsHidden).ToArray();
        DataViewSchema Schema(IEnumerable<DataViewSchema.Column> columns)
        {
            var builder = new DataViewSchema.Builder();
            foreach (DataViewSchema.Column column in columns) builder.AddColumn(column.Name, column.Type);
            return builder.ToSchema();
        }
        var required = new List<InputColumn>();
        foreach (DataViewSchema.Column column in visible)
        {
            if (Runs(Schema(visible.Where(c => c.Index != column.Index)))) continue;
            if (!IsSupported(column.Type))
                throw new ServingStartupException($"{path}: input column '{column.Name}' has type {column.Type}, which a JSON request cannot carry (supported: Single, Double, Int32, Int64, Boolean and Text scalars, Single and Double vectors of known size).");
            required.Add(new InputColumn(column.Name, column.Type));
        }
        if (!Runs(Schema(visible.Where(c => required.Any(r => r.Name == c.Name)))))
            throw new ServingStartupException($"{path}: the pipeline's featurizers need input columns in combinations this service cannot tell apart ({string.Join(", ", visible.Select(c => c.Name))}); serve it with the `score` mode instead.");
        return required;
    }

    private static bool IsSupported(DataViewType type) => type switch
    {
        VectorDataViewType { Size: > 0, ItemType: var item } => item == NumberDataViewType.Single || item == NumberDataViewType.Double,
        TextDataViewType or BooleanDataViewType => true,
        _ => type == NumberDataViewType.Single || type == NumberDataViewType.Double || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64,
    };

    /// <summary>
    /// Predicts every row: the featurizers once per row, each featurized row copied once per sample, then one ONNX
    /// Runtime call. Returns null and fills <paramref name="errors"/> (keyed <c>{field}[i]</c>) when a row's model input or
    /// prediction comes out non-finite: features far outside the training range overflow the model, and JSON has no Infinity.
    /// </summary>
    public RowPrediction[]? Predict(IReadOnlyList<object[]> rows, int samples, string field, IDictionary<string, string[]> errors)
    {
        int repeats = Math.Max(samples, 1), n = rows.Count * repeats, d = VariableNames.Count;
        IDataView featurized = _featurizers.Transform(new RowsDataView(Inputs, rows));
        void Error(int row, string message) =>
            errors[$"{field}[{row}]"] = errors.TryGetValue($"{field}[{row}]", out string[]? earlier) ? earlier.Append(message).ToArray() : new[] { message };

        var inputs = new List<OrtValue>(_graphInputs.Length);
        try
        {
            foreach (var (name, width) in _graphInputs)
            {
                var values = new float[(long)n * width];
                DataViewSchema.Column column = featurized.Schema[name];
                using DataViewRowCursor cursor = featurized.GetRowCursor(new[] { column });
                ValueGetter<VBuffer<float>> get = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> buffer = default;
                for (int r = 0; cursor.MoveNext(); r++)
                {
                    get(ref buffer);
                    Span<float> first = values.AsSpan(r * repeats * width, width);
                    buffer.CopyTo(first);
                    int bad = FirstNonFinite(first);
                    if (bad >= 0)
                        Error(r, $"the model's input '{name}' is {first[bad]} at slot {bad} after the pipeline's featurizers; every value must be finite.");
                    for (int s = 1; s < repeats; s++) first.CopyTo(values.AsSpan((r * repeats + s) * width, width));
                }
                inputs.Add(OrtValue.CreateTensorValueFromMemory(values, new long[] { n, width }));
            }
            if (errors.Count > 0) return null;
            var names = new List<string> { _meanOutput, _shiftOutput, _sampleOutput };
            if (_targetsOutput is not null) names.Add(_targetsOutput);
            if (_meanSdOutput is not null) names.Add(_meanSdOutput);
            string[] outputNames = names.ToArray();
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(runOptions, _graphInputs.Select(g => g.Name).ToArray(), inputs, outputNames);
            foreach (var (output, k) in outputs.Select((o, k) => (o, k)))
                if (output.GetTensorDataAsSpan<float>().Length != (long)n * d)
                    throw new InvalidOperationException($"{Path}: the model's output '{outputNames[k]}' has {output.GetTensorDataAsSpan<float>().Length} values for {n} rows; expected {n} × {d}.");
            ReadOnlySpan<float> mean = outputs[0].GetTensorDataAsSpan<float>(), shift = outputs[1].GetTensorDataAsSpan<float>(), sample = outputs[2].GetTensorDataAsSpan<float>();
            ReadOnlySpan<float> targets = _targetsOutput is null ? default : outputs[3].GetTensorDataAsSpan<float>();
            ReadOnlySpan<float> meanSd = _meanSdOutput is null ? default : outputs[outputNames.Length - 1].GetTensorDataAsSpan<float>();
            var result = new RowPrediction[rows.Count];
            for (int r = 0; r < rows.Count; r++)
            {
                int first = r * repeats * d; // < n·d, which ONNX Runtime held in one tensor
                float[][]? drawn = samples == 0 ? null : new float[samples][];
                for (int s = 0; s < samples; s++) drawn![s] = sample.Slice(first + s * d, d).ToArray();
                // A GIM fitted without calibration outputs NaN standard deviations: "unknown", answered as null.
                float[]? sd = _meanSdOutput is null || float.IsNaN(meanSd[first]) ? null : meanSd.Slice(first, d).ToArray();
                var prediction = new RowPrediction(mean.Slice(first, d).ToArray(), _targetsOutput is null ? null : targets.Slice(first, d).ToArray(),
                    shift.Slice(first, d).ToArray(), drawn, sd);
                if (NonFinite(prediction) is string what) Error(r, what);
                result[r] = prediction;
            }
            return errors.Count > 0 ? null : result;
        }
        finally
        {
            foreach (OrtValue value in inputs) value.Dispose();
        }
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>What of a prediction is not finite, naming the variable; null when all of it is.</summary>
    private string? NonFinite(RowPrediction p)
    {
        foreach (var (values, what) in new[] { (p.Mean, "predicted mean"), (p.Shift, "shift"), (p.TargetProbabilities, "target probability"), (p.MeanSd, "mean's standard deviation") }
                     .Concat((p.Samples ?? Array.Empty<float[]>()).Select((s, k) => ((float[]?)s, $"sample {k}"))))
        {
            int bad = values is null ? -1 : FirstNonFinite(values);
            if (bad >= 0)
                return $"the {what} of variable '{VariableNames[bad]}' is {values![bad]}: the inputs are too far outside the training range for the model.";
        }
        return null;
    }

    /// <summary>
    /// One request through the whole path at start-up (a row of zeros, empty strings and false), so that a graph that
    /// runs but gives outputs of the wrong length fails before the service listens.
    /// </summary>
    private void Probe()
    {
        object[] row = Inputs.Select(i => i.Type switch
        {
            VectorDataViewType v when v.ItemType == NumberDataViewType.Double => (object)new double[v.Size],
            VectorDataViewType v => new float[v.Size],
            TextDataViewType => "",
            BooleanDataViewType => false,
            _ when i.Type == NumberDataViewType.Double => 0.0,
            _ when i.Type == NumberDataViewType.Int32 => 0,
            _ when i.Type == NumberDataViewType.Int64 => 0L,
            _ => 0f,
        }).ToArray();
        Predict(new[] { row }, 1, "probe", new Dictionary<string, string[]>());
    }

    /// <summary>Whether the graph replays given control cells (counterfactual GIM): a second input, deterministic samples.</summary>
    public bool IsCounterfactual => _graphInputs.Length > 1;

    public void Dispose()
    {
        _session.Dispose();
        (_pipeline as IDisposable)?.Dispose();
    }
}
