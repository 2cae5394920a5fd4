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
/// <para>Features, in this order: one 0/1 indicator per perturbation when <see cref="Combinations"/> or
/// <see cref="PerturbationIndicators"/> is set; the
/// descriptors (summed over the perturbations of a combination; zero for the vehicle); the dose feature; one 0/1
/// indicator per guide with <see cref="GuideColumn"/>; one 0/1 indicator per covariate level other than the reference
/// (named <c>column=level</c>); <see cref="FeatureColumns"/>.</para>
/// <para>Controls: GIM has one causal model of the unperturbed cells, so exactly one covariate level's vehicle cells are
/// the control: those at the <see cref="ReferenceLevels"/> (by default the levels of the first vehicle cell). The vehicle
/// cells of another level (another cell line) form a context of their own, perturbed by that level: the model learns
/// the cell line's difference from the reference as it learns a drug's, from the covariate indicators, and a drug's
/// context in that line gets both. Such a vehicle context has dose 0, which GIM's saturating dose path zeroes: give GIM
/// the covariate indicators as <c>GimOptions.CovariateFeatures</c> too, so the line's difference does not go through the
/// dose curve (docs/method.md, "Covariates").</para>
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

    /// <summary>
    /// When true, every perturbation the data names gets a 0/1 indicator feature of its own (named by the perturbation),
    /// besides its descriptors: what a drug does beyond what its descriptors say can then be learned for the drugs that were
    /// measured (at a dose or in a cell line not measured, the drug keeps it), while a perturbation the model has no
    /// indicator for (a new drug) is predicted from its descriptors alone (its indicators are all 0). Needs
    /// <see cref="Descriptors"/> for new perturbations to be predictable. Combination labels (<see cref="Combinations"/>)
    /// always have these indicators. Default false: on development seeds it helped on the sciplex-like screen (noisy
    /// descriptors, many cells) and hurt new drugs on the Hill panel (descriptors that determine the effect, few cells);
    /// docs/data.md.
    /// </summary>
    public bool PerturbationIndicators { get; init; }

    /// <summary>How labels become indicator features: the combinations', each whole label with <see cref="PerturbationIndicators"/>, or none.</summary>
    internal CombinationLabels? Indicators => Combinations ?? (PerturbationIndicators ? CombinationLabels.WholeLabels : null);

    /// <summary>
    /// The column naming each perturbed cell's CRISPR guide, for genetic screens that record the targeted gene in
    /// <see cref="PerturbationColumn"/> and the guide beside it (obs <c>perturbation</c> = "GENE", <c>guide_id</c> =
    /// "GENE_sg1"). Default null: a gene's guides pool into one context. When set:
    /// <list type="bullet">
    /// <item>each guide's cells are a context of their own, named <c>GENE|guide_id=GENE_sg1</c> (after any dose, before the
    /// covariates), in the group of its gene: a split by perturbation holds out a gene with all its guides;</item>
    /// <item>each guide gets a 0/1 indicator feature named <c>guide_id=GENE_sg1</c> (after the dose, before the covariates), so
    /// a model can learn how strongly each guide hits its gene (GIM's known-target strength is read from the features,
    /// <c>GimOptions.KnownTargets</c>). With <see cref="Combinations"/>, a guide value is split like the labels
    /// ("sgA_1+sgB_2" sets two indicators; parts named in <see cref="CombinationLabels.NonTargeting"/> are dropped), so a
    /// pair's guides share the singles' indicators. A guide name must belong to one gene: one found under perturbations
    /// that share no gene is an error naming both rows;</item>
    /// <item>the vehicle cells' guides (non-targeting guides) are not read: they pool into the control, or into their
    /// covariate level's vehicle context;</item>
    /// <item>a guide the model has no indicator for (every guide of a gene never measured, or a query by the gene's name alone,
    /// <see cref="FeaturesFor"/> without a guide) has all guide indicators 0. No training context had that (each had one
    /// guide's), so for a measured gene it is an extrapolation: a guide not measured, not an average of the gene's guides.</item>
    /// </list>
    /// A perturbed cell without a guide value is an error naming the row.
    /// </summary>
    public string? GuideColumn { get; init; }

    /// <summary>Numeric per-cell columns that are features too, identical within a context. Default none.</summary>
    public IReadOnlyList<string> FeatureColumns { get; init; } = Array.Empty<string>();

    /// <summary>
    /// The features to make, by name and in order: a fitted model's (its training data's <c>FeatureNames</c>), so that
    /// held-out data read with this design gets exactly the features the model expects (<see cref="FeaturesFor"/>), even
    /// when it lacks a covariate level or a perturbation the training data had. Null (default): the features the data
    /// implies. With covariates, set <see cref="ReferenceLevels"/> too.
    /// </summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>
    /// Every column this design reads, once each: the perturbation column, then the covariates, the feature columns, the
    /// dose column and the guide column (where set). What a reader must load, and what is not a measurement.
    /// </summary>
    public IReadOnlyList<string> Columns => new[] { PerturbationColumn }.Concat(Covariates).Concat(FeatureColumns)
        .Concat(new[] { DoseColumn, GuideColumn }.OfType<string>()).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The dose feature's name: the dose column's for <see cref="DoseEncoding.Concentration"/>, else <c>log10(1+COLUMN)</c>; null without a dose.</summary>
    public string? DoseFeatureName => DoseColumn is null ? null : DoseEncoding == DoseEncoding.Concentration ? DoseColumn : $"log10(1+{DoseColumn})";

    /// <summary>
    /// The feature vector a model with <paramref name="featureNames"/> (fitted on data read with this design) expects for
    /// <paramref name="perturbation"/> at <paramref name="dose"/> in the covariate levels <paramref name="covariates"/>:
    /// each descriptor from <see cref="Descriptors"/> (summed over a combination's parts; 0 for the vehicle), the dose
    /// feature, each covariate indicator, and each combination indicator. The reference level of a covariate (the one
    /// without an indicator) must be named in <see cref="ReferenceLevels"/>, so that a level the model never saw is an
    /// error rather than silently the reference. Throws naming what is missing or unknown.
    /// </summary>
    /// <param name="featureNames">The model's feature names, in its order.</param>
    /// <param name="perturbation">The perturbation (a drug, a combination label, or a control value).</param>
    /// <param name="dose">Its dose (ignored for a control value; required ≥ 0 when the model has a dose feature).</param>
    /// <param name="covariates">The level of each covariate, by column.</param>
    /// <param name="featureColumns">The values of <see cref="FeatureColumns"/> (per-cell features a name cannot give), by column.</param>
    /// <param name="guide">With <see cref="GuideColumn"/>: the guide (its indicator set when the model has one); null or a
    /// guide the model never saw: every guide indicator 0.</param>
    public float[] FeaturesFor(IReadOnlyList<string> featureNames, string perturbation, double dose, IReadOnlyDictionary<string, string>? covariates = null,
        IReadOnlyDictionary<string, float>? featureColumns = null, string? guide = null) =>
        MakeFeatures(featureNames, perturbation, dose, covariates, featureColumns, ReferenceLevels, guide);

    /// <summary>
    /// <see cref="FeaturesFor"/> with the reference levels given (reading data, the ones resolved from its first vehicle
    /// cell): the one place a context's feature values are made.
    /// </summary>
    internal float[] MakeFeatures(IReadOnlyList<string> featureNames, string perturbation, double dose, IReadOnlyDictionary<string, string>? covariates,
        IReadOnlyDictionary<string, float>? featureColumns, IReadOnlyDictionary<string, string>? referenceLevels, string? guide)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentException.ThrowIfNullOrEmpty(perturbation);
        covariates ??= new Dictionary<string, string>();
        bool vehicle = ControlValues.Contains(perturbation);
        string[] parts = vehicle ? Array.Empty<string>() : PerturbationParts(perturbation);
        string[] guides = vehicle || guide is null ? Array.Empty<string>() : GuideParts(guide);
        foreach (string column in Covariates)
        {
            if (!covariates.TryGetValue(column, out string? level))
                throw new ArgumentException($"Give the level of covariate '{column}' (e.g. {column}={referenceLevels?.GetValueOrDefault(column) ?? "LEVEL"}).", nameof(covariates));
            string[] known = featureNames.Where(f => f.StartsWith(column + "=", StringComparison.Ordinal)).Select(f => f[(column.Length + 1)..]).ToArray();
            string? reference = referenceLevels?.GetValueOrDefault(column);
            if (level != reference && !known.Contains(level))
                throw new ArgumentException($"Covariate '{column}' = '{level}' is not a level the model was fitted on (levels: " +
                    $"{(reference is null ? "" : $"'{reference}' (reference), ")}{string.Join(", ", known.Select(k => $"'{k}'"))})" +
                    (reference is null ? "; name the reference level in ScreenDesign.ReferenceLevels." : "."), nameof(covariates));
        }
        foreach (string unknown in covariates.Keys.Except(Covariates))
            throw new ArgumentException($"'{unknown}' is not one of the design's covariates ({string.Join(", ", Covariates)}).", nameof(covariates));
        if (!vehicle && DoseColumn is not null && !(dose >= 0 && double.IsFinite(dose)))
            throw new ArgumentOutOfRangeException(nameof(dose), dose, $"The dose of '{perturbation}' must be a finite concentration ≥ 0.");
        if (Descriptors is { } descriptors && descriptors.FeatureNames.FirstOrDefault(f => !featureNames.Contains(f)) is string stray)
            throw new ArgumentException($"{descriptors.Source}: descriptor '{stray}' is not one of the model's features ({string.Join(", ", featureNames.Take(12))}" +
                $"{(featureNames.Count > 12 ? ", ..." : "")}); give the descriptor table the model was fitted with.", nameof(featureNames));
        var values = new float[featureNames.Count];
        for (int q = 0; q < featureNames.Count; q++)
        {
            string name = featureNames[q];
            if (FeatureColumns.Contains(name))
            {
                values[q] = featureColumns is not null && featureColumns.TryGetValue(name, out float given) ? given
                    : throw new ArgumentException($"The model reads the per-cell feature column '{name}', which a perturbation's name cannot give; give its value.", nameof(featureColumns));
                continue;
            }
            int descriptor = Descriptors is { } table ? IndexOf(table.FeatureNames, name) : -1;
            string? covariate = Covariates.FirstOrDefault(c => name.StartsWith(c + "=", StringComparison.Ordinal));
            if (descriptor >= 0)
            {
                foreach (string part in parts)
                {
                    if (!Descriptors!.Contains(part))
                        throw new KeyNotFoundException($"{Descriptors.Source}: no row for perturbation '{part}' in key column '{Descriptors.KeyColumn}'; every perturbation needs its descriptors.");
                    values[q] += Descriptors[part][descriptor];
                }
            }
            else if (name == DoseFeatureName)
                values[q] = vehicle ? 0 : DoseEncoding == DoseEncoding.Concentration ? (float)dose : (float)Math.Log10(1 + dose);
            else if (IsGuideFeature(name))
                values[q] = guides.Contains(name[(GuideColumn!.Length + 1)..]) ? 1 : 0;
            else if (covariate is not null)
                values[q] = covariates[covariate] == name[(covariate.Length + 1)..] ? 1 : 0;
            else if (Indicators is not null)
                values[q] = parts.Contains(name) ? 1 : 0;
            else
                throw new ArgumentException($"The model's feature '{name}' is not a descriptor, the dose or a covariate level of this design; " +
                    "it cannot be made from a perturbation's name (was the model fitted with other descriptors or feature columns, or with PerturbationIndicators?).", nameof(featureNames));
        }
        if (Indicators is not null)
            foreach (string part in parts)
                if (!featureNames.Contains(part) && Descriptors is null)
                    throw new ArgumentException($"Perturbation '{part}' has no indicator among the model's features and no descriptors; the model cannot tell it from the control.", nameof(perturbation));
        return values;
    }

    /// <summary>The perturbations a perturbed cell's label names: its parts with <see cref="Combinations"/> or <see cref="PerturbationIndicators"/>, or the label itself.</summary>
    internal string[] PerturbationParts(string label) => Indicators is { } labels ? labels.Parts(label, ControlValues) : new[] { label };

    /// <summary>The guides a guide value names: its parts split like <see cref="Combinations"/>' labels (without non-targeting parts), or the value itself.</summary>
    internal string[] GuideParts(string guide) => Combinations?.Parts(guide, Array.Empty<string>()) ?? new[] { guide };

    /// <summary>Whether <paramref name="featureName"/> is a guide's indicator (<c>GUIDE_COLUMN=guide</c>).</summary>
    internal bool IsGuideFeature(string featureName) => GuideColumn is not null && featureName.StartsWith(GuideColumn + "=", StringComparison.Ordinal);

    /// <summary>The name of <paramref name="guide"/>'s indicator feature.</summary>
    internal string GuideFeatureName(string guide) => $"{GuideColumn}={guide}";

    /// <summary>
    /// The features that encode this design's covariates among <paramref name="featureNames"/> (its <c>column=level</c>
    /// indicators, in feature order): what the baselines' and the comparison's <c>CovariateFeatures</c> take, so that
    /// each line is measured from, and predicted by, its own vehicle cells (<see cref="CovariateLevels"/>). Empty
    /// without covariates.
    /// </summary>
    /// <param name="featureNames">The data's (or the model's) feature names.</param>
    public IReadOnlyList<string> CovariateFeatureNames(IReadOnlyList<string> featureNames) => CovariateFeatureNames(Covariates, featureNames);

    /// <summary>The <c>column=level</c> indicators of the covariate columns <paramref name="covariates"/> among <paramref name="featureNames"/>, in feature order.</summary>
    /// <param name="covariates">Covariate column names, as <see cref="Covariates"/>.</param>
    /// <param name="featureNames">The data's (or the model's) feature names.</param>
    public static IReadOnlyList<string> CovariateFeatureNames(IReadOnlyList<string> covariates, IReadOnlyList<string> featureNames)
    {
        ArgumentNullException.ThrowIfNull(covariates);
        ArgumentNullException.ThrowIfNull(featureNames);
        return featureNames.Where(name => covariates.Any(c => name.StartsWith(c + "=", StringComparison.Ordinal))).ToArray();
    }

    /// <summary>
    /// The covariate levels of the control of <paramref name="data"/>, read with this design (the levels
    /// <see cref="ReferenceLevels"/> gave, or those of the first vehicle cell): what a prediction needs to tell the
    /// reference level from a level the model never saw. Empty without covariates.
    /// </summary>
    /// <param name="data">A data set this design made.</param>
    public IReadOnlyDictionary<string, string> ReferenceLevelsOf(PerturbationDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        PerturbationContext control = data.Contexts.FirstOrDefault(c => c.IsControl)
            ?? throw new ArgumentException("The data set has no control context.", nameof(data));
        return Parse(control.Name).Levels;
    }

    /// <summary>
    /// The perturbation and covariate levels of a context this design named ("drugA|dose=10|cell_type=A549"): the levels
    /// are read from the end (each after the last "|column=" of its covariate), then the guide part and the dose part are dropped.
    /// </summary>
    /// <param name="contextName">A context name made by this design.</param>
    public (string Perturbation, IReadOnlyDictionary<string, string> Levels) Parse(string contextName)
    {
        ArgumentNullException.ThrowIfNull(contextName);
        var levels = new Dictionary<string, string>(StringComparer.Ordinal);
        string head = contextName;
        for (int c = Covariates.Count - 1; c >= 0; c--)
        {
            string marker = $"|{Covariates[c]}=";
            int at = head.LastIndexOf(marker, StringComparison.Ordinal);
            if (at < 0) throw new ArgumentException($"Context '{contextName}' was not named by this design (no '{marker}' part).", nameof(contextName));
            levels[Covariates[c]] = head[(at + marker.Length)..];
            head = head[..at];
        }
        if (GuideColumn is not null && !ControlValues.Contains(head) && head.LastIndexOf($"|{GuideColumn}=", StringComparison.Ordinal) is int guide and >= 0)
            head = head[..guide];
        if (DoseColumn is not null && !ControlValues.Contains(head) && head.LastIndexOf($"|{DoseColumn}=", StringComparison.Ordinal) is int dose and >= 0)
            head = head[..dose];
        return (head, Covariates.ToDictionary(c => c, c => levels[c], StringComparer.Ordinal));
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }
}
