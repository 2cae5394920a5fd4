
namespace Gim.MLNet.Data.Csv;

/// <summary>
/// A one-row-per-cell CSV as read by <see cref="CsvPerturbationReader"/>: each row's context, features
/// and measurements, with the line it came from.
/// </summary>
public sealed class CsvPerturbationTable
{
    internal CsvPerturbationTable(string source, string contextColumn, string[] controlValues, string[] contexts, long[] lines,
        string[] featureNames, float[,] features, string[] variableNames, float[,] measurements)
    {
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

    /// <summary>Number of rows (cells).</summary>
    public int RowCount => Contexts.Count;

    /// <summary>
    /// Groups rows into contexts (in order of first appearance); a context's features must be the
    /// same on all its rows, and every control value must occur.
    /// </summary>
    public PerturbationDataset ToPerturbationDataset() => ToPerturbationDataset(null);

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
}
