using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Csv;
using Gim.MLNet.Samples.Console;

namespace Gim.MLNet.Samples.Commands;

/// <summary>Loads the user's own data (.csv or .h5ad) into a <see cref="PerturbationDataset"/>.</summary>
internal static class UserDataLoader
{
    public static PerturbationDataset Load(FitCommand.Settings s)
    {
        if (!File.Exists(s.Data))
            throw new FileNotFoundException($"--data: no file '{s.Data}'.", s.Data);
        string[] controls = OptionValues.Split(s.Control);
        CombinationLabels? combinations = Combinations(s);
        if (s.Perturbation is not null) return LoadScreen(s, controls, combinations);
        if (s.IsAnnData == true)
        {
            string[] features = OptionValues.Split(s.Features);
            var options = new AnnDataReadOptions
            {
                Layer = s.Layer,
                Variables = s.Variables is null ? null : OptionValues.Split(s.Variables),
                ObsColumns = features.Append(s.Context!).Distinct().ToArray(),
            };
            return AnnDataReader.Read(s.Data!, options).ToPerturbationDataset(s.Context!, controls, features, combinations);
        }
        char delimiter = CheckedDelimiter(s.Data!);
        var roles = new CsvColumnRoles(s.Context!, controls)
        {
            FeatureColumns = s.Features is null ? (s.Combinations is null || s.FeaturePrefix is not null ? null : Array.Empty<string>()) : OptionValues.Split(s.Features),
            FeaturePrefix = s.FeaturePrefix,
            MeasurementColumns = s.Measurements is null ? null : OptionValues.Split(s.Measurements),
            MeasurementPrefix = s.MeasurementPrefix,
            IgnoredColumns = OptionValues.Split(s.Ignore),
            Delimiter = delimiter,
        };
        try
        {
            return CsvPerturbationReader.Read(s.Data!, roles).ToPerturbationDataset(combinations);
        }
        catch (DataFileException e) when (e.Line > 1 && e.Location is string column && IsDefaultMeasurement(column, roles))
        {
            // An id or annotation column (cell = c0, c1, ...) is a measurement only because no flag said otherwise.
            throw new IOException(
                $"{e.Message} '{column}' is read as a measured variable because every column that is not the context or a feature is one: skip it with --ignore {column}, or choose the measurements with --measurements or --measurement-prefix.", e);
        }
    }

    public static CombinationLabels? Combinations(FitCommand.Settings s) => s.Combinations is null ? null
        : new CombinationLabels { Separator = s.Combinations.Trim(), NonTargeting = s.NonTargeting is null ? new[] { "ctrl" } : OptionValues.Split(s.NonTargeting) };

    /// <summary>The --perturbation form's design, as `fit` records it beside the model (screen-design.json).</summary>
    public static ScreenDesignFile DesignFile(FitCommand.Settings s, PerturbationDataset data, string measurementsColumn) =>
        ScreenDesignFile.From(Design(s, OptionValues.Split(s.Control), Combinations(s)), data, s.Descriptors, s.DescriptorKey, measurementsColumn);

    /// <summary>The --perturbation form: contexts from perturbation × dose × covariate columns (<see cref="ScreenDesign"/>).</summary>
    public static ScreenDesign Design(FitCommand.Settings s, string[] controls, CombinationLabels? combinations) => new(s.Perturbation!, controls)
    {
        DoseColumn = s.Dose,
        DoseEncoding = s.DoseCurve ? DoseEncoding.Concentration : DoseEncoding.Log10OnePlus,
        Covariates = OptionValues.Split(s.Covariates),
        Descriptors = s.Descriptors is null ? null : DescriptorTable.Read(s.Descriptors, s.DescriptorKey),
        Combinations = combinations,
        PerturbationIndicators = s.PerturbationIndicators,
        GuideColumn = s.Guide,
        FeatureColumns = OptionValues.Split(s.Features),
    };

