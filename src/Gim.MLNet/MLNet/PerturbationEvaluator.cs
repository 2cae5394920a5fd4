using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.MLNet;

/// <summary>Per-context mean RMSE between two vector columns (see <see cref="PerturbationCatalog.Evaluate"/>).</summary>
internal static class PerturbationEvaluator
{
    public static PerturbationEvaluation Evaluate(IDataView data, string contextColumnName, string predictedColumnName, string observedColumnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema schema = data.Schema;
        DataViewSchema.Column context = Require(schema, contextColumnName, "context");
        int d = VectorSize(schema, predictedColumnName, "predicted cells");
        int observedSize = VectorSize(schema, observedColumnName, "observed cells");
        if (observedSize != d)
            throw new ArgumentOutOfRangeException(nameof(data), $"Column '{predictedColumnName}' has {d} values per row but column '{observedColumnName}' has {observedSize}; they must describe the same variables.");
        if (!GimInputColumns.IsContextType(context.Type))
            throw new ArgumentOutOfRangeException(nameof(data), $"Column '{contextColumnName}' (context): expected a key, string (Text) or integer column; found {context.Type}.");

        var sums = new Dictionary<string, (double[] Predicted, double[] Observed, int Rows)>(StringComparer.Ordinal);
        var order = new List<string>();
        DataViewSchema.Column predicted = schema[predictedColumnName], observed = schema[observedColumnName];
        using (DataViewRowCursor cursor = data.GetRowCursor(new[] { context, predicted, observed }))
        {
            Func<long, string> getContext = ContextReader.Create(cursor, context);
            var getPredicted = cursor.GetGetter<VBuffer<float>>(predicted);
            var getObserved = cursor.GetGetter<VBuffer<float>>(observed);
            VBuffer<float> p = default, o = default;
            long row = 0;
            while (cursor.MoveNext())
            {
                string name = getContext(row++);
                getPredicted(ref p);
                getObserved(ref o);
                if (!sums.TryGetValue(name, out var acc))
                {
                    acc = (new double[d], new double[d], 0);
                    order.Add(name);
                }
                int j = 0;
                foreach (float v in p.DenseValues()) acc.Predicted[j++] += v;
                j = 0;
                foreach (float v in o.DenseValues()) acc.Observed[j++] += v;
                sums[name] = (acc.Predicted, acc.Observed, acc.Rows + 1);
            }
        }
        var perContext = order.Select(name =>
        {
            var (pred, obs, rows) = sums[name];
            double squared = 0;
            for (int j = 0; j < d; j++)
            {
                double diff = (pred[j] - obs[j]) / rows;
                squared += diff * diff;
            }
            return new ContextEvaluation(name, rows, Math.Sqrt(squared / d));
        }).ToList();
        return new PerturbationEvaluation(perContext);
    }

    private static DataViewSchema.Column Require(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema),
            $"Column '{name}' ({role}) was not found in the input. Available columns: {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");

    private static int VectorSize(DataViewSchema schema, string name, string role)
    {
        DataViewSchema.Column column = Require(schema, name, role);
        if (column.Type is VectorDataViewType { ItemType: NumberDataViewType n, Size: > 0 } v && n == NumberDataViewType.Single) return v.Size;
        throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{name}' ({role}): expected {GimInputColumns.FloatVector}; found {column.Type}.");
    }
}
