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
        IReadOnlyList<string> featureNames, IReadOnlyList<string> variableNames, Func<string, string>? groupOf = null) =>
        Group(source, contextColumn, contexts, rowLabel, RowsOf(features), measurements, controlValues, featureNames, variableNames, groupOf);

    /// <summary>
    /// <see cref="Group(string, string, IReadOnlyList{string}, Func{int, string}, float[,], float[,], IReadOnlyCollection{string}, IReadOnlyList{string}, IReadOnlyList{string}, Func{string, string}?)"/>
    /// with each row's features as an array (rows of one context may share one: <see cref="ScreenRows.Layout"/> does, so
    /// a screen's n × p features are never held).
    /// </summary>
    public static PerturbationDataset Group(string source, string contextColumn, IReadOnlyList<string?> contexts,
        Func<int, string> rowLabel, IReadOnlyList<float[]> features, float[,] measurements, IReadOnlyCollection<string> controlValues,
        IReadOnlyList<string> featureNames, IReadOnlyList<string> variableNames, Func<string, string>? groupOf = null)
    {
        Plan plan = Contexts(source, contextColumn, contexts, rowLabel, features, controlValues, featureNames, groupOf);
        int d = measurements.GetLength(1);
        var result = new List<PerturbationContext>(plan.Definitions.Count);
        for (int c = 0; c < plan.Definitions.Count; c++)
        {
            ContextStatistics.Definition definition = plan.Definitions[c];
            List<int> rows = plan.Rows[c];
            var samples = new float[rows.Count, d];
            for (int r = 0; r < rows.Count; r++)
                for (int j = 0; j < d; j++)
                    samples[r, j] = measurements[rows[r], j];
            result.Add(new PerturbationContext(definition.Name, definition.Features, samples, definition.IsControl, definition.Group));
        }
        return new PerturbationDataset(result, variableNames.ToArray(), featureNames.ToArray());
    }

    /// <summary>The contexts rows make, in order of first appearance (names, features, cell counts, control flags, groups), each one's rows, and each row's context.</summary>
    public sealed record Plan(IReadOnlyList<ContextStatistics.Definition> Definitions, IReadOnlyList<List<int>> Rows, int[] ContextOfRow);

    /// <summary>Each row of <paramref name="features"/> as an array of its own.</summary>
    private static float[][] RowsOf(float[,] features)
    {
        int n = features.GetLength(0), p = features.GetLength(1);
        var rows = new float[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new float[p];
            for (int j = 0; j < p; j++) rows[i][j] = features[i, j];
        }
        return rows;
    }

    /// <summary>
    /// The grouping <c>Group</c> does, without the measurements: what streaming statistics read rows into. Each row's
    /// features are an array (p = the feature names); rows that share one array are the same features without a check.
    /// </summary>
    public static Plan Contexts(string source, string contextColumn, IReadOnlyList<string?> contexts, Func<int, string> rowLabel, IReadOnlyList<float[]> features,
        IReadOnlyCollection<string> controlValues, IReadOnlyList<string> featureNames, Func<string, string>? groupOf = null)
    {
        if (controlValues.Count == 0)
            throw new ArgumentException("Give at least one control value (the context label of the unperturbed cells); GIM needs control cells.", nameof(controlValues));
        int n = contexts.Count;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        var rowsOf = new List<List<int>>();
        var contextOfRow = new int[n];
        for (int i = 0; i < n; i++)
        {
            string label = contexts[i] ?? throw new DataFileException(source, contextColumn, null,
                $"{rowLabel(i)} has no context value (missing); drop or label such cells before loading.");
            if (!index.TryGetValue(label, out int c))
            {
                index.Add(label, c = order.Count);
                order.Add(label);
                rowsOf.Add(new List<int>());
            }
            else
                CheckSameFeatures(source, label, rowsOf[c][0], i, rowLabel, features, featureNames);
            rowsOf[c].Add(i);
            contextOfRow[i] = c;
        }
        var controls = new HashSet<string>(controlValues, StringComparer.Ordinal);
        foreach (string control in controls)
            if (!index.ContainsKey(control))
                throw new DataFileException(source, contextColumn, null,
                    $"control value '{control}' does not occur; the values are: {string.Join(", ", order.Take(20).Select(v => $"'{v}'"))}{(order.Count > 20 ? ", ..." : "")}.");
        var definitions = new List<ContextStatistics.Definition>(order.Count);
        for (int c = 0; c < order.Count; c++)
        {
            float[] gamma = (float[])features[rowsOf[c][0]].Clone();
            definitions.Add(new ContextStatistics.Definition(order[c], gamma, rowsOf[c].Count, controls.Contains(order[c]), groupOf?.Invoke(order[c])));
        }
        return new Plan(definitions, rowsOf, contextOfRow);
    }

    private static void CheckSameFeatures(string source, string label, int first, int row, Func<int, string> rowLabel,
        IReadOnlyList<float[]> features, IReadOnlyList<string> featureNames)
    {
        float[] a = features[row], b = features[first];
        if (ReferenceEquals(a, b)) return;
        for (int j = 0; j < featureNames.Count; j++)
            if (a[j] != b[j] && !(float.IsNaN(a[j]) && float.IsNaN(b[j])))
                throw new DataFileException(source, featureNames[j], null,
                    $"context '{label}': feature '{featureNames[j]}' is {a[j]} on {rowLabel(row)} but {b[j]} on {rowLabel(first)}; " +
                    "a context's features must be identical on all its cells (split the context, or use a different context column).");
    }
}
