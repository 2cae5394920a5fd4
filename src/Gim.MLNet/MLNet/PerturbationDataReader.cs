using Gim.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.MLNet;

/// <summary>
/// Reads one-row-per-cell data (features, measurements, context, control flag) into a
/// <see cref="PerturbationDataset"/>: rows are grouped by context in order of first appearance.
/// </summary>
internal static class PerturbationDataReader
{
    public static PerturbationDataset Read(IDataView data, PerturbationEstimatorOptions options, CancellationToken cancellation)
    {
        DataViewSchema schema = data.Schema;
        DataViewSchema.Column features = schema[options.FeatureColumnName];
        DataViewSchema.Column measurements = schema[options.MeasurementsColumnName];
        DataViewSchema.Column context = schema[options.ContextColumnName];
        DataViewSchema.Column? control = options.ControlContextValue is null ? schema[options.ControlColumnName!] : null;
        int p = ((VectorDataViewType)features.Type).Size, d = ((VectorDataViewType)measurements.Type).Size;

        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        var order = new List<Group>();
        var columns = new List<DataViewSchema.Column> { features, measurements, context };
        if (control is DataViewSchema.Column c) columns.Add(c);
        using (DataViewRowCursor cursor = data.GetRowCursor(columns))
        {
            var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
            var getMeasurements = cursor.GetGetter<VBuffer<float>>(measurements);
            Func<long, string> getContext = ContextReader.Create(cursor, context);
            var getControl = control is DataViewSchema.Column cc ? cursor.GetGetter<bool>(cc) : null;
            VBuffer<float> featureBuffer = default, measurementBuffer = default;
            bool isControl = false;
            long row = 0;
            while (cursor.MoveNext())
            {
                if ((row & 1023) == 0) cancellation.ThrowIfCancellationRequested();
                string name = getContext(row);
                getFeatures(ref featureBuffer);
                getMeasurements(ref measurementBuffer);
                getControl?.Invoke(ref isControl);
                if (options.ControlContextValue is string value) isControl = string.Equals(name, value, StringComparison.Ordinal);
                float[] gamma = Dense(featureBuffer, p);
                if (!groups.TryGetValue(name, out Group? group))
                {
                    group = new Group(name, gamma, isControl, row);
                    groups.Add(name, group);
                    order.Add(group);
                }
                else
                {
                    if (!gamma.AsSpan().SequenceEqual(group.Features))
                        throw new ArgumentException(
                            $"Context '{name}': the features in column '{features.Name}' on row {row} differ from those on row {group.FirstRow} " +
                            $"([{Format(gamma)}] vs [{Format(group.Features)}]); a context's features must be identical on all its rows.");
                    if (isControl != group.IsControl)
                        throw new ArgumentException(
                            $"Context '{name}': row {row} has {ControlDescription(options)} = {isControl} but row {group.FirstRow} has {group.IsControl}; a context is either control or not.");
                }
                group.Cells.Add(Dense(measurementBuffer, d));
                row++;
            }
        }

        if (options.ControlContextValue is string controlValue && !groups.ContainsKey(controlValue))
            throw new ArgumentException($"No rows have context '{controlValue}' ({options.OptionsName}.ControlContextValue) in column '{context.Name}'; contexts seen: {string.Join(", ", order.Take(10).Select(g => $"'{g.Name}'"))}{(order.Count > 10 ? ", ..." : "")}.");

        var contexts = order.Select(g => new PerturbationContext(g.Name, g.Features, ToMatrix(g.Cells, d), g.IsControl)).ToList();
        return new PerturbationDataset(contexts, SlotNames(measurements, d), SlotNames(features, p));
    }

    private static string ControlDescription(PerturbationEstimatorOptions options) => $"'{options.ControlColumnName}'";

    private static float[] Dense(in VBuffer<float> buffer, int size)
    {
        var dense = new float[size];
        buffer.CopyTo(dense);
        return dense;
    }

    private static float[,] ToMatrix(List<float[]> rows, int d)
    {
        var m = new float[rows.Count, d];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < d; j++)
                m[i, j] = rows[i][j];
        return m;
    }

    /// <summary>Slot names when present, non-empty and unique; otherwise null (the data set names them x0, f0...).</summary>
    private static string[]? SlotNames(DataViewSchema.Column column, int size)
    {
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is null) return null;
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.Annotations.GetValue("SlotNames", ref names);
        if (names.Length != size) return null;
        string[] result = names.DenseValues().Select(n => n.ToString()).ToArray();
        return result.All(n => n.Length > 0) && result.Distinct(StringComparer.Ordinal).Count() == size ? result : null;
    }

    private static string Format(float[] v) => string.Join(", ", v.Take(6).Select(x => x.ToString("G6"))) + (v.Length > 6 ? ", ..." : "");

    private sealed class Group(string name, float[] features, bool isControl, long firstRow)
    {
        public string Name { get; } = name;
        public float[] Features { get; } = features;
        public bool IsControl { get; } = isControl;
        public long FirstRow { get; } = firstRow;
        public List<float[]> Cells { get; } = new();
    }
}
