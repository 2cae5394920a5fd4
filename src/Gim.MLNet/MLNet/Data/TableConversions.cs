using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Csv;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>The tables the readers return (AnnData, CSV), as ML.NET data views and DataFrames.</summary>
public static class TableConversions
{
    /// <summary>
    /// A <see cref="DataFrame"/>: <see cref="AnnDataTable.ObsNameColumn"/>, the obs columns, then one float column
    /// per variable (named <paramref name="variablePrefix"/> + var name). Categoricals become string
    /// columns (null where missing).
    /// </summary>
    /// <param name="table">The cells read from an .h5ad file.</param>
    /// <param name="variablePrefix">Prefix for the variable columns, to keep them apart from obs columns.</param>
    public static DataFrame ToDataFrame(this AnnDataTable table, string variablePrefix = "")
    {
        ArgumentNullException.ThrowIfNull(table);
        var columns = new List<DataFrameColumn> { new StringDataFrameColumn(AnnDataTable.ObsNameColumn, table.ObsNames) };
        columns.AddRange(table.Obs.Select(FrameColumn));
        for (int j = 0; j < table.VariableCount; j++)
        {
            var values = new float[table.RowCount];
            for (int i = 0; i < table.RowCount; i++) values[i] = table.X[i, j];
            columns.Add(new SingleDataFrameColumn(variablePrefix + table.VarNames[j], values));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (DataFrameColumn column in columns)
            if (!names.Add(column.Name))
                throw new ArgumentException($"Two DataFrame columns would be named '{column.Name}' (an obs column and a variable, or '{AnnDataTable.ObsNameColumn}'); pass a variablePrefix such as \"gene_\".");
        return new DataFrame(columns);
    }

    /// <summary>
    /// An <see cref="IDataView"/>: <see cref="AnnDataTable.ObsNameColumn"/> (text), the obs columns (float,
    /// double, long, bool, or text for strings and categoricals) and a known-size float vector column
    /// of the measurements whose SlotNames annotation holds the var names.
    /// </summary>
    /// <param name="table">The cells read from an .h5ad file.</param>
    /// <param name="measurementsColumnName">The vector column's name (the GIM estimator's default is Measurements).</param>
    public static IDataView ToDataView(this AnnDataTable table, string measurementsColumnName = "Measurements")
    {
        ArgumentNullException.ThrowIfNull(table);
        var builder = new InMemoryDataViewBuilder(table.RowCount).Add(InMemoryColumn.Text(AnnDataTable.ObsNameColumn, table.ObsNames));
        foreach (AnnDataObsColumn column in table.Obs) builder.Add(ViewColumn(column));
        return builder.Add(InMemoryColumn.Vector(measurementsColumnName, table.X, table.VarNames)).Build();
    }

    /// <summary>
    /// An <see cref="IDataView"/> with the GIM estimator's default columns: Context (text),
    /// IsControl (bool), Features and Measurements (known-size float vectors whose SlotNames are the
    /// column names).
    /// </summary>
    /// <param name="table">The cells read from a CSV file.</param>
    public static IDataView ToDataView(this CsvPerturbationTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var controls = new HashSet<string>(table.ControlValues, StringComparer.Ordinal);
        return new InMemoryDataViewBuilder(table.RowCount)
            .Add(InMemoryColumn.Text("Context", table.Contexts.ToArray()))
            .Add(InMemoryColumn.Scalar("IsControl", BooleanDataViewType.Instance, table.Contexts.Select(controls.Contains).ToArray()))
            .Add(InMemoryColumn.Vector("Features", table.Features, table.FeatureNames))
            .Add(InMemoryColumn.Vector("Measurements", table.Measurements, table.VariableNames))
            .Build();
    }

    private static DataFrameColumn FrameColumn(AnnDataObsColumn column) => column switch
    {
        AnnDataBooleanColumn b => new BooleanDataFrameColumn(b.Name, b.Values),
        AnnDataNumericColumn<float> f => new SingleDataFrameColumn(f.Name, f.Values),
        AnnDataNumericColumn<double> d => new DoubleDataFrameColumn(d.Name, d.Values),
        AnnDataNumericColumn<long> l => new Int64DataFrameColumn(l.Name, l.Values),
        AnnDataCategoricalColumn c => new StringDataFrameColumn(c.Name, Enumerable.Range(0, c.Count).Select(i => c[i])),
        AnnDataStringColumn s => new StringDataFrameColumn(s.Name, s.Values),
        _ => throw new NotSupportedException($"Obs column '{column.Name}' of kind {column.Kind} has no DataFrame form."),
    };

    private static InMemoryColumn ViewColumn(AnnDataObsColumn column) => column switch
    {
        AnnDataBooleanColumn b => InMemoryColumn.Scalar(b.Name, BooleanDataViewType.Instance, b.Values),
        AnnDataNumericColumn<float> f => InMemoryColumn.Scalar(f.Name, NumberDataViewType.Single, f.Values),
        AnnDataNumericColumn<double> d => InMemoryColumn.Scalar(d.Name, NumberDataViewType.Double, d.Values),
        AnnDataNumericColumn<long> l => InMemoryColumn.Scalar(l.Name, NumberDataViewType.Int64, l.Values),
        AnnDataCategoricalColumn c => InMemoryColumn.Text(c.Name, Enumerable.Range(0, c.Count).Select(i => c[i]).ToArray()),
        AnnDataStringColumn s => InMemoryColumn.Text(s.Name, s.Values),
        _ => throw new NotSupportedException($"Obs column '{column.Name}' of kind {column.Kind} has no IDataView form."),
    };
}
