using Gim.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>
/// The rows of evaluated data grouped by context: observed cells, predicted draws, mean target probabilities and
/// true targets. Reading is the one pass that runs the (lazy) transformer, which is why Compare times it as
/// "predict".
/// </summary>
internal sealed class EvaluationData
{
    private EvaluationData(int variables, IReadOnlyList<ContextGroup> groups, bool hasTargetProbabilities, string controlDescription)
    {
        Variables = variables;
        Groups = groups;
        HasTargetProbabilities = hasTargetProbabilities;
        ControlDescription = controlDescription;
    }

    public int Variables { get; }

    /// <summary>Contexts in order of first appearance.</summary>
    public IReadOnlyList<ContextGroup> Groups { get; }

    /// <summary>Whether the data has a target-probabilities column (the method has a notion of targets).</summary>
    public bool HasTargetProbabilities { get; }

    /// <summary>How control rows were recognised, for messages.</summary>
    public string ControlDescription { get; }

    public ControlStatistics? ControlStatisticsFromRows() =>
        ControlStatistics.FromCells(Groups.Where(g => g.IsControl).Select(g => g.ObservedCells()).ToList(), Variables);

    /// <summary>The mean over the non-control contexts (those <paramref name="include"/> accepts, by name; all when null) of
    /// their mean observed cells; null when there is none.</summary>
    public double[]? PerturbedMean(Func<string, bool>? include = null)
    {
        var perturbed = Groups.Where(g => !g.IsControl && (include is null || include(g.Name))).ToList();
        if (perturbed.Count == 0) return null;
        var mean = new double[Variables];
        foreach (ContextGroup group in perturbed)
            for (int j = 0; j < Variables; j++)
                mean[j] += group.Observed.Average(row => (double)row[j]) / perturbed.Count;
        return mean;
    }

