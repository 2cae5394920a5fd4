using System.Globalization;

namespace Gim.MLNet.Data;

/// <summary>
/// The cells of a screen as a reader has them, for <see cref="ScreenRows.ToDataset"/>: per-row text and numbers by column
/// name, the measurements and how to name a row or a column in messages. Readers (AnnData, CSV) build one.
/// </summary>
/// <param name="Source">The file (or source name).</param>
/// <param name="RowCount">Number of cells.</param>
/// <param name="RowLabel">Names row i in messages ("cell 'c12' (obs row 11)", "line 13").</param>
/// <param name="Location">Names a column in messages ("obs/dose" for AnnData).</param>
/// <param name="Text">A column's values as text (null: missing); throws naming the column when it does not exist.</param>
/// <param name="Number">A column's values as numbers, or null when the column is not numeric; throws when it does not exist.</param>
/// <param name="Measurements">Cells × variables.</param>
/// <param name="VariableNames">The variables' names.</param>
internal sealed record ScreenRows(string Source, int RowCount, Func<int, string> RowLabel, Func<string, string> Location,
    Func<string, Func<int, string?>> Text, Func<string, Func<int, double>?> Number, float[,] Measurements, IReadOnlyList<string> VariableNames)
{
    /// <summary>The contexts, features and controls <paramref name="design"/> makes of these rows (see <see cref="ScreenDesign"/>).</summary>
    public PerturbationDataset ToDataset(ScreenDesign design)
    {
        ScreenLayout layout = Layout(design);
        return PerturbationGrouper.Group(Source, layout.ContextColumn, layout.Labels, RowLabel, layout.Features, Measurements, layout.ControlLabels,
            layout.FeatureNames, VariableNames, layout.GroupOf);
    }

    /// <summary>
    /// What <paramref name="design"/> makes of the rows before any measurement is read: each row's context label and
    /// features, the control labels, the feature names and each context's group (what streaming statistics need).
    /// </summary>
    public ScreenLayout Layout(ScreenDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        int n = RowCount;
        string perturbationAt = Location(design.PerturbationColumn);
        Func<int, string?> perturbationOf = Text(design.PerturbationColumn);
        var perturbation = new string[n];
        for (int i = 0; i < n; i++)
        {
            string? value = perturbationOf(i);
            if (value is not { Length: > 0 })
                throw new DataFileException(Source, perturbationAt, null, $"{RowLabel(i)} has no perturbation value (missing or empty); drop or label such cells first.");
            // A missing value's text is no perturbation's name, unless it is the control's.
            if (IsMissingText(value, MissingPerturbationTexts) && !design.ControlValues.Contains(value))
                throw new DataFileException(Source, perturbationAt, null, $"{RowLabel(i)} has perturbation '{value}', a missing value rather than a name; " +
                    $"drop or label such cells first (if '{value}' labels the control cells, name it as the control value).");
            perturbation[i] = value;
        }
        var vehicles = new HashSet<string>(design.ControlValues, StringComparer.Ordinal);
        bool[] vehicle = perturbation.Select(vehicles.Contains).ToArray();
        foreach (string control in design.ControlValues)
            if (!perturbation.Contains(control))
                throw new DataFileException(Source, perturbationAt, null,
                    $"control value '{control}' does not occur; the values are: {Listing(perturbation.Distinct(StringComparer.Ordinal))}.");

        if (design.Descriptors is { } descriptors) CheckDescriptors(design, descriptors, perturbation, vehicle);
        string[] doseText = new string[n];
        var rawDose = new double[n];
        if (design.DoseColumn is { } doseColumn) ReadDoses(doseColumn, vehicle, doseText, rawDose);
        string?[] guide = Guides(design, vehicle, perturbation);
        if (design.Combinations is { } combinations) OneSpellingPerSet(combinations, design.ControlValues, vehicle, perturbation, guide);
        List<string[]> covariateValues = CovariateValues(design);
        string[] reference = ReferenceLevels(design, vehicle, covariateValues);
        var featureColumnValues = design.FeatureColumns.ToDictionary(c => c, c => NumericColumn(c, "feature", _ => true), StringComparer.Ordinal);

        var labels = new string[n];
        for (int i = 0; i < n; i++)
        {
            string label = perturbation[i] + doseText[i] + (guide[i] is { } g ? $"|{design.GuideColumn}={g}" : "");
            for (int c = 0; c < design.Covariates.Count; c++) label += $"|{design.Covariates[c]}={covariateValues[c][i]}";
            labels[i] = label;
        }
        // The features the data implies, unless a fitted model's are asked for (FeatureNames).
        string[]? implied = design.FeatureNames is null ? ImpliedFeatureNames(design, guide, covariateValues, reference) : null;
        var controlLabels = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
            if (vehicle[i] && Enumerable.Range(0, reference.Length).All(c => covariateValues[c][i] == reference[c])) controlLabels.Add(labels[i]);
        if (controlLabels.Count == 0)
            throw new DataFileException(Source, perturbationAt, null,
                $"no vehicle cells have the reference levels ({string.Join(", ", design.Covariates.Select((c, k) => $"{c}={reference[k]}"))}); the control must be measured: " +
                "choose ScreenDesign.ReferenceLevels among the levels that have vehicle cells.");
        if (implied is not null && design.Indicators is { } indicators)
        {
            // One 0/1 indicator per perturbation the labels name, before the other features (Index checks the labels; the
            // values come from ScreenDesign.MakeFeatures below, per context).
            string[] withIndicators = indicators.Index(Source, perturbationAt, perturbation, RowLabel, implied, design.ControlValues.ToArray()).Names;
            // A name like a covariate's reference level ("cell_type=A549") is no feature yet, but MakeFeatures would read it as that level.
            foreach (string name in withIndicators.Take(withIndicators.Length - implied.Length))
            {
                if (design.Covariates.FirstOrDefault(c => name.StartsWith(c + "=", StringComparison.Ordinal)) is string covariate)
                    throw new DataFileException(Source, perturbationAt, null, $"perturbation '{name}' is named like a level of covariate '{covariate}'; rename it.");
                if (design.IsGuideFeature(name))
                    throw new DataFileException(Source, perturbationAt, null, $"perturbation '{name}' is named like a guide's indicator ('{design.GuideColumn}=...'); rename it.");
            }
            implied = withIndicators;
        }
        IReadOnlyList<string> featureNames = design.FeatureNames ?? implied!;
        // Every feature value comes from ScreenDesign.FeaturesFor, what a prediction by name uses too; against the model's
        // names the reference level must be the design's own, against the implied names it is the one resolved here.
        IReadOnlyDictionary<string, string>? referenceLevels = design.FeatureNames is null
            ? design.Covariates.Select((c, k) => (c, reference[k])).ToDictionary(e => e.c, e => e.Item2, StringComparer.Ordinal)
            : design.ReferenceLevels;
        float[][] features = Features(design, featureNames, referenceLevels, labels, perturbation, rawDose, guide, covariateValues, featureColumnValues);
        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++) groupOf.TryAdd(labels[i], vehicle[i] ? labels[i] : perturbation[i]);
        return new ScreenLayout(perturbationAt, labels, features, controlLabels, featureNames, label => groupOf[label]);
    }

    /// <summary>
    /// A combination label names a set: "A+B" and "B+A", or "A+ctrl" and "ctrl+A", are one perturbation, so one context in
    /// one group (two would put the same cells' perturbation on both sides of a split by perturbation). Every perturbed
    /// row's label (and its guide value, whose parts are a set too) becomes the first spelling of its set in the file.
    /// </summary>
    private static void OneSpellingPerSet(CombinationLabels combinations, IReadOnlyCollection<string> controlValues, bool[] vehicle, string[] perturbation, string?[] guide)
    {
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        var firstGuide = new Dictionary<string, string>(StringComparer.Ordinal);
        // A set's key once per distinct text (a screen repeats a handful of labels over its cells); labels and guide values apart.
        var labelKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        var guideKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        string Key(Dictionary<string, string> keys, string text, IReadOnlyCollection<string> ignored)
        {
            if (!keys.TryGetValue(text, out string? key))
                keys[text] = key = string.Join("\u0001", combinations.Parts(text, ignored).Order(StringComparer.Ordinal));
            return key;
        }
        for (int i = 0; i < perturbation.Length; i++)
        {
            if (vehicle[i]) continue;
            string key = Key(labelKeys, perturbation[i], controlValues);
            if (key.Length == 0) continue;   // no perturbation named: CombinationLabels reports the row
            if (!first.TryAdd(key, perturbation[i])) perturbation[i] = first[key];
            if (guide[i] is not { } g) continue;
            string guideKey = key + "\u0002" + Key(guideKeys, g, Array.Empty<string>());
            if (!firstGuide.TryAdd(guideKey, g)) guide[i] = firstGuide[guideKey];
        }
    }

    /// <summary>
    /// The features the data implies: the descriptors, the dose feature, one indicator per guide (in order of appearance),
    /// one indicator per covariate level other than the reference (in order of appearance), the feature columns; throws
    /// when two would share a name.
    /// </summary>
    private static string[] ImpliedFeatureNames(ScreenDesign design, string?[] guide, List<string[]> covariateValues, string[] reference)
    {
        var names = new List<string>(design.Descriptors?.FeatureNames ?? Array.Empty<string>());
        if (design.DoseFeatureName is { } dose) names.Add(dose);
        names.AddRange(guide.OfType<string>().Distinct(StringComparer.Ordinal).SelectMany(design.GuideParts).Distinct(StringComparer.Ordinal).Select(design.GuideFeatureName));
        for (int c = 0; c < covariateValues.Count; c++)
            names.AddRange(covariateValues[c].Distinct(StringComparer.Ordinal).Where(l => l != reference[c]).Select(l => $"{design.Covariates[c]}={l}"));
        names.AddRange(design.FeatureColumns);
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException($"Two features would share a name ({string.Join(", ", names.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'"))}); rename the descriptor or feature column.", nameof(design));
        return names.ToArray();
    }

    /// <summary>Every perturbation a perturbed cell names has a descriptor row; throws naming all that do not.</summary>
    private void CheckDescriptors(ScreenDesign design, DescriptorTable descriptors, string[] perturbation, bool[] vehicle)
    {
        var missing = new List<string>();
        foreach (string label in perturbation.Where((_, i) => !vehicle[i]).Distinct(StringComparer.Ordinal))
            foreach (string part in design.PerturbationParts(label))
                if (!descriptors.Contains(part) && !missing.Contains(part)) missing.Add(part);
        if (missing.Count > 0)
            throw new DataFileException(descriptors.Source, descriptors.KeyColumn, null,
                $"has no row for {missing.Count} perturbation(s) of {Source}'s '{design.PerturbationColumn}': {Listing(missing)}; every perturbed cell's " +
                $"perturbation needs its descriptors (the table's keys start: {Listing(descriptors.Keys)}).");
    }

    /// <summary>
    /// Each row's features under <paramref name="names"/> (<see cref="ScreenDesign.FeaturesFor"/>), once per context: the
    /// rows of a context share one array (n references, not n × p numbers: a genome-wide CRISPR screen has thousands of
    /// indicator features), unless per-cell feature columns enter.
    /// </summary>
    private float[][] Features(ScreenDesign design, IReadOnlyList<string> names, IReadOnlyDictionary<string, string>? referenceLevels, string[] labels,
        string[] perturbation, double[] dose, string?[] guide, List<string[]> covariateValues, Dictionary<string, float[]> featureColumns)
    {
        var features = new float[RowCount][];
        var cache = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < RowCount; i++)
        {
            // Per context, unless per-cell feature columns enter (then per row, so the grouper still sees them differ).
            if (featureColumns.Count > 0 || !cache.TryGetValue(labels[i], out float[]? row))
            {
                var levels = design.Covariates.Select((c, k) => (c, covariateValues[k][i])).ToDictionary(e => e.c, e => e.Item2, StringComparer.Ordinal);
                try
                {
                    cache[labels[i]] = row = design.MakeFeatures(names, perturbation[i], dose[i], levels,
                        featureColumns.ToDictionary(e => e.Key, e => e.Value[i], StringComparer.Ordinal), referenceLevels, guide[i]);
                }
                catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
                {
                    throw new DataFileException(Source, Location(design.PerturbationColumn), null, $"{RowLabel(i)} (context '{labels[i]}'): {e.Message}", e);
                }
            }
            features[i] = row;
        }
        return features;
    }

    /// <summary>Each perturbed row's dose (≥ 0) and its part of the context name; a vehicle's dose is never read.</summary>
    private void ReadDoses(string column, bool[] vehicle, string[] doseText, double[] rawDose)
    {
        float[] raw = NumericColumn(column, "dose", i => !vehicle[i]);
        for (int i = 0; i < RowCount; i++)
        {
            if (vehicle[i])
            {
                doseText[i] = "";
                continue;
            }
            if (!(raw[i] >= 0))
                throw new DataFileException(Source, Location(column), null, $"{RowLabel(i)} has dose {raw[i].ToString(CultureInfo.InvariantCulture)}; doses are concentrations ≥ 0.");
            doseText[i] = $"|{column}={raw[i].ToString("R", CultureInfo.InvariantCulture)}";
            rawDose[i] = raw[i];
        }
    }

    /// <summary>
    /// Each perturbed row's guide (<see cref="ScreenDesign.GuideColumn"/>; null on vehicle rows and without the column); a
    /// perturbed row without one (empty, or one of <see cref="MissingTexts"/>) is an error naming the row, and so is a guide
    /// name found under perturbations that share no gene ("sg1" for gene A and for gene B): a guide's feature would mix them.
    /// </summary>
    private string?[] Guides(ScreenDesign design, bool[] vehicle, string[] perturbation)
    {
        var guides = new string?[RowCount];
        if (design.GuideColumn is not { } column) return guides;
        if (column == design.PerturbationColumn || column == design.DoseColumn || design.Covariates.Contains(column) || design.FeatureColumns.Contains(column))
            throw new ArgumentException($"ScreenDesign.GuideColumn '{column}' is also the design's perturbation, dose, covariate or feature column; name the guide column once.", nameof(design));
        Func<int, string?> text = Text(column);
        var pairs = new HashSet<(string, string)>();
        var genesOf = new Dictionary<string, (HashSet<string> Genes, int Row)>(StringComparer.Ordinal);
        for (int i = 0; i < RowCount; i++)
        {
            if (vehicle[i]) continue;
            string? value = text(i);
            if (value is not { Length: > 0 } || IsMissingText(value, MissingTexts))
                throw new DataFileException(Source, Location(column), null,
                    $"{RowLabel(i)} has {(value is { Length: > 0 } ? $"guide '{value}', a missing value" : "no guide (missing or empty)")}; every perturbed cell needs " +
                    "its guide (drop such cells, or give them a guide; a vehicle cell's guide is not read).");
            if (design.GuideParts(value).Length == 0)
                throw new DataFileException(Source, Location(column), null, $"{RowLabel(i)} has guide '{value}', which names only non-targeting parts; a perturbed cell needs its guide.");
            guides[i] = value;
            if (!pairs.Add((perturbation[i], value))) continue;
            // Each guide belongs to the genes every perturbation it appears under names (a pair's guide to both of its genes).
            string[] genes = design.PerturbationParts(perturbation[i]);
            foreach (string part in design.GuideParts(value))
            {
                if (!genesOf.TryGetValue(part, out var seen))
                {
                    genesOf[part] = (new HashSet<string>(genes, StringComparer.Ordinal), i);
                    continue;
                }
                seen.Genes.IntersectWith(genes);
                if (seen.Genes.Count == 0)
                    throw new DataFileException(Source, Location(column), null,
                        $"{RowLabel(i)} has guide '{part}' with perturbation '{perturbation[i]}', and {RowLabel(seen.Row)} has it with '{perturbation[seen.Row]}', " +
                        $"which shares no gene with it; a guide hits one gene, so its feature would mix them. Give guides names of their own per gene (e.g. '{genes[0]}_{part}').");
            }
        }
        return guides;
    }

    /// <summary>
    /// The texts that stand for a missing covariate level, in any case: "NaN" (a numeric column's missing value as text,
    /// or pandas' text for one), "NA" and "N/A" (R's, and spreadsheets'), "&lt;NA&gt;" (pandas' <c>pd.NA</c> as text) and
    /// "null" (JSON's). Not "None": a covariate such as a co-treatment has a real level "None".
    /// </summary>
    internal static readonly IReadOnlyList<string> MissingTexts = new[] { "NaN", "NA", "N/A", "<NA>", "null" };

    /// <summary>
    /// The texts that stand for a missing perturbation: <see cref="MissingTexts"/> and "None" (Python's <c>None</c> as text,
    /// e.g. an object column written with <c>astype(str)</c>), which names no perturbation unless it is the control value.
    /// </summary>
    internal static readonly IReadOnlyList<string> MissingPerturbationTexts = MissingTexts.Append("None").ToArray();

    /// <summary>Whether <paramref name="value"/> is one of <paramref name="texts"/> (any case): missing, not a name or level.</summary>
    private static bool IsMissingText(string value, IReadOnlyList<string> texts) => texts.Any(m => value.Equals(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Each covariate's level on every row (as text); a missing one (empty, or one of <see cref="MissingTexts"/>) is an error
    /// naming the row, not a level of its own.
    /// </summary>
    private List<string[]> CovariateValues(ScreenDesign design)
    {
        var values = new List<string[]>();
        foreach (string column in design.Covariates)
        {
            Func<int, string?> text = Text(column);
            var level = new string[RowCount];
            for (int i = 0; i < RowCount; i++)
            {
                string? value = text(i);
                if (value is not { Length: > 0 })
                    throw new DataFileException(Source, Location(column), null, $"{RowLabel(i)} has no '{column}' value (missing or empty); every cell needs its covariates.");
                if (IsMissingText(value, MissingTexts))
                    throw new DataFileException(Source, Location(column), null,
                        $"{RowLabel(i)} has '{column}' = {value}, a missing value rather than a level; every cell needs its covariates " +
                        $"(drop such cells, or give them a level; the texts read as missing are {string.Join(", ", MissingTexts)}, in any case).");
                level[i] = value;
            }
            values.Add(level);
        }
        return values;
    }

    private string[] ReferenceLevels(ScreenDesign design, bool[] vehicle, List<string[]> values)
    {
        int first = Array.IndexOf(vehicle, true);
        var reference = new string[values.Count];
        for (int c = 0; c < values.Count; c++)
        {
            string column = design.Covariates[c];
            if (design.ReferenceLevels is { } given && given.TryGetValue(column, out string? level))
            {
                if (!Enumerable.Range(0, RowCount).Any(i => vehicle[i] && values[c][i] == level))
                    throw new DataFileException(Source, Location(column), null,
                        $"reference level '{level}' has no vehicle cells; the control must be measured. Levels with vehicle cells: " +
                        $"{Listing(Enumerable.Range(0, RowCount).Where(i => vehicle[i]).Select(i => values[c][i]).Distinct(StringComparer.Ordinal))}.");
                reference[c] = level;
            }
            else
                reference[c] = values[c][first];
        }
        return reference;
    }

    /// <summary>The column as floats; every row where <paramref name="needed"/> must hold a finite number.</summary>
    private float[] NumericColumn(string column, string role, Func<int, bool> needed)
    {
        Func<int, double> number = Number(column)
            ?? throw new DataFileException(Source, Location(column), null, $"the {role} column '{column}' is not numeric; expected numbers.");
        var values = new float[RowCount];
        for (int i = 0; i < RowCount; i++)
        {
            double value = number(i);
            if (needed(i) && !double.IsFinite(value))
                throw new DataFileException(Source, Location(column), null,
                    $"{RowLabel(i)} has {role} '{Text(column)(i) ?? "(missing)"}'; expected a finite number (impute or drop such cells first).");
            values[i] = (float)value;
        }
        return values;
    }

    /// <summary>A text value as a number (invariant culture), NaN when it is missing or no number: how text dose columns are read.</summary>
    internal static double ParseNumber(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : double.NaN;

    private static string Listing(IEnumerable<string> values)
    {
        string[] first = values.Take(21).ToArray();
        return string.Join(", ", first.Take(20).Select(v => $"'{v}'")) + (first.Length > 20 ? ", ..." : "");
    }
}

/// <summary>Each row's context label and features, the control labels, the feature names and each label's group (<see cref="ScreenRows.Layout"/>).</summary>
internal sealed record ScreenLayout(string ContextColumn, string[] Labels, float[][] Features, IReadOnlyCollection<string> ControlLabels,
    IReadOnlyList<string> FeatureNames, Func<string, string> GroupOf);
