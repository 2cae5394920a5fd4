namespace Gim.MLNet.Data;

/// <summary>
/// Turns one-row-per-cell tables (a context label, feature values and measurements per row) into a
/// <see cref="PerturbationDataset"/>, shared by the CSV and AnnData loaders so both enforce the same
/// rules with the same messages: contexts in order of first appearance, a context's features
/// identical on all its rows, every control value present.
/// </summary>
internal static class PerturbationGrouper
{
    /// <summary>
    /// Groups rows by context label. <paramref name="rowLabel"/> names row i in messages (a CSV
    /// line, an obs name); <paramref name="features"/> is n × p and <paramref name="measurements"/>
    /// n × d; a null label is a missing value and an error. <paramref name="groupOf"/> gives a context's group (its
    /// perturbation); null: each context is its own group.
    /// </summary>
    public static PerturbationDataset Group(string source, string contextColumn, IReadOnlyList<string?> contexts,
        Func<int, string> rowLabel, float[,] features, float[,] measurements, IReadOnlyCollection<string> controlValues,
        IReadOnlyList<string> featureNames, IReadOnlyList<string> variableNames, Func<string, string>? groupOf = null)
    {
        if (controlValues.Count == 0)
            throw new ArgumentException("Give at least one control value (the context label of the unperturbed cells); GIM needs control cells.", nameof(controlValues));
        int n = contexts.Count, p = features.GetLength(1), d = measurements.GetLength(1);
        var rowsOf = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < n; i++)
        {
            string label = contexts[i] ?? throw new DataFileException(source, contextColumn, null,
                $"{rowLabel(i)} has no context value (missing); drop or label such cells before loading.");
            if (!rowsOf.TryGetValue(label, out List<int>? rows))
            {
                rowsOf.Add(label, rows = new List<int>());
                order.Add(label);
            }
            else
                CheckSameFeatures(source, label, rows[0], i, rowLabel, features, featureNames);
            rows.Add(i);
        }
        var controls = new HashSet<string>(controlValues, StringComparer.Ordinal);
        foreach (string control in controls)
            if (!rowsOf.ContainsKey(control))
                throw new DataFileException(source, contextColumn, null,
                    $"control value '{control}' does not occur; the values are: {string.Join(", ", order.Take(20).Select(v => $"'{v}'"))}{(order.Count > 20 ? ", ..." : "")}.");

        var result = new List<PerturbationContext>(order.Count);
        foreach (string label in order)
        {
            List<int> rows = rowsOf[label];
            var gamma = new float[p];
            for (int j = 0; j < p; j++) gamma[j] = features[rows[0], j];
            var samples = new float[rows.Count, d];
            for (int r = 0; r < rows.Count; r++)
                for (int j = 0; j < d; j++)
                    samples[r, j] = measurements[rows[r], j];
            result.Add(new PerturbationContext(label, gamma, samples, controls.Contains(label), groupOf?.Invoke(label)));
        }
        return new PerturbationDataset(result, variableNames.ToArray(), featureNames.ToArray());
    }

    private static void CheckSameFeatures(string source, string label, int first, int row, Func<int, string> rowLabel,
        float[,] features, IReadOnlyList<string> featureNames)
    {
        for (int j = 0; j < featureNames.Count; j++)
            if (features[row, j] != features[first, j] && !(float.IsNaN(features[row, j]) && float.IsNaN(features[first, j])))
                throw new DataFileException(source, featureNames[j], null,
                    $"context '{label}': feature '{featureNames[j]}' is {features[row, j]} on {rowLabel(row)} but {features[first, j]} on {rowLabel(first)}; " +
                    "a context's features must be identical on all its cells (split the context, or use a different context column).");
    }
}
