using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>Seeded split of the non-control contexts of a data view into training and validation contexts.</summary>
internal static class ContextSplitter
{
    public static ContextSplit Split(IDataView data, double validationFraction, string contextColumnName, string? controlColumnName,
        string? controlContextValue, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in (0, 1).");
        DataViewSchema schema = data.Schema;
        DataViewSchema.Column context = schema.GetColumnOrNull(contextColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(data), $"Column '{contextColumnName}' (context) was not found. Available columns: {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
        if (!PerturbationInputColumns.IsContextType(context.Type))
            throw new ArgumentOutOfRangeException(nameof(data), $"Column '{contextColumnName}' (context): expected a key, string (Text) or integer column; found {context.Type}.");
        DataViewSchema.Column? control = null;
        if (controlContextValue is null && controlColumnName is not null)
        {
            control = schema.GetColumnOrNull(controlColumnName)
                ?? throw new ArgumentOutOfRangeException(nameof(data), $"Column '{controlColumnName}' (control flag) was not found; pass null for a data set without control rows, or the control context value.");
            if (control.Value.Type != BooleanDataViewType.Instance)
                throw new ArgumentOutOfRangeException(nameof(data), $"Column '{controlColumnName}' (control flag): expected a Boolean column; found {control.Value.Type}.");
        }

        var controls = new List<string>();
        var perturbed = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var columns = control is DataViewSchema.Column c ? new[] { context, c } : new[] { context };
        using (DataViewRowCursor cursor = data.GetRowCursor(columns))
        {
            Func<long, string> getContext = ContextReader.Create(cursor, context);
            var getControl = control is DataViewSchema.Column cc ? cursor.GetGetter<bool>(cc) : null;
            bool isControl = false;
            long row = 0;
            while (cursor.MoveNext())
            {
                string name = getContext(row++);
                if (!seen.Add(name)) continue;
                getControl?.Invoke(ref isControl);
                if (controlContextValue is not null) isControl = name == controlContextValue;
                (isControl ? controls : perturbed).Add(name);
            }
        }
        if (perturbed.Count < 2)
            throw new ArgumentException($"SplitByContext: column '{contextColumnName}' has {perturbed.Count} non-control context(s); at least 2 are needed to hold one out.");

        int held = Math.Clamp((int)Math.Round(validationFraction * perturbed.Count, MidpointRounding.AwayFromZero), 1, perturbed.Count - 1);
        var shuffled = perturbed.ToArray();
        new Random(seed).Shuffle(shuffled);
        var validation = new HashSet<string>(shuffled.Take(held), StringComparer.Ordinal);
        var trainContexts = controls.Concat(perturbed.Where(n => !validation.Contains(n))).ToList();
        var validationContexts = perturbed.Where(validation.Contains).ToList();
        return new ContextSplit(new ContextFilterView(data, context, trainContexts), new ContextFilterView(data, context, validationContexts),
            trainContexts, validationContexts);
    }
}