    public static EvaluationData Read(IDataView data, PerturbationEvaluationOptions options, bool readPredictions)
    {
        DataViewSchema schema = data.Schema;
        DataViewSchema.Column context = Require(schema, options.ContextColumnName, "context");
        if (!PerturbationInputColumns.IsContextType(context.Type))
            throw new ArgumentOutOfRangeException(nameof(data), $"Column '{context.Name}' (context): expected a key, string (Text) or integer column; found {context.Type}.");
        DataViewSchema.Column observed = Require(schema, options.MeasurementsColumnName, "observed cells");
        int d = FloatVectorSize(observed, "observed cells");
        var columns = new List<DataViewSchema.Column> { context, observed };

        DataViewSchema.Column? predicted = null;
        if (readPredictions)
        {
            predicted = Require(schema, options.SampleColumnName, "predicted samples");
            int size = FloatVectorSize(predicted.Value, "predicted samples");
            if (size != d)
                throw new ArgumentOutOfRangeException(nameof(data), $"Column '{predicted.Value.Name}' (predicted samples) has {size} values per row but column '{observed.Name}' (observed cells) has {d}; they must describe the same variables.");
            columns.Add(predicted.Value);
        }

        var (control, controlDescription) = ControlColumn(schema, options);
        if (control is DataViewSchema.Column c) columns.Add(c);

        DataViewSchema.Column? probabilities = null;
        if (readPredictions && options.TargetProbabilitiesColumnName is string probabilityName && schema.GetColumnOrNull(probabilityName) is DataViewSchema.Column p)
        {
            int size = FloatVectorSize(p, "target probabilities");
            if (size != d)
                throw new ArgumentOutOfRangeException(nameof(data), $"Column '{p.Name}' (target probabilities) has {size} values per row; expected one per variable ({d}).");
            probabilities = p;
            columns.Add(p);
        }

        DataViewSchema.Column? meanColumn = null, sdColumn = null;
        if (readPredictions && options.PredictedMeanSdColumnName is string sdName && schema.GetColumnOrNull(sdName) is DataViewSchema.Column sdc)
        {
            DataViewSchema.Column mc = Require(schema, options.PredictedMeanColumnName, "predicted means (read with the standard deviations)");
            foreach (var (column, what) in new[] { (sdc, "standard deviations of the predicted means"), (mc, "predicted means") })
                if (FloatVectorSize(column, what) != d)
                    throw new ArgumentOutOfRangeException(nameof(data), $"Column '{column.Name}' ({what}) has {FloatVectorSize(column, what)} values per row; expected one per variable ({d}).");
            (meanColumn, sdColumn) = (mc, sdc);
            columns.Add(mc);
            columns.Add(sdc);
        }

        // With covariate controls each context's level is found by its features (the first row's: a context's rows share them).
        DataViewSchema.Column? features = null;
        int featureCount = 0;
        if (readPredictions && options.CovariateControls is not null)
        {
            features = Require(schema, options.FeatureColumnName, "features (PerturbationEvaluationOptions.CovariateControls finds each context's covariate level by them)");
            featureCount = FloatVectorSize(features.Value, "features");
            columns.Add(features.Value);
        }

        DataViewSchema.Column? trueTargets = null;
        if (readPredictions && options.TrueTargetsColumnName is string targetName)
        {
            DataViewSchema.Column t = Require(schema, targetName, "true targets");
            if (t.Type is not VectorDataViewType { IsKnownSize: true } tv || (tv.ItemType != BooleanDataViewType.Instance && tv.ItemType != NumberDataViewType.Single))
                throw new ArgumentOutOfRangeException(nameof(data), $"Column '{t.Name}' (true targets): expected a known-size vector of Boolean or Single; found {t.Type}.");
            if (tv.Size != d)
                throw new ArgumentOutOfRangeException(nameof(data), $"Column '{t.Name}' (true targets) has {tv.Size} values per row; expected one per variable ({d}).");
            trueTargets = t;
            columns.Add(t);
        }

        var groups = new Dictionary<string, ContextGroup>(StringComparer.Ordinal);
        var order = new List<ContextGroup>();
        CancellationToken cancellation = options.CancellationToken;
        using (DataViewRowCursor cursor = data.GetRowCursor(columns))
        {
            Func<long, string> getContext = ContextReader.Create(cursor, context);
            var getObserved = cursor.GetGetter<VBuffer<float>>(observed);
            var getPredicted = predicted is DataViewSchema.Column pc ? cursor.GetGetter<VBuffer<float>>(pc) : null;
            var getControl = control is DataViewSchema.Column cc ? cursor.GetGetter<bool>(cc) : null;
            var getProbabilities = probabilities is DataViewSchema.Column pp ? cursor.GetGetter<VBuffer<float>>(pp) : null;
            Func<bool[]>? getTrueTargets = trueTargets is DataViewSchema.Column tc ? TargetReader(cursor, tc, d) : null;
            var getMean = meanColumn is DataViewSchema.Column mcc ? cursor.GetGetter<VBuffer<float>>(mcc) : null;
            var getSd = sdColumn is DataViewSchema.Column scc ? cursor.GetGetter<VBuffer<float>>(scc) : null;
            var getFeatures = features is DataViewSchema.Column fc ? cursor.GetGetter<VBuffer<float>>(fc) : null;
            VBuffer<float> buffer = default;
            bool isControl = false;
            long row = 0;
            while (cursor.MoveNext())
            {
                if ((row & 1023) == 0) cancellation.ThrowIfCancellationRequested();
                string name = getContext(row);
                getControl?.Invoke(ref isControl);
                if (options.ControlContextValue is string value) isControl = string.Equals(name, value, StringComparison.Ordinal);
                if (!groups.TryGetValue(name, out ContextGroup? group))
                {
                    group = new ContextGroup(name, isControl, d, row);
                    groups.Add(name, group);
                    order.Add(group);
                }
                else if (group.IsControl != isControl)
                    throw new ArgumentException($"Context '{name}': row {row} has {controlDescription} = {isControl} but row {group.FirstRow} has {group.IsControl}; a context is either control or not.");

                if (getFeatures is not null && group.Features is null)
                {
                    getFeatures(ref buffer);
                    group.Features = Dense(buffer, featureCount, features!.Value.Name, name, row, allowNaN: true);
                }
                getObserved(ref buffer);
                group.Observed.Add(Dense(buffer, d, observed.Name, name, row));
                if (getPredicted is not null)
                {
                    getPredicted(ref buffer);
                    group.Predicted.Add(Dense(buffer, d, predicted!.Value.Name, name, row));
                }
                if (getProbabilities is not null)
                {
                    getProbabilities(ref buffer);
                    float[] pi = Dense(buffer, d, probabilities!.Value.Name, name, row);
                    for (int j = 0; j < d; j++) group.TargetProbabilitySum[j] += pi[j];
                }
                if (getMean is not null && getSd is not null)
                {
                    getMean(ref buffer);
                    float[] mean = Dense(buffer, d, meanColumn!.Value.Name, name, row);
                    getSd(ref buffer);
                    // NaN is how a GIM fitted without calibration says "unknown": allowed here (no coverage), infinities are not.
                    float[] sd = Dense(buffer, d, sdColumn!.Value.Name, name, row, allowNaN: true);
                    group.AddMeanAndSd(mean, sd);
                }
                if (getTrueTargets is not null)
                {
                    bool[] targets = getTrueTargets();
                    if (group.TrueTargets is null) group.TrueTargets = targets;
                    else if (!group.TrueTargets.AsSpan().SequenceEqual(targets))
                        throw new ArgumentException($"Context '{name}': the true targets in column '{trueTargets!.Value.Name}' on row {row} differ from those on row {group.FirstRow}; a context has one set of targets.");
                }
                row++;
            }
        }
        foreach (ContextGroup g in order) g.HasTargetProbabilities = probabilities is not null;
        return new EvaluationData(d, order, probabilities is not null, controlDescription);
    }

