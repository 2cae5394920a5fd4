using System.ComponentModel;
using System.Diagnostics;
using DuckDB.NET.Data;
using Gim.MLNet.Data;
using Gim.MLNet.Samples.Console;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Commands;

/// <summary>
/// `sql-statistics`: a screen's statistics (contexts.parquet, moments.parquet, covariance.parquet, target_rows.parquet) computed by DuckDB,
/// embedded, from cells in long form in Parquet or CSV files (larger than memory: DuckDB spills to disk), with the standard
/// SQL of statistics.sql (docs/statistics.md says how to run it on Spark SQL; not run here). `fit --statistics` fits from the folder.
/// </summary>
internal sealed class SqlStatisticsCommand : Command<SqlStatisticsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--values <FILES>")]
        [Description("The measured values in long form: columns cell, variable, value (zeros may be left out). Parquet or CSV; a glob (cells/*.parquet) reads many files.")]
        public string? Values { get; init; }

        [CommandOption("--obs <FILES>")]
        [Description("One row per cell: columns cell, context. Parquet or CSV.")]
        public string? Obs { get; init; }

        [CommandOption("--contexts <FILE>")]
        [Description("One row per context: columns context, is_control (true/false or 1/0), optionally group (the perturbation: a drug across its doses), and numeric feature columns (one named like a variable, not 0, names that variable a target: its covariance row is kept for known knockdowns). Parquet or CSV.")]
        public string? Contexts { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Folder for the four Parquet files (default: a new gim-statistics-<time> folder here).")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            foreach (var (flag, value, what) in new[] { ("--values", Values, "the measured values (cell, variable, value)"), ("--obs", Obs, "the cells' contexts (cell, context)"), ("--contexts", Contexts, "the contexts' features (context, is_control, features)") })
            {
                if (string.IsNullOrWhiteSpace(value)) return ValidationResult.Error($"{flag} is required: {what}.");
                if (!value.Contains('*') && !File.Exists(value)) return ValidationResult.Error($"{flag}: no file '{value}'.");
                if (Reader(value) is null) return ValidationResult.Error($"{flag}: '{value}' has extension '{Path.GetExtension(value)}'; expected .parquet, .csv or .tsv.");
            }
            return OptionValues.CheckOut(Out, "the output folder, e.g. --out stats1");
        }
    }

    /// <summary>The DuckDB table function that reads a file by its extension, or null for another extension.</summary>
    private static string? Reader(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".parquet" => "read_parquet",
        ".csv" or ".tsv" or ".txt" => "read_csv_auto",
        _ => null,
    };

    private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        OutputFolder folder = OutputFolder.Prepare(settings.Out, "gim-statistics");
        folder.RemoveIfFailed(() =>
        {
            var clock = Stopwatch.StartNew();
            string scratch = Path.Combine(folder.Path, ".duckdb");
            using var connection = new DuckDBConnection("Data Source=:memory:");
            connection.Open();
            Execute(connection, $"SET temp_directory = {Literal(scratch)}");
            foreach (var (view, path, flag, columns, cast) in new[]
                     {
                         ("x", settings.Values!, "--values", new[] { "cell", "variable", "value" }, "CAST(cell AS VARCHAR) AS cell, CAST(variable AS VARCHAR) AS variable, value"),
                         ("obs", settings.Obs!, "--obs", new[] { "cell", "context" }, "CAST(cell AS VARCHAR) AS cell, CAST(context AS VARCHAR) AS context"),
                         ("contexts_in", settings.Contexts!, "--contexts", new[] { "context", "is_control" }, "* REPLACE (CAST(context AS VARCHAR) AS context)"),
                     })
            {
                Execute(connection, $"CREATE VIEW {view}_file AS SELECT * FROM {Reader(path)}({Literal(path)})");
                string[] found = Strings(connection, $"SELECT column_name FROM (DESCRIBE {view}_file)");
                string[] missing = columns.Where(c => !found.Contains(c)).ToArray();
                if (missing.Length > 0)
                    throw new InvalidDataException($"{flag} '{path}' has no column {string.Join(", ", missing.Select(c => $"'{c}'"))}; its columns are {string.Join(", ", found.Select(c => $"'{c}'"))}.");
                // Names as text (a reader infers numbers for numeric ids), values as they are.
                Execute(connection, $"CREATE VIEW {view} AS SELECT {cast} FROM {view}_file");
            }
            bool grouped = Strings(connection, "SELECT column_name FROM (DESCRIBE contexts_in)").Contains("group");
            Execute(connection, $"CREATE VIEW contexts AS SELECT * EXCLUDE (context, is_control{(grouped ? ", \"group\"" : "")}), context, " +
                $"{(grouped ? "coalesce(CAST(\"group\" AS VARCHAR), context)" : "context")} AS \"group\", is_control FROM contexts_in");
            Check(connection, "SELECT cell FROM obs GROUP BY cell HAVING count(*) > 1 LIMIT 5", "--obs lists cell(s) {0} more than once; one row per cell.");
            Check(connection, "SELECT DISTINCT o.context FROM obs o ANTI JOIN contexts c ON c.context = o.context LIMIT 5", "--obs has context(s) {0} that --contexts does not list; give each context's features.");
            Check(connection, "SELECT DISTINCT x.cell FROM x ANTI JOIN obs o ON o.cell = x.cell LIMIT 5", "--values has cell(s) {0} that --obs does not list; give every cell's context.");
            Check(connection, "SELECT context FROM contexts GROUP BY context HAVING count(*) > 1 LIMIT 5", "--contexts lists context(s) {0} more than once.");
            Check(connection, "SELECT cell || ' / ' || variable FROM x GROUP BY cell, variable HAVING count(*) > 1 LIMIT 5",
                "--values lists cell / variable {0} more than once (overlapping files?); one row per cell and variable.");
            Check(connection, "SELECT cell || ' / ' || variable FROM x WHERE value IS NULL OR isnan(CAST(value AS DOUBLE)) OR isinf(CAST(value AS DOUBLE)) LIMIT 5",
                "--values has no number for cell / variable {0}; give a finite value, or leave the row out for a zero.");

            CreateTargets(connection);
            AnsiConsole.MarkupLine("Computing the statistics (statistics.sql)...");
            using (Stream sql = typeof(SqlStatisticsCommand).Assembly.GetManifestResourceStream("statistics.sql")!)
                Execute(connection, new StreamReader(sql).ReadToEnd());
            cancellationToken.ThrowIfCancellationRequested();
            // The four files into a staging folder, read back there (the same checks as `fit --statistics`), then moved into
            // place: a failure leaves no half-written or unreadable statistics.
            string staging = Path.Combine(folder.Path, ".staging");
            Directory.CreateDirectory(staging);
            var outputs = new (string File, string Query)[]
            {
                (StatisticsFileNames.Contexts, "SELECT c.context, c.\"group\", c.is_control, n.n_cells, c.* EXCLUDE (context, \"group\", is_control) FROM contexts c JOIN gim_n n ON n.context = c.context ORDER BY c.context"),
                (StatisticsFileNames.Moments, "SELECT context, variable, mean, variance FROM gim_moments ORDER BY context, variable"),
                (StatisticsFileNames.Covariance, "SELECT variable_a, variable_b, equal_weighted, cell_weighted FROM gim_covariance ORDER BY variable_a, variable_b"),
                (StatisticsFileNames.TargetRows, "SELECT context, target, variable, covariance FROM gim_target_rows ORDER BY context, target, variable"),
            };
            PerturbationStatistics statistics;
            try
            {
                foreach (var (file, query) in outputs)
                    Execute(connection, $"COPY ({query}) TO {Literal(Path.Combine(staging, file))} (FORMAT parquet)");
                statistics = PerturbationStatistics.Read(staging);
                foreach (var (file, _) in outputs) File.Move(Path.Combine(staging, file), Path.Combine(folder.Path, file), overwrite: true);
            }
            finally
            {
                Directory.Delete(staging, recursive: true);
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            }
            AnsiConsole.MarkupLineInterpolated($"[green]Done[/] in {clock.Elapsed.TotalSeconds:F1} s: statistics of {statistics.CellCount} cells in {statistics.Contexts.Count} contexts ({statistics.Contexts.Count(c => c.IsControl)} control), {statistics.VariableNames.Count} variables, {statistics.FeatureNames.Count} features in [bold]{folder.Path}[/]. Fit with: fit --statistics {folder.Path}");
        });
        return 0;
    }

    /// <summary>
    /// The targets table statistics.sql reads: (context, feature) for each feature column not zero in the context, in one
    /// scan of the contexts table (UNPIVOT); statistics.sql keeps the features named like a measured variable (the
    /// convention of known targets: docs/genetic.md). A feature column that is not numeric is an error naming it.
    /// </summary>
    private static void CreateTargets(DuckDBConnection connection)
    {
        string[] names = Strings(connection, "SELECT column_name FROM (DESCRIBE contexts)");
        string[] types = Strings(connection, "SELECT column_type FROM (DESCRIBE contexts)");
        var features = new List<string>();
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i] is "context" or "group" or "is_control") continue;
            if (!System.Text.RegularExpressions.Regex.IsMatch(types[i], @"^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL.*|BOOLEAN)$"))
                throw new InvalidDataException($"--contexts: feature column '{names[i]}' holds {types[i]}; features must be numbers (besides context, group and is_control).");
            features.Add(Identifier(names[i]));
        }
        string select = features.Count == 0
            ? "SELECT CAST(NULL AS VARCHAR) AS context, CAST(NULL AS VARCHAR) AS variable WHERE false"
            : $"SELECT context, variable FROM (UNPIVOT (SELECT context, {string.Join(", ", features.Select(f => $"CAST({f} AS DOUBLE) AS {f}"))} FROM contexts) " +
              $"ON {string.Join(", ", features)} INTO NAME variable VALUE indicator) WHERE indicator <> 0";
        Execute(connection, $"CREATE TEMP TABLE targets AS {select}");
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string[] Strings(DuckDBConnection connection, string sql)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read()) values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "");
        return values.ToArray();
    }

    /// <summary>Runs a query that lists offending values; any row is an error naming them.</summary>
    private static void Check(DuckDBConnection connection, string sql, string message)
    {
        string[] bad = Strings(connection, sql);
        if (bad.Length > 0) throw new InvalidDataException(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, string.Join(", ", bad.Select(b => $"'{b}'"))));
    }
}
