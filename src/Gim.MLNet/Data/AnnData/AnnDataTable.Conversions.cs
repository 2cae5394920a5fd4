using Microsoft.Data.Analysis;
using Microsoft.ML;

namespace Gim.MLNet.Data.AnnData;

public sealed partial class AnnDataTable
{
    /// <summary>The column holding obs_names in <see cref="ToDataFrame"/> and <see cref="ToDataView"/>.</summary>
    public const string ObsNameColumn = "ObsName";

    /// <summary>
    /// A <see cref="DataFrame"/>: <see cref="ObsNameColumn"/>, the obs columns, then one float column
    /// per variable (named <paramref name="variablePrefix"/> + var name). Categoricals become string
    /// columns (null where missing).
    /// </summary>
    /// <param name="variablePrefix">Prefix for the variable columns, to keep them apart from obs columns.</param>
    public DataFrame ToDataFrame(string variablePrefix = "")
    {
        var columns = new List<DataFrameColumn> { new StringDataFrameColumn(ObsNameColumn, ObsNames) };
        columns.AddRange(Obs.Select(c => c.ToDataFrameColumn()));
        for (int j = 0; j < VariableCount; j++)
        {
            var values = new float[RowCount];
            for (int i = 0; i < RowCount; i++) values[i] = X[i, j];
            columns.Add(new SingleDataFrameColumn(variablePrefix + VarNames[j], values));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (DataFrameColumn column in columns)
            if (!names.Add(column.Name))
                throw new ArgumentException($"Two DataFrame columns would be named '{column.Name}' (an obs column and a variable, or '{ObsNameColumn}'); pass a variablePrefix such as \"gene_\".");
        return new DataFrame(columns);
    }

    /// <summary>
    /// An <see cref="IDataView"/>: <see cref="ObsNameColumn"/> (text), the obs columns (float,
    /// double, long, bool, or text for strings and categoricals) and a known-size float vector column
    /// of the measurements whose SlotNames annotation holds the var names.
    /// </summary>
    /// <param name="measurementsColumnName">The vector column's name (the GIM estimator's default is Measurements).</param>
    public IDataView ToDataView(string measurementsColumnName = "Measurements")
    {
        var builder = new InMemoryDataViewBuilder(RowCount).Add(InMemoryColumn.Text(ObsNameColumn, ObsNames));
        foreach (AnnDataObsColumn column in Obs) builder.Add(column.ToDataViewColumn());
        return builder.Add(InMemoryColumn.Vector(measurementsColumnName, X, VarNames)).Build();
    }

    /// <summary>
    /// Groups the cells into contexts by <paramref name="contextColumn"/> (in order of first
    /// appearance) with features from numeric or bool obs columns, which must be identical within a
    /// context; measurements are <see cref="X"/>.
    /// </summary>
    /// <param name="contextColumn">The obs column naming each cell's condition (any kind; compared as text).</param>
    /// <param name="controlValues">The context values of the control (unperturbed) cells; each must occur.</param>
    /// <param name="featureColumns">Numeric or bool obs columns describing the perturbation (doses, indicators).</param>
    public PerturbationDataset ToPerturbationDataset(string contextColumn, IEnumerable<string> controlValues, IReadOnlyList<string> featureColumns)
    {
        AnnDataObsColumn context = Column(contextColumn);
        AnnDataObsColumn[] features = featureColumns.Select(Column).ToArray();
        var featureValues = new float[RowCount, features.Length];
        for (int j = 0; j < features.Length; j++)
            for (int i = 0; i < RowCount; i++)
            {
                if (!features[j].TryGetNumber(i, out double value))
                    throw new DataFileException(Source, "obs/" + features[j].Name, null,
                        $"feature column '{features[j].Name}' is {features[j].Kind}; features must be numeric or bool obs columns (encode a categorical as indicator or dose columns first).");
                featureValues[i, j] = (float)value;
            }
        string?[] labels = Enumerable.Range(0, RowCount).Select(context.FormatValue).ToArray();
        return PerturbationGrouper.Group(Source, "obs/" + contextColumn, labels, i => $"cell '{ObsNames[i]}' (obs row {SourceRows[i]})",
            featureValues, X, controlValues.ToArray(), featureColumns, VarNames);
    }
}