    /// <summary>
    /// Checks, without running anything upstream of the data, that every non-control context of <paramref name="data"/> has
    /// features of a level <see cref="ScoringOptions.CovariateControls"/> knows, as the scorer will need (Compare does this
    /// for each split before any fit); an error names the context and the levels there are.
    /// </summary>
    public static void CheckCovariateLevels(IDataView data, PerturbationEvaluationOptions options)
    {
        if (options.CovariateControls is not { } levels) return;
        foreach (var (name, isControl, features) in ContextFeatures(data, options))
            if (!isControl) levels.ReferenceOf(features, name);
    }

    /// <summary>
    /// The non-control contexts of <paramref name="data"/> that are a covariate level's own control (another line's vehicle)
    /// by <see cref="ScoringOptions.CovariateControls"/>; empty without them. Cross-validation keeps them in every training fold.
    /// </summary>
    public static HashSet<string> LevelControlContexts(IDataView data, PerturbationEvaluationOptions options)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (options.CovariateControls is not { } levels) return names;
        foreach (var (name, isControl, features) in ContextFeatures(data, options))
            if (!isControl && levels.IsLevelControl(features)) names.Add(name);
        return names;
    }

    /// <summary>Each context's name, control flag and features (its first row's), reading only those columns.</summary>
    private static List<(string Name, bool IsControl, float[] Features)> ContextFeatures(IDataView data, PerturbationEvaluationOptions options)
    {
        DataViewSchema schema = data.Schema;
        DataViewSchema.Column context = Require(schema, options.ContextColumnName, "context");
        DataViewSchema.Column features = Require(schema, options.FeatureColumnName, "features (PerturbationEvaluationOptions.CovariateControls finds each context's covariate level by them)");
        int p = FloatVectorSize(features, "features");
        var (control, _) = ControlColumn(schema, options);
        var columns = new List<DataViewSchema.Column> { context, features };
        if (control is DataViewSchema.Column c) columns.Add(c);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(string, bool, float[])>();
        using DataViewRowCursor cursor = data.GetRowCursor(columns);
        Func<long, string> getContext = ContextReader.Create(cursor, context);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        var getControl = control is DataViewSchema.Column cc ? cursor.GetGetter<bool>(cc) : null;
        VBuffer<float> buffer = default;
        bool isControl = false;
        for (long row = 0; cursor.MoveNext(); row++)
        {
            if ((row & 1023) == 0) options.CancellationToken.ThrowIfCancellationRequested();
            string name = getContext(row);
            if (!seen.Add(name)) continue;
            getControl?.Invoke(ref isControl);
            if (options.ControlContextValue is string value) isControl = string.Equals(name, value, StringComparison.Ordinal);
            getFeatures(ref buffer);
            result.Add((name, isControl, Dense(buffer, p, features.Name, name, row, allowNaN: true)));
        }
        return result;
    }

    private static (DataViewSchema.Column? Column, string Description) ControlColumn(DataViewSchema schema, PerturbationEvaluationOptions options)
    {
        if (options.ControlContextValue is string value)
            return (null, $"context '{value}' in column '{options.ContextColumnName}'");
        if (string.IsNullOrWhiteSpace(options.ControlColumnName))
            return (null, "no control column or value set");
        DataViewSchema.Column? column = schema.GetColumnOrNull(options.ControlColumnName);
        if (column is null)
        {
            if (options.ControlStatistics is not null) return (null, $"column '{options.ControlColumnName}' absent");
            throw new ArgumentOutOfRangeException("data",
                $"Column '{options.ControlColumnName}' (control flag) was not found, and no ControlStatistics were given. Evaluation works in units standardised " +
                "by the control cells: include control rows (a Boolean control column, or set ControlContextValue), or set " +
                $"PerturbationEvaluationOptions.ControlStatistics (e.g. ControlStatistics.FromData(trainingData)). Available columns: {Available(schema)}.");
        }
        if (column.Value.Type != BooleanDataViewType.Instance)
            throw new ArgumentOutOfRangeException("data", $"Column '{column.Value.Name}' (control flag): expected a Boolean column; found {column.Value.Type}.");
        return (column, $"'{column.Value.Name}'");
    }

    private static Func<bool[]> TargetReader(DataViewRowCursor cursor, DataViewSchema.Column column, int d)
    {
        if (((VectorDataViewType)column.Type).ItemType == BooleanDataViewType.Instance)
        {
            var get = cursor.GetGetter<VBuffer<bool>>(column);
            VBuffer<bool> flags = default;
            return () =>
            {
                get(ref flags);
                var dense = new bool[d];
                flags.CopyTo(dense);
                return dense;
            };
        }
        var getFloat = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> values = default;
        return () =>
        {
            getFloat(ref values);
            var dense = new float[d];
            values.CopyTo(dense);
            return dense.Select(v => v != 0).ToArray();
        };
    }

    private static float[] Dense(in VBuffer<float> buffer, int size, string column, string context, long row, bool allowNaN = false)
    {
        var dense = new float[size];
        buffer.CopyTo(dense);
        for (int j = 0; j < size; j++)
            if (!float.IsFinite(dense[j]) && !(allowNaN && float.IsNaN(dense[j])))
                throw new ArgumentException($"Column '{column}', context '{context}', row {row}: value {j} is {dense[j]}; evaluation needs finite values.");
        return dense;
    }

    private static DataViewSchema.Column Require(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException("data",
            $"Column '{name}' ({role}) was not found in the evaluated data. Available columns: {Available(schema)}.");

    private static string Available(DataViewSchema schema) =>
        string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"));

    private static int FloatVectorSize(DataViewSchema.Column column, string role)
    {
        if (column.Type is VectorDataViewType { ItemType: NumberDataViewType n, Size: > 0 } v && n == NumberDataViewType.Single) return v.Size;
        throw new ArgumentOutOfRangeException("data", $"Column '{column.Name}' ({role}): expected {PerturbationInputColumns.FloatVector}; found {column.Type}.");
    }
}