    private static PerturbationDataset LoadScreen(FitCommand.Settings s, string[] controls, CombinationLabels? combinations) =>
        ReadScreen(s.Data!, s.IsAnnData == true, Design(s, controls, combinations), s.Layer, s.Variables is null ? null : OptionValues.Split(s.Variables),
            s.Measurements is null ? null : OptionValues.Split(s.Measurements), s.MeasurementPrefix, OptionValues.Split(s.Ignore));

    /// <summary>A screen file (.h5ad, or CSV/TSV) read with <paramref name="design"/>: the columns it names are read, the rest are measurements (CSV) or ignored (.h5ad obs).</summary>
    public static PerturbationDataset ReadScreen(string path, bool annData, ScreenDesign design, string? layer, string[]? variables,
        string[]? measurements = null, string? measurementPrefix = null, string[]? ignore = null)
    {
        string[] columns = design.Columns.ToArray();
        if (annData)
        {
            var options = new AnnDataReadOptions { Layer = layer, Variables = variables, ObsColumns = columns };
            return AnnDataReader.Read(path, options).ToPerturbationDataset(design);
        }
        char delimiter = CheckedDelimiter(path);
        var roles = new CsvColumnRoles(design.PerturbationColumn, design.ControlValues.ToArray())
        {
            FeatureColumns = design.FeatureColumns,
            TextColumns = columns.Skip(1).Except(design.FeatureColumns).ToArray(),
            MeasurementColumns = measurements,
            MeasurementPrefix = measurementPrefix,
            IgnoredColumns = ignore ?? Array.Empty<string>(),
            Delimiter = delimiter,
        };
        return CsvPerturbationReader.Read(path, roles).ToPerturbationDataset(design);
    }

    /// <summary>
    /// Each cell's counts scaled to <paramref name="targetSum"/> over all its variables and log1p'd, then only
    /// <paramref name="genes"/> kept, in that order (what `fit --stream --normalize` fitted on).
    /// </summary>
    public static PerturbationDataset NormalizeTotalLog1p(PerturbationDataset data, double targetSum, IReadOnlyList<string> genes, string flag, int? overGenes)
    {
        if (overGenes is int expected && data.VariableCount != expected)
            throw new InvalidDataException($"{flag} has {data.VariableCount} genes; the model's counts were normalised over the {expected} genes of its training file " +
                "(each cell's total), so held-out cells must have the same genes for their totals to mean the same. Give a file with the training data's genes.");
        var position = data.VariableNames.Select((name, j) => (name, j)).ToDictionary(e => e.name, e => e.j, StringComparer.Ordinal);
        string[] missing = genes.Where(g => !position.ContainsKey(g)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"{flag} lacks {missing.Length} of the model's {genes.Count} genes ({string.Join(", ", missing.Take(5))}{(missing.Length > 5 ? ", ..." : "")}); give cells with the training data's genes.");
        int[] kept = genes.Select(g => position[g]).ToArray();
        var contexts = data.Contexts.Select(c => new PerturbationContext(c.Name, c.Features,
            CountNormalization.NormalizeTotalLog1p(c.Samples, targetSum, kept, i => $"{flag}: context '{c.Name}', cell {i}"), c.IsControl, c.Group)).ToList();
        return new PerturbationDataset(contexts, genes.ToArray(), data.FeatureNames);
    }

    /// <summary>A tab for a .tsv file, a comma otherwise, after checking the file does not look separated by another.</summary>
    private static char CheckedDelimiter(string path)
    {
        char delimiter = Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
        CsvDialect.Check(path, delimiter);
        return delimiter;
    }

    private static bool IsDefaultMeasurement(string column, CsvColumnRoles roles) =>
        roles.MeasurementColumns is null && roles.MeasurementPrefix is null && column != roles.ContextColumn
        && !(roles.FeatureColumns?.Contains(column) ?? false) && !(roles.FeaturePrefix is string prefix && column.StartsWith(prefix, StringComparison.Ordinal));
}
