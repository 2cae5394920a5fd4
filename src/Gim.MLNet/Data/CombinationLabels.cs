namespace Gim.MLNet.Data;

/// <summary>
/// Context labels that name combinations of perturbations, as genetic screens write them ("A+B" for guides against A and
/// B, "A+ctrl" for A with a non-targeting guide, "ctrl" for the control; the condition column of Norman et al. 2019):
/// each distinct perturbation becomes a 0/1 feature, 1 on the cells of every context whose label names it. The features
/// the Additive peer and known-target models read come from here.
/// </summary>
public sealed class CombinationLabels
{
    /// <summary>What separates the perturbations of a label. Default "+".</summary>
    public string Separator { get; init; } = "+";

    /// <summary>
    /// Parts of a label that are no perturbation (a non-targeting guide): "A+ctrl" is A alone. Default "ctrl". The
    /// control values given with the data count as non-targeting too (as labels and as parts).
    /// </summary>
    public IReadOnlyCollection<string> NonTargeting { get; init; } = new[] { "ctrl" };

    /// <summary>
    /// The perturbations to make features of, in this order, whether or not a label names them; null (the default): the
    /// ones the labels name, in order of first appearance. Known-target models need a feature for every gene a guide may hit,
    /// including genes no training label names (<c>GimOptions.KnownTargets</c>): pass the measured genes' names. A label
    /// naming a perturbation outside this list is an error naming the row.
    /// </summary>
    public IReadOnlyList<string>? Perturbations { get; init; }

    /// <summary>Each label one perturbation, unsplit (ScreenDesign.PerturbationIndicators: plain drug names, which may hold the separator).</summary>
    internal static CombinationLabels WholeLabels { get; } = new() { NonTargeting = Array.Empty<string>(), _whole = true };

    private bool _whole;

    /// <summary>A label's parts, trimmed: split at <see cref="Separator"/>, or the whole label for <see cref="WholeLabels"/>.</summary>
    /// <remarks>A whole label is not trimmed: "drugA" and "drugA " are two contexts, so they are two perturbations.</remarks>
    private IEnumerable<string> Split(string label) => _whole ? new[] { label } : label.Split(Separator).Select(p => p.Trim());

    /// <summary>
    /// The indicator features of <paramref name="labels"/> (one per distinct perturbation, in order of first appearance)
    /// followed by <paramref name="features"/>' columns. A control value, as a label or a part of one, is no perturbation.
    /// Throws naming the row and label of an empty part ("A+"), of a perturbed context that names no perturbation
    /// ("ctrl+ctrl" when "ctrl" is not a control value), or a perturbation whose name is already a feature.
    /// </summary>
    internal (float[,] Features, string[] Names) Prepend(string source, string column, IReadOnlyList<string?> labels, Func<int, string> rowLabel,
        float[,] features, IReadOnlyList<string> featureNames, IReadOnlyCollection<string> controlValues)
    {
        var (parts, names) = Index(source, column, labels, rowLabel, featureNames, controlValues);
        int n = labels.Count, p = featureNames.Count, m = names.Length - p;
        var result = new float[n, m + p];
        for (int i = 0; i < n; i++)
        {
            foreach (int q in parts[i] ?? Array.Empty<int>()) result[i, q] = 1;
            for (int j = 0; j < p; j++) result[i, m + j] = features[i, j];
        }
        return (result, names);
    }

    /// <summary>
    /// <see cref="Prepend"/>'s checks and names without its matrix: the indicator names (then <paramref name="featureNames"/>)
    /// and each row's indicator positions (null for a missing label).
    /// </summary>
    internal (int[]?[] Parts, string[] Names) Index(string source, string column, IReadOnlyList<string?> labels, Func<int, string> rowLabel,
        IReadOnlyList<string> featureNames, IReadOnlyCollection<string> controlValues)
    {
        if (string.IsNullOrEmpty(Separator))
            throw new ArgumentException("CombinationLabels.Separator must not be empty (e.g. \"+\").", nameof(Separator));
        var nonTargeting = new HashSet<string>((NonTargeting ?? Array.Empty<string>()).Concat(controlValues), StringComparer.Ordinal);
        var controls = new HashSet<string>(controlValues, StringComparer.Ordinal);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string name in Perturbations ?? Array.Empty<string>())
        {
            if (featureNames.Contains(name))
                throw new ArgumentException($"CombinationLabels.Perturbations names '{name}', which is also a feature column; rename one of them.", nameof(Perturbations));
            if (!nonTargeting.Contains(name)) index.TryAdd(name, index.Count);
        }
        var parts = new int[]?[labels.Count];
        var cache = new Dictionary<string, int[]>(StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++)
        {
            string? label = labels[i];
            if (label is null) continue; // the grouper reports a missing context value
            if (!cache.TryGetValue(label, out int[]? positions))
            {
                var found = new List<int>();
                foreach (string part in Split(label))
                {
                    if (part.Length == 0)
                        throw new DataFileException(source, column, null,
                            $"{rowLabel(i)} has context '{label}', with an empty part between '{Separator}' separators; give each perturbation a name (or mark a non-targeting guide, e.g. 'A{Separator}ctrl').");
                    if (nonTargeting.Contains(part)) continue;
                    if (!index.TryGetValue(part, out int q))
                    {
                        if (Perturbations is not null)
                            throw new DataFileException(source, column, null,
                                $"{rowLabel(i)} has context '{label}', whose perturbation '{part}' is not one of CombinationLabels.Perturbations ({Perturbations.Count} names).");
                        if (featureNames.Contains(part))
                            throw new DataFileException(source, column, null,
                                $"perturbation '{part}' (from context '{label}') is also the name of another feature (a descriptor, the dose, a covariate level or a feature column); rename one of them.");
                        index[part] = q = index.Count;
                    }
                    if (!found.Contains(q)) found.Add(q);
                }
                if (found.Count == 0 && !controls.Contains(label))
                    throw new DataFileException(source, column, null,
                        $"{rowLabel(i)} has context '{label}', which names no perturbation (only non-targeting parts: {string.Join(", ", nonTargeting.Select(v => $"'{v}'"))}) " +
                        "but is not a control value; add it to the control values, or name its perturbations.");
                cache[label] = positions = found.ToArray();
            }
            parts[i] = positions;
        }
        return (parts, index.OrderBy(e => e.Value).Select(e => e.Key).Concat(featureNames).ToArray());
    }

    /// <summary>The perturbations <paramref name="label"/> names: its parts, trimmed, without non-targeting parts or control values.</summary>
    internal string[] Parts(string label, IReadOnlyCollection<string> controlValues)
    {
        var nonTargeting = new HashSet<string>((NonTargeting ?? Array.Empty<string>()).Concat(controlValues), StringComparer.Ordinal);
        return Split(label).Where(p => p.Length > 0 && !nonTargeting.Contains(p)).Distinct(StringComparer.Ordinal).ToArray();
    }
}