/// <summary>One context's rows.</summary>
internal sealed class ContextGroup(string name, bool isControl, int variables, long firstRow)
{
    /// <summary>Whether the evaluated data had a target-probabilities column.</summary>
    public bool HasTargetProbabilities { get; set; }

    public string Name { get; } = name;
    public bool IsControl { get; } = isControl;
    public long FirstRow { get; } = firstRow;
    public List<float[]> Observed { get; } = new();
    public List<float[]> Predicted { get; } = new();
    public double[] TargetProbabilitySum { get; } = new double[variables];
    public bool[]? TrueTargets { get; set; }

    private double[]? _meanSum, _sdSum;
    private bool _sdUnknown;

    /// <summary>Adds one row's predicted mean and its standard deviation (a NaN standard deviation marks it unknown for the context).</summary>
    public void AddMeanAndSd(float[] mean, float[] sd)
    {
        _meanSum ??= new double[mean.Length];
        _sdSum ??= new double[sd.Length];
        for (int j = 0; j < mean.Length; j++)
        {
            _meanSum[j] += mean[j];
            _sdSum[j] += sd[j];
            if (float.IsNaN(sd[j])) _sdUnknown = true;
        }
    }

    public float[,] ObservedCells() => Stack(Observed);

    /// <summary>The context's features (its first row's), read only where the evaluation needs them.</summary>
    public float[]? Features { get; set; }

    /// <summary>The context as the scorer takes it: mean target probabilities over its rows when the data has them.</summary>
    public ScoredContext ToScored(bool hasTargetProbabilities) => new(Name, IsControl, ObservedCells(), Stack(Predicted),
        hasTargetProbabilities ? TargetProbabilitySum.Select(s => s / Observed.Count).ToArray() : null, TrueTargets,
        // The context's rows share its features, so their means and standard deviations are one value each (averaged).
        PredictedMean: _meanSum is null || _sdUnknown ? null : _meanSum.Select(s => s / Observed.Count).ToArray(),
        MeanStandardDeviation: _sdSum is null || _sdUnknown ? null : _sdSum.Select(s => s / Observed.Count).ToArray(),
        Features: Features);

    private static float[,] Stack(List<float[]> rows)
    {
        int d = rows.Count == 0 ? 0 : rows[0].Length;
        var cells = new float[rows.Count, d];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < d; j++) cells[i, j] = rows[i][j];
        return cells;
    }
}
