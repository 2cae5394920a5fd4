
namespace Gim.MLNet.Data.Csv;

/// <summary>
/// A one-row-per-cell CSV as read by <see cref="CsvPerturbationReader"/>: each row's context, features
/// and measurements, with the line it came from.
/// </summary>
public sealed class CsvPerturbationTable
{
    internal CsvPerturbationTable(string source, string contextColumn, string[] controlValues, string[] contexts, long[] lines,
        string[] featureNames, float[,] features, string[] variableNames, float[,] measurements, IReadOnlyDictionary<string, string[]> textColumns)
    {
        TextColumns = textColumns;
        Source = source;
        ContextColumn = contextColumn;
        ControlValues = controlValues;
        Contexts = contexts;
        Lines = lines;
        FeatureNames = featureNames;
        Features = features;
        VariableNames = variableNames;
        Measurements = measurements;
    }

    /// <summary>The file (or source name).</summary>
    public string Source { get; }

    /// <summary>The context column's name.</summary>
    public string ContextColumn { get; }

    /// <summary>The control context values.</summary>
    public IReadOnlyList<string> ControlValues { get; }

    /// <summary>Each row's context.</summary>
    public IReadOnlyList<string> Contexts { get; }

    /// <summary>Each row's line in the file (the header is line 1).</summary>
    public IReadOnlyList<long> Lines { get; }

    /// <summary>The feature column names.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Features, rows × features.</summary>
    public float[,] Features { get; }

    /// <summary>The measurement column names.</summary>
    public IReadOnlyList<string> VariableNames { get; }

    /// <summary>Measurements, rows × variables.</summary>
    public float[,] Measurements { get; }

    /// <summary>The columns kept as text (<see cref="CsvColumnRoles.TextColumns"/>), each row's value by column name.</summary>
    public IReadOnlyDictionary<string, string[]> TextColumns { get; }

    /// <summary>Number of rows (cells).</summary>
    public int RowCount => Contexts.Count;

    /// <summary>
    /// Groups rows into contexts (in order of first appearance); a context's features must be the
    /// same on all its rows, and every control value must occur.
    /// </summary>
    public PerturbationDataset ToPerturbationDataset() => ToPerturbationDataset((CombinationLabels?)null);

    /// <summary>
    /// As <see cref="ToPerturbationDataset()"/>, for context labels that name combinations ("A+B", "A+ctrl", "ctrl"): the
    /// features are one 0/1 indicator per perturbation the labels name (in order of first appearance), then the feature
    /// columns.
    /// </summary>
    /// <param name="combinations">How labels name combinations; null: labels are plain names (no indicators).</param>
    public PerturbationDataset ToPerturbationDataset(CombinationLabels? combinations)
    {
        string RowLabel(int i) => $"line {Lines[i]}";
        var (features, names) = combinations is null
            ? (Features, FeatureNames)
            : combinations.Prepend(Source, ContextColumn, Contexts, RowLabel, Features, FeatureNames, ControlValues.ToArray());
        return PerturbationGrouper.Group(Source, ContextColumn, Contexts, RowLabel, features, Measurements, ControlValues.ToArray(), names, VariableNames);
    }

    /// <summary>
    /// Groups rows into contexts by the columns of <paramref name="design"/> (perturbation, dose, covariates), with features
    /// from its descriptor table, dose, covariate levels and feature columns (see <see cref="ScreenDesign"/>). The
    /// perturbation column is the table's context column; the dose and covariate columns must have been read as
    /// <see cref="CsvColumnRoles.TextColumns"/> (or as features, for a numeric dose); the design's feature columns are
    /// feature columns of the table.
    /// </summary>
    /// <param name="design">Which columns say what.</param>
    public PerturbationDataset ToPerturbationDataset(ScreenDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        if (design.PerturbationColumn != ContextColumn)
            throw new ArgumentException($"ScreenDesign.PerturbationColumn is '{design.PerturbationColumn}' but the table was read with context column '{ContextColumn}'; read it with CsvColumnRoles' context column set to the perturbation column.", nameof(design));
        int FeatureIndex(string name) => FeatureNames.ToList().IndexOf(name);
        Func<int, string?> Text(string name)
        {
            if (name == ContextColumn) return i => Contexts[i];
            if (TextColumns.TryGetValue(name, out string[]? values)) return i => values[i].Length == 0 ? null : values[i];
            int q = FeatureIndex(name);
            if (q >= 0) return i => Features[i, q].ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            throw Missing(name);
        }
        Func<int, double>? Number(string name)
        {
            int q = FeatureIndex(name);
            if (q >= 0) return i => Features[i, q];
            if (!TextColumns.TryGetValue(name, out string[]? values))
                throw name == ContextColumn ? new DataFileException(Source, name, null, $"the context column '{name}' holds names, not numbers.") : Missing(name);
            // Parsed row by row: only the rows that need a number must hold one (a vehicle's "NA" dose is never read).
            return i => ScreenRows.ParseNumber(values[i]);
        }
        DataFileException Missing(string name) => new(Source, name, null,
            $"column '{name}' was not read; list it in CsvColumnRoles.TextColumns (dose, covariates) or FeatureColumns (numeric features).");
        var rows = new ScreenRows(Source, RowCount, i => $"line {Lines[i]}", name => name, Text, Number, Measurements, VariableNames);
        return rows.ToDataset(design);
    }
}
