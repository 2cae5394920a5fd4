namespace Gim.MLNet.Data.Csv;

/// <summary>The header resolved against <see cref="CsvColumnRoles"/>: the position of every column that is read.</summary>
internal sealed class CsvLayout
{
    private CsvLayout(int context, int[] features, int[] text, int[] measurements, string[] header)
    {
        Context = context;
        Text = text;
        Features = features;
        Measurements = measurements;
        Header = header;
    }

    public int Context { get; }

    public int[] Features { get; }

    public int[] Measurements { get; }

    /// <summary>The columns kept as text (<see cref="CsvColumnRoles.TextColumns"/>).</summary>
    public int[] Text { get; }

    public string[] Header { get; }

    public string[] FeatureNames => Features.Select(i => Header[i]).ToArray();

    public string[] MeasurementNames => Measurements.Select(i => Header[i]).ToArray();

    public static CsvLayout Resolve(string source, string[] header, CsvColumnRoles roles)
    {
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length; i++)
        {
            if (header[i].Length == 0)
                throw new DataFileException(source, null, 1, $"header field {i + 1} is empty; every column needs a name.");
            if (!position.TryAdd(header[i], i))
                throw new DataFileException(source, header[i], 1, $"column '{header[i]}' appears twice in the header.");
        }
        int Find(string name, string role) => position.TryGetValue(name, out int i) ? i
            : throw new DataFileException(source, name, 1,
                $"the {role} column '{name}' is not in the header; the columns are: {string.Join(", ", header.Take(30).Select(h => $"'{h}'"))}{(header.Length > 30 ? ", ..." : "")}.{DialectHint(header, roles.Delimiter)}");

        int context = Find(roles.ContextColumn, "context");
        int[] features = Pick(source, header, roles.FeatureColumns, roles.FeaturePrefix, "feature", Find)
            ?? throw new ArgumentException("CsvColumnRoles: set FeatureColumns or FeaturePrefix (the columns that describe each perturbation).");
        foreach (string ignored in roles.IgnoredColumns) Find(ignored, "ignored");
        int[] text = roles.TextColumns.Where(t => t != roles.ContextColumn).Distinct(StringComparer.Ordinal).Select(t => Find(t, "text")).ToArray();
        foreach (int t in text)
            if (features.Contains(t))
                throw new ArgumentException($"CsvColumnRoles: column '{header[t]}' is both a feature and a text column; a dose or covariate column the design reads is not listed as a feature.");
        var taken = new HashSet<int>(features.Concat(text)) { context };
        foreach (string ignored in roles.IgnoredColumns) taken.Add(position[ignored]);
        int[] measurements = Pick(source, header, roles.MeasurementColumns, roles.MeasurementPrefix, "measurement", Find)
            ?? Enumerable.Range(0, header.Length).Where(i => !taken.Contains(i)).ToArray();
        if (measurements.Length == 0)
            throw new DataFileException(source, null, 1, "no measurement columns: every column is the context, a feature, a text column or ignored.");
        foreach (int m in measurements)
            if (m == context || features.Contains(m) || text.Contains(m))
                throw new ArgumentException($"CsvColumnRoles: column '{header[m]}' is both a measurement and the context, a feature or a text column.");
        return new CsvLayout(context, features, text, measurements, header);
    }

    /// <summary>A header read as one column that holds another separator: the file is in another dialect (the separator is never guessed).</summary>
    private static string DialectHint(string[] header, char delimiter)
    {
        if (header.Length != 1) return "";
        foreach (char other in new[] { ';', '\t', ',' })
            if (other != delimiter && header[0].Contains(other))
                return $" The header is a single column that contains {Name(other)}: the file looks {Name(other)}-separated, but it is read with {Name(delimiter)} as the separator (CsvColumnRoles.Delimiter).";
        return "";
        static string Name(char c) => c == '\t' ? "tab" : $"'{c}'";
    }

    private static int[]? Pick(string source, string[] header, IReadOnlyList<string>? names, string? prefix, string role, Func<string, string, int> find)
    {
        if (names is not null && prefix is not null)
            throw new ArgumentException($"CsvColumnRoles: set either the {role} columns or the {role} prefix, not both.");
        if (names is not null)
        {
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
                throw new ArgumentException($"CsvColumnRoles: a {role} column is listed twice.");
            return names.Select(n => find(n, role)).ToArray();
        }
        if (prefix is null) return null;
        int[] matched = Enumerable.Range(0, header.Length).Where(i => header[i].StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        if (matched.Length == 0)
            throw new DataFileException(source, null, 1, $"no column name starts with the {role} prefix '{prefix}'.");
        return matched;
    }
}
