namespace Gim.MLNet.Data.Csv;

/// <summary>
/// Which columns of a one-row-per-cell CSV play which role: the context (condition) column, the
/// perturbation features, and the measured variables. Columns are picked by name or by name prefix.
/// </summary>
public sealed class CsvColumnRoles
{
    /// <summary>Creates the mapping.</summary>
    /// <param name="contextColumn">The column naming each cell's condition.</param>
    /// <param name="controlValues">The context values of the control (unperturbed) cells.</param>
    public CsvColumnRoles(string contextColumn, params string[] controlValues)
    {
        ContextColumn = contextColumn ?? throw new ArgumentNullException(nameof(contextColumn));
        ControlValues = controlValues ?? throw new ArgumentNullException(nameof(controlValues));
    }

    /// <summary>The column naming each cell's condition.</summary>
    public string ContextColumn { get; }

    /// <summary>The context values of the control cells; each must occur.</summary>
    public IReadOnlyList<string> ControlValues { get; }

    /// <summary>The feature columns by name, in this order. Set this or <see cref="FeaturePrefix"/>.</summary>
    public IReadOnlyList<string>? FeatureColumns { get; set; }

    /// <summary>Every column whose name starts with this is a feature (in file order); the prefix is kept in the feature name.</summary>
    public string? FeaturePrefix { get; set; }

    /// <summary>The measurement columns by name, in this order. With neither this nor <see cref="MeasurementPrefix"/>, every column that is not the context, a feature or ignored is a measurement.</summary>
    public IReadOnlyList<string>? MeasurementColumns { get; set; }

    /// <summary>Every column whose name starts with this is a measurement (in file order).</summary>
    public string? MeasurementPrefix { get; set; }

    /// <summary>
    /// Columns kept as text, neither features nor measurements: the dose and covariate columns a <see cref="ScreenDesign"/>
    /// reads (cell line names, doses). Default none.
    /// </summary>
    public IReadOnlyList<string> TextColumns { get; set; } = Array.Empty<string>();

    /// <summary>Columns to skip (cell ids, annotations) when measurements are "all other columns".</summary>
    public IReadOnlyList<string> IgnoredColumns { get; set; } = Array.Empty<string>();

    /// <summary>The field separator; default ','. It is not guessed, so a file in another dialect fails loudly.</summary>
    public char Delimiter { get; set; } = ',';
}
