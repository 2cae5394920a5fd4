using Microsoft.Data.Analysis;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>Turns transformed data (predictions) back into a <see cref="DataFrame"/>, one numeric column per vector slot.</summary>
public static class PredictionDataFrameExtensions
{
    /// <summary>
    /// Reads every row of <paramref name="data"/> into a DataFrame. Vector columns of Single become one
    /// column per slot, named "Column.slot" (slot names from <paramref name="slotNames"/>, else from the
    /// column's SlotNames annotation, else the slot index); scalar Single, Double, Int32, Int64, Boolean and
    /// Text columns are copied; key columns are copied as their text values when they have them.
    /// </summary>
    /// <param name="data">The data to read (all rows are read, unlike DataFrame's own ToDataFrame, which stops at 100 by default).</param>
    /// <param name="slotNames">Names for the slots of vectors of this length (e.g. <see cref="PerturbationTransformer{TModel}.VariableNames"/>); null to use annotations.</param>
    /// <param name="columnNames">The columns to read, in this order; none means every supported, visible column.</param>
    public static DataFrame ToPredictionDataFrame(this IDataView data, IReadOnlyList<string>? slotNames = null, params string[] columnNames)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema schema = data.Schema;
        List<DataViewSchema.Column> columns = columnNames.Length > 0
            ? columnNames.Select(n => schema.GetColumnOrNull(n) ?? throw new ArgumentOutOfRangeException(nameof(columnNames),
                $"Column '{n}' was not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.")).ToList()
            : schema.Where(c => !c.IsHidden && FrameColumnWriter.IsSupported(c.Type)).ToList();
        var writers = columns.Select(c => FrameColumnWriter.Create(c, slotNames)).ToList();
        using (DataViewRowCursor cursor = data.GetRowCursor(columns))
        {
            var readers = writers.Select(w => w.Bind(cursor)).ToList();
            while (cursor.MoveNext())
                foreach (Action read in readers) read();
        }
        return new DataFrame(writers.SelectMany(w => w.Columns));
    }
}
