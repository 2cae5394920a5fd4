
namespace Gim.MLNet.Data.AnnData;

public sealed partial class AnnDataTable
{
    /// <summary>The column holding obs_names in the table's DataFrame and IDataView forms (<c>ToDataFrame</c>, <c>ToDataView</c> in Gim.MLNet).</summary>
    public const string ObsNameColumn = "ObsName";

    /// <summary>
    /// Groups the cells into contexts by <paramref name="contextColumn"/> (in order of first
    /// appearance) with features from numeric or bool obs columns, which must be identical within a
    /// context; measurements are <see cref="X"/>.
    /// </summary>
    /// <param name="contextColumn">The obs column naming each cell's condition (any kind; compared as text).</param>
    /// <param name="controlValues">The context values of the control (unperturbed) cells; each must occur.</param>
    /// <param name="featureColumns">Numeric or bool obs columns describing the perturbation (doses, indicators).</param>
    public PerturbationDataset ToPerturbationDataset(string contextColumn, IEnumerable<string> controlValues, IReadOnlyList<string> featureColumns) =>
        ToPerturbationDataset(contextColumn, controlValues, featureColumns, combinations: null);

    /// <summary>
    /// As <see cref="ToPerturbationDataset(string, IEnumerable{string}, IReadOnlyList{string})"/>, for context labels that
    /// name combinations ("A+B", "A+ctrl", "ctrl"): the features are one 0/1 indicator per perturbation the labels name
    /// (<paramref name="combinations"/>; in order of first appearance), then <paramref name="featureColumns"/>.
    /// </summary>
    /// <param name="contextColumn">The obs column naming each cell's condition (any kind; compared as text).</param>
    /// <param name="controlValues">The context values of the control (unperturbed) cells; each must occur.</param>
    /// <param name="featureColumns">Numeric or bool obs columns describing the perturbation, after the indicators (may be empty).</param>
    /// <param name="combinations">How labels name combinations; null: labels are plain names (no indicators).</param>
    public PerturbationDataset ToPerturbationDataset(string contextColumn, IEnumerable<string> controlValues, IReadOnlyList<string> featureColumns,
        CombinationLabels? combinations)
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
        string[] controls = controlValues.ToArray();
        string RowLabel(int i) => $"cell '{ObsNames[i]}' (obs row {SourceRows[i]})";
        IReadOnlyList<string> names = featureColumns;
        if (combinations is not null)
            (featureValues, names) = combinations.Prepend(Source, "obs/" + contextColumn, labels, RowLabel, featureValues, featureColumns, controls);
        return PerturbationGrouper.Group(Source, "obs/" + contextColumn, labels, RowLabel, featureValues, X, controls, names, VarNames);
    }

    /// <summary>
    /// Groups the cells into contexts by the columns of <paramref name="design"/> (perturbation, dose, covariates), with
    /// features from its descriptor table, dose, covariate levels and feature columns (see <see cref="ScreenDesign"/>);
    /// measurements are <see cref="X"/>. A dose stored as a categorical of numbers ("10", "100") is read as numbers.
    /// Every column the design names must have been loaded (<see cref="AnnDataReadOptions.ObsColumns"/>).
    /// </summary>
    /// <param name="design">Which obs columns say what.</param>
    public PerturbationDataset ToPerturbationDataset(ScreenDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        var rows = new ScreenRows(Source, RowCount, i => $"cell '{ObsNames[i]}' (obs row {SourceRows[i]})", name => "obs/" + name,
            name => Column(name).FormatValue, name => Column(name).Numbers(), X, VarNames);
        return rows.ToDataset(design);
    }
}
