using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>Seeded split of the non-control contexts of a data view into training and validation contexts.</summary>
internal static class ContextSplitter
{
    /// <summary>A context of a data view: its name, whether it is a control, and its perturbation group.</summary>
    public sealed record ContextInfo(string Name, bool IsControl, string Group);

    /// <summary>
    /// The contexts of <paramref name="data"/> in order of first appearance, with their control flags and groups (the
    /// group column's value, or the context's own name when there is no group column).
    /// </summary>
    public static (DataViewSchema.Column Context, List<ContextInfo> Contexts) ReadContexts(IDataView data, string contextColumnName,
        string? controlColumnName, string? controlContextValue, string? groupColumnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema schema = data.Schema;
        string Available() => string.Join(", ", schema.Select(c => $"'{c.Name}'"));
        DataViewSchema.Column context = schema.GetColumnOrNull(contextColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(data), $"Column '{contextColumnName}' (context) was not found. Available columns: {Available()}.");
        if (!PerturbationInputColumns.IsContextType(context.Type))
            throw new ArgumentOutOfRangeException(nameof(data), $"Column '{contextColumnName}' (context): expected a key, string (Text) or integer column; found {context.Type}.");
        DataViewSchema.Column? control = null;
        if (controlContextValue is null && controlColumnName is not null)
        {
            control = schema.GetColumnOrNull(controlColumnName)
                ?? throw new ArgumentOutOfRangeException(nameof(data), $"Column '{controlColumnName}' (control flag) was not found; name the column of the control flag (a boolean), or set the control context value instead (the context name every control row carries).");
            if (control.Value.Type != BooleanDataViewType.Instance)
                throw new ArgumentOutOfRangeException(nameof(data), $"Column '{controlColumnName}' (control flag): expected a Boolean column; found {control.Value.Type}.");
        }
        DataViewSchema.Column? group = null;
        if (groupColumnName is not null)
        {
            group = schema.GetColumnOrNull(groupColumnName)
                ?? throw new ArgumentOutOfRangeException(nameof(data), $"Column '{groupColumnName}' (perturbation group) was not found. Available columns: {Available()}.");
            if (!PerturbationInputColumns.IsContextType(group.Value.Type))
                throw new ArgumentOutOfRangeException(nameof(data), $"Column '{groupColumnName}' (perturbation group): expected a key, string (Text) or integer column; found {group.Value.Type}.");
        }

        var contexts = new List<ContextInfo>();
        var seen = new Dictionary<string, (ContextInfo Info, long Row)>(StringComparer.Ordinal);
        var columns = new[] { context, control, group }.OfType<DataViewSchema.Column>().GroupBy(c => c.Index).Select(g => g.First()).ToList();
        using (DataViewRowCursor cursor = data.GetRowCursor(columns))
        {
            Func<long, string> getContext = ContextReader.Create(cursor, context);
            var getControl = control is DataViewSchema.Column cc ? cursor.GetGetter<bool>(cc) : null;
            Func<long, string>? getGroup = group is DataViewSchema.Column gc ? ContextReader.Create(cursor, gc, "perturbation group") : null;
            bool isControl = false;
            long row = 0;
            while (cursor.MoveNext())
            {
                string name = getContext(row);
                string perturbation = getGroup?.Invoke(row) ?? name;
                if (seen.TryGetValue(name, out var first))
                {
                    if (first.Info.Group != perturbation)
                        throw ContextReader.GroupMismatch(name, row, perturbation, groupColumnName!, first.Row, first.Info.Group);
                    row++;
                    continue;
                }
                getControl?.Invoke(ref isControl);
                if (controlContextValue is not null) isControl = name == controlContextValue;
                var info = new ContextInfo(name, isControl, perturbation);
                seen[name] = (info, row);
                contexts.Add(info);
                row++;
            }
        }
        return (context, contexts);
    }

    /// <summary>
    /// The split of <see cref="PerturbationCatalog.SplitByContext"/> (its parameters); <paramref name="keepInTraining"/>:
    /// contexts that stay in training like the controls (e.g. each cell line's own vehicle context), each a context of the data.
    /// </summary>
    public static ContextSplit Split(IDataView data, double validationFraction, string contextColumnName, string? controlColumnName,
        string? controlContextValue, int seed, string? groupColumnName = null, IEnumerable<string>? keepInTraining = null)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in (0, 1).");
        var (context, contexts) = ReadContexts(data, contextColumnName, controlColumnName, controlContextValue, groupColumnName);
        var kept = new HashSet<string>(keepInTraining ?? Array.Empty<string>(), StringComparer.Ordinal);
        if (kept.FirstOrDefault(name => !contexts.Any(c => c.Name == name)) is { } unknown)
            throw new ArgumentException($"SplitByContext: keepInTraining names '{unknown}', which is no context of column '{contextColumnName}'.", nameof(keepInTraining));
        bool Kept(ContextInfo c) => c.IsControl || kept.Contains(c.Name);
        var controls = contexts.Where(Kept).Select(c => c.Name).ToList();
        var perturbed = contexts.Where(c => !Kept(c)).ToList();
        var groups = perturbed.Select(c => c.Group).Distinct(StringComparer.Ordinal).ToList();
        string unit = groupColumnName is null ? "non-control context(s)" : $"perturbation group(s) in column '{groupColumnName}'";
        if (groups.Count < 2)
            throw new ArgumentException($"SplitByContext: column '{groupColumnName ?? contextColumnName}' has {groups.Count} {unit}; at least 2 are needed to hold one out.");

        int held = Math.Clamp((int)Math.Round(validationFraction * groups.Count, MidpointRounding.AwayFromZero), 1, groups.Count - 1);
        var shuffled = groups.ToArray();
        new Random(seed).Shuffle(shuffled);
        var validationGroups = new HashSet<string>(shuffled.Take(held), StringComparer.Ordinal);
        var trainContexts = controls.Concat(perturbed.Where(c => !validationGroups.Contains(c.Group)).Select(c => c.Name)).ToList();
        var validationContexts = perturbed.Where(c => validationGroups.Contains(c.Group)).Select(c => c.Name).ToList();
        return new ContextSplit(new ContextFilterView(data, context, trainContexts), new ContextFilterView(data, context, validationContexts),
            trainContexts, validationContexts);
    }
}
