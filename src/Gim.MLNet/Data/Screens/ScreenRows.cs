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
        ArgumentNullException.ThrowIfNull(design);
        int n = RowCount;
        string perturbationAt = Location(design.PerturbationColumn);
        Func<int, string?> perturbationOf = Text(design.PerturbationColumn);
        var perturbation = new string[n];
        for (int i = 0; i < n; i++)
            perturbation[i] = perturbationOf(i) is { Length: > 0 } value ? value
                : throw new DataFileException(Source, perturbationAt, null, $"{RowLabel(i)} has no perturbation value (missing or empty); drop or label such cells first.");
        var vehicles = new HashSet<string>(design.ControlValues, StringComparer.Ordinal);
        bool[] vehicle = perturbation.Select(vehicles.Contains).ToArray();
        foreach (string control in design.ControlValues)
            if (!perturbation.Contains(control))
                throw new DataFileException(Source, perturbationAt, null,
                    $"control value '{control}' does not occur; the values are: {Listing(perturbation.Distinct(StringComparer.Ordinal))}.");

        var blocks = new List<(string[] Names, float[][] Columns)>();
        if (design.Descriptors is { } descriptors) blocks.Add(Descriptors(design, descriptors, perturbation, vehicle));
        string[] doseText = new string[n];
        var rawDose = new double[n];
        if (design.DoseColumn is { } doseColumn) blocks.Add(Dose(design, doseColumn, vehicle, doseText, rawDose));
        var covariateValues = new List<string[]>();
        blocks.Add(Covariates(design, vehicle, covariateValues));
        var featureColumnValues = design.FeatureColumns.ToDictionary(c => c, c => NumericColumn(c, "feature", _ => true), StringComparer.Ordinal);
        foreach (string column in design.FeatureColumns) blocks.Add(([column], [featureColumnValues[column]]));

        var labels = new string[n];
        for (int i = 0; i < n; i++)
        {
            string label = perturbation[i] + doseText[i];
            for (int c = 0; c < design.Covariates.Count; c++) label += $"|{design.Covariates[c]}={covariateValues[c][i]}";
            labels[i] = label;
        }
        string[] names = blocks.SelectMany(b => b.Names).ToArray();
        var features = new float[n, names.Length];
        int q = 0;
        foreach (var (_, columns) in blocks)
            foreach (float[] column in columns)
            {
                for (int i = 0; i < n; i++) features[i, q] = column[i];
                q++;
            }
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            throw new ArgumentException($"Two features would share a name ({string.Join(", ", names.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'"))}); rename the descriptor or feature column.", nameof(design));
        IReadOnlyList<string> featureNames = names;
        var controlLabels = new HashSet<string>(StringComparer.Ordinal);
        var reference = ReferenceLevels(design, vehicle, covariateValues);
        for (int i = 0; i < n; i++)
            if (vehicle[i] && Enumerable.Range(0, reference.Length).All(c => covariateValues[c][i] == reference[c])) controlLabels.Add(labels[i]);
        if (controlLabels.Count == 0)
            throw new DataFileException(Source, perturbationAt, null,
                $"no vehicle cells have the reference levels ({string.Join(", ", design.Covariates.Select((c, k) => $"{c}={reference[k]}"))}); the control must be measured: " +
                "choose ScreenDesign.ReferenceLevels among the levels that have vehicle cells.");
        if (design.FeatureNames is { } aligned)
            (features, featureNames) = (Aligned(design, aligned, labels, perturbation, rawDose, covariateValues, featureColumnValues), aligned);
        else if (design.Combinations is { } combinations)
            (features, featureNames) = combinations.Prepend(Source, perturbationAt, perturbation, RowLabel, features, names, design.ControlValues.ToArray());
        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++) groupOf.TryAdd(labels[i], vehicle[i] ? labels[i] : perturbation[i]);
        return PerturbationGrouper.Group(Source, perturbationAt, labels, RowLabel, features, Measurements, controlLabels, featureNames, VariableNames,
            label => groupOf[label]);
    }

    private (string[] Names, float[][] Columns) Descriptors(ScreenDesign design, DescriptorTable descriptors, string[] perturbation, bool[] vehicle)
    {
        int n = RowCount, p = descriptors.FeatureNames.Count;
        var columns = Enumerable.Range(0, p).Select(_ => new float[n]).ToArray();
        var cache = new Dictionary<string, float[]?>(StringComparer.Ordinal);
        var missing = new List<string>();
        for (int i = 0; i < n; i++)
        {
            if (vehicle[i]) continue;
            if (!cache.TryGetValue(perturbation[i], out float[]? sum))
            {
                sum = new float[p];
                string[] parts = design.Combinations is { } combinations ? combinations.Parts(perturbation[i], design.ControlValues) : [perturbation[i]];
                foreach (string part in parts)
                {
                    if (!descriptors.Contains(part))
                    {
                        if (!missing.Contains(part)) missing.Add(part);
                        continue;
                    }
                    float[] row = descriptors[part];
                    for (int j = 0; j < p; j++) sum[j] += row[j];
                }
                cache[perturbation[i]] = sum;
            }
            for (int j = 0; j < p; j++) columns[j][i] = sum![j];
        }
        if (missing.Count > 0)
            throw new DataFileException(descriptors.Source, descriptors.KeyColumn, null,
                $"has no row for {missing.Count} perturbation(s) of {Source}'s '{design.PerturbationColumn}': {Listing(missing)}; every perturbed cell's " +
                $"perturbation needs its descriptors (the table's keys start: {Listing(descriptors.Keys)}).");
        return (descriptors.FeatureNames.ToArray(), columns);
    }

    /// <summary>Each row's features as a fitted model with <paramref name="names"/> expects them (<see cref="ScreenDesign.FeaturesFor"/>), once per context.</summary>
    private float[,] Aligned(ScreenDesign design, IReadOnlyList<string> names, string[] labels, string[] perturbation, double[] dose, List<string[]> covariateValues,
        Dictionary<string, float[]> featureColumns)
    {
        var features = new float[RowCount, names.Count];
        var cache = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < RowCount; i++)
        {
            // Per context, unless per-cell feature columns enter (then per row, so the grouper still sees them differ).
            if (featureColumns.Count > 0 || !cache.TryGetValue(labels[i], out float[]? row))
            {
                var levels = design.Covariates.Select((c, k) => (c, covariateValues[k][i])).ToDictionary(e => e.c, e => e.Item2, StringComparer.Ordinal);
                try
                {
                    cache[labels[i]] = row = design.FeaturesFor(names, perturbation[i], dose[i], levels,
                        featureColumns.ToDictionary(e => e.Key, e => e.Value[i], StringComparer.Ordinal));
                }
                catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
                {
                    throw new DataFileException(Source, Location(design.PerturbationColumn), null, $"{RowLabel(i)} (context '{labels[i]}'): {e.Message}", e);
                }
            }
            for (int q = 0; q < row.Length; q++) features[i, q] = row[q];
        }
        return features;
    }

    private (string[] Names, float[][] Columns) Dose(ScreenDesign design, string column, bool[] vehicle, string[] doseText, double[] rawDose)
    {
        float[] raw = NumericColumn(column, "dose", i => !vehicle[i]);
        var feature = new float[RowCount];
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
            feature[i] = design.DoseEncoding == DoseEncoding.Concentration ? raw[i] : (float)Math.Log10(1 + (double)raw[i]);
        }
        return ([design.DoseFeatureName!], [feature]);
    }

    private (string[] Names, float[][] Columns) Covariates(ScreenDesign design, bool[] vehicle, List<string[]> values)
    {
        var names = new List<string>();
        var columns = new List<float[]>();
        foreach (string column in design.Covariates)
        {
            Func<int, string?> text = Text(column);
            var level = new string[RowCount];
            for (int i = 0; i < RowCount; i++)
                level[i] = text(i) is { Length: > 0 } value ? value
                    : throw new DataFileException(Source, Location(column), null, $"{RowLabel(i)} has no '{column}' value (missing or empty); every cell needs its covariates.");
            values.Add(level);
        }
        string[] reference = ReferenceLevels(design, vehicle, values);
        for (int c = 0; c < values.Count; c++)
            foreach (string level in values[c].Distinct(StringComparer.Ordinal).Where(l => l != reference[c]))
            {
                names.Add($"{design.Covariates[c]}={level}");
                columns.Add(values[c].Select(v => v == level ? 1f : 0f).ToArray());
            }
        return (names.ToArray(), columns.ToArray());
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

    private static string Listing(IEnumerable<string> values)
    {
        string[] first = values.Take(21).ToArray();
        return string.Join(", ", first.Take(20).Select(v => $"'{v}'")) + (first.Length > 20 ? ", ..." : "");
    }
}
