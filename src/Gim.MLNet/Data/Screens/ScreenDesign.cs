namespace Gim.MLNet.Data;

/// <summary>How a dose column becomes a feature.</summary>
public enum DoseEncoding
{
    /// <summary>
    /// log10(1 + dose), 0 for the vehicle (CPA's and chemCPA's encoding): doses spanning decades (10 nM to 10 µM) become
    /// evenly spaced features. The default, for models that read the dose as one more feature.
    /// </summary>
    Log10OnePlus,

    /// <summary>
    /// The concentration itself, 0 for the vehicle: what GIM's saturating dose path (<c>GimOptions.DoseFeature</c>) reads.
    /// </summary>
    Concentration,
}

/// <summary>
/// How a one-row-per-cell drug or genetic screen becomes contexts and features, when the condition is spread over several
/// columns as screens record it (sci-Plex: <c>product_name</c>, <c>dose</c>, <c>cell_type</c>): a context is each
/// distinct combination of perturbation, dose and covariate values; its features are the perturbation's descriptors
/// (joined from a <see cref="DescriptorTable"/> by name), its dose, indicators of its covariate levels, and any numeric
/// per-cell feature columns. Apply it with <c>AnnDataTable.ToPerturbationDataset(ScreenDesign)</c> or
/// <c>CsvPerturbationTable.ToPerturbationDataset(ScreenDesign)</c>.
/// </summary>
/// <remarks>
/// <para>Features, in this order: one 0/1 indicator per perturbation when <see cref="Combinations"/> is set; the
/// descriptors (summed over the perturbations of a combination; zero for the vehicle); the dose feature; one 0/1
/// indicator per covariate level other than the reference (named <c>column=level</c>); <see cref="FeatureColumns"/>.</para>
/// <para>Controls: GIM has one causal model of the unperturbed cells, so exactly one covariate level's vehicle cells are
/// the control: those at the <see cref="ReferenceLevels"/> (by default the levels of the first vehicle cell). The vehicle
/// cells of another level (another cell line) form a context of their own, perturbed by that level: the model learns
/// the cell line's difference from the reference as it learns a drug's, from the covariate indicators, and a drug's
/// context in that line gets both. Such a vehicle context has dose 0, which GIM's saturating dose path cannot represent
/// (it scales every shift by the dose curve): with covariates, read the dose as <see cref="DoseEncoding.Log10OnePlus"/>.</para>
/// <para>Groups: every context of one perturbation (all its doses and covariate levels) shares the group named by the
/// perturbation, so a split by perturbation holds out a drug with all its doses.</para>
/// </remarks>
public sealed class ScreenDesign
{
    /// <summary>Creates a design.</summary>
    /// <param name="perturbationColumn">The column naming each cell's perturbation (drug, guide; a combination label with <see cref="Combinations"/>).</param>
    /// <param name="controlValues">The perturbation values of the vehicle (unperturbed) cells, e.g. "vehicle" or "DMSO"; at least one, each must occur.</param>
    public ScreenDesign(string perturbationColumn, params string[] controlValues)
    {
        if (string.IsNullOrWhiteSpace(perturbationColumn))
            throw new ArgumentException("Name the column of each cell's perturbation, e.g. \"product_name\".", nameof(perturbationColumn));
        ArgumentNullException.ThrowIfNull(controlValues);
        if (controlValues.Length == 0 || controlValues.Any(string.IsNullOrEmpty))
            throw new ArgumentException("Give the perturbation value(s) of the vehicle cells, e.g. \"vehicle\"; GIM needs control cells.", nameof(controlValues));
        PerturbationColumn = perturbationColumn;
        ControlValues = controlValues.ToArray();
    }

    /// <summary>The column naming each cell's perturbation.</summary>
    public string PerturbationColumn { get; }

    /// <summary>The perturbation values of the vehicle cells.</summary>
    public IReadOnlyList<string> ControlValues { get; }

    /// <summary>
    /// The numeric column holding each cell's dose (a concentration ≥ 0, in the file's unit; read only on perturbed
    /// cells: a vehicle's dose is 0 whatever the file says), or null for none. Each dose is its own context.
    /// </summary>
    public string? DoseColumn { get; init; }

    /// <summary>How the dose becomes a feature. Default <see cref="DoseEncoding.Log10OnePlus"/>.</summary>
    public DoseEncoding DoseEncoding { get; init; } = DoseEncoding.Log10OnePlus;

    /// <summary>
    /// Columns whose values split contexts and become indicator features (cell line, cell type, batch); any kind, compared
    /// as text. Default none.
    /// </summary>
    public IReadOnlyList<string> Covariates { get; init; } = Array.Empty<string>();

    /// <summary>
    /// The level of each covariate whose vehicle cells are the control, by column; a covariate not listed takes the level
    /// of the first vehicle cell. Default none listed.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ReferenceLevels { get; init; }

    /// <summary>Per-perturbation descriptors joined by the perturbation's name; every perturbation needs a row. Default none.</summary>
    public DescriptorTable? Descriptors { get; init; }

    /// <summary>When the perturbation column holds combination labels ("A+B"): how to read them. Default null (plain names).</summary>
    public CombinationLabels? Combinations { get; init; }

    /// <summary>Numeric per-cell columns that are features too, identical within a context. Default none.</summary>
    public IReadOnlyList<string> FeatureColumns { get; init; } = Array.Empty<string>();

    /// <summary>The dose feature's name: the dose column's for <see cref="DoseEncoding.Concentration"/>, else <c>log10(1+COLUMN)</c>; null without a dose.</summary>
    public string? DoseFeatureName => DoseColumn is null ? null : DoseEncoding == DoseEncoding.Concentration ? DoseColumn : $"log10(1+{DoseColumn})";
}
