using Gim.MLNet.Runtime;
using Parquet;
using Parquet.Schema;

namespace Gim.MLNet.Data;

/// <summary>
/// <see cref="PerturbationStatistics"/> as a folder of three Parquet files, in the long form a GROUP BY produces (so any
/// engine can write them; docs/statistics.md gives the SQL):
/// <list type="bullet">
/// <item><c>contexts.parquet</c>: <c>context</c>, <c>group</c>, <c>is_control</c>, <c>n_cells</c>, then one numeric column per feature, named by it.</item>
/// <item><c>moments.parquet</c>: <c>context</c>, <c>variable</c>, <c>mean</c>, <c>variance</c> (population: divided by n), one row per context and variable.</item>
/// <item><c>covariance.parquet</c>: <c>variable_a</c>, <c>variable_b</c>, <c>equal_weighted</c>, <c>cell_weighted</c>, one row per pair (either order; a ≤ b written).</item>
/// <item><c>target_rows.parquet</c> (optional on reading): <c>context</c>, <c>target</c>, <c>variable</c>, <c>covariance</c>, one row per
/// context, target it keeps a row for, and variable (<see cref="ContextMoments.CovarianceRows"/>).</item>
/// </list>
/// Variables are in the order they first appear in <c>moments.parquet</c>; features in column order.
/// </summary>
internal static class StatisticsFiles
{
    public const string ContextsFile = StatisticsFileNames.Contexts, MomentsFile = StatisticsFileNames.Moments, CovarianceFile = StatisticsFileNames.Covariance,
        TargetRowsFile = StatisticsFileNames.TargetRows;
    private static readonly string[] ContextColumns = { "context", "group", "is_control", "n_cells" };

    public static void Write(PerturbationStatistics statistics, string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        foreach (string reserved in ContextColumns)
            if (statistics.FeatureNames.Contains(reserved))
                throw new ArgumentException($"A feature is named '{reserved}', which {ContextsFile} uses for its own column; rename the feature.");
        int d = statistics.VariableNames.Count, k = statistics.Contexts.Count;
        // Checked before any file is replaced: a failure leaves the folder as it was.
        var kept = statistics.Contexts.SelectMany(c => c.Moments.CovarianceRows.OrderBy(r => r.Key).Select(r => (Context: c.Name, Target: r.Key, Row: r.Value))).ToList();
        foreach (var (context, target, row) in kept) ContextMoments.CheckRowShape(context, target, row, statistics.VariableNames);
        Directory.CreateDirectory(directory);

        var contextFields = new List<DataField>
        {
            new DataField<string>("context"), new DataField<string>("group"), new DataField<bool>("is_control"), new DataField<long>("n_cells"),
        };
        contextFields.AddRange(statistics.FeatureNames.Select(f => (DataField)new DataField<float>(f)));
        WriteFile(Path.Combine(directory, ContextsFile), contextFields, async group =>
        {
            await group.WriteAsync(contextFields[0], statistics.Contexts.Select(c => c.Name).ToArray());
            await group.WriteAsync(contextFields[1], statistics.Contexts.Select(c => c.Group).ToArray());
            await group.WriteAsync<bool>(contextFields[2], statistics.Contexts.Select(c => c.IsControl).ToArray());
            await group.WriteAsync<long>(contextFields[3], statistics.Contexts.Select(c => c.Moments.Count).ToArray());
            for (int f = 0; f < statistics.FeatureNames.Count; f++)
                await group.WriteAsync<float>(contextFields[4 + f], statistics.Contexts.Select(c => c.Features[f]).ToArray());
        });

        var momentFields = new DataField[] { new DataField<string>("context"), new DataField<string>("variable"), new DataField<double>("mean"), new DataField<double>("variance") };
        WriteFile(Path.Combine(directory, MomentsFile), momentFields, async group =>
        {
            await group.WriteAsync(momentFields[0], statistics.Contexts.SelectMany(c => Enumerable.Repeat(c.Name, d)).ToArray());
            await group.WriteAsync(momentFields[1], Enumerable.Range(0, k).SelectMany(_ => statistics.VariableNames).ToArray());
            await group.WriteAsync<double>(momentFields[2], statistics.Contexts.SelectMany(c => c.Moments.Mean).ToArray());
            await group.WriteAsync<double>(momentFields[3], statistics.Contexts.SelectMany(c => c.Moments.Variance).ToArray());
        });

        var pairs = new List<(int A, int B)>();
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++) pairs.Add((a, b));
        var covarianceFields = new DataField[] { new DataField<string>("variable_a"), new DataField<string>("variable_b"), new DataField<double>("equal_weighted"), new DataField<double>("cell_weighted") };
        WithinContextCovariance pool = statistics.Covariance;
        WriteFile(Path.Combine(directory, CovarianceFile), covarianceFields, async group =>
        {
            await group.WriteAsync(covarianceFields[0], pairs.Select(p => statistics.VariableNames[p.A]).ToArray());
            await group.WriteAsync(covarianceFields[1], pairs.Select(p => statistics.VariableNames[p.B]).ToArray());
            await group.WriteAsync<double>(covarianceFields[2], pairs.Select(p => pool.EqualWeighted[p.A * d + p.B]).ToArray());
            await group.WriteAsync<double>(covarianceFields[3], pairs.Select(p => pool.CellWeighted[p.A * d + p.B]).ToArray());
        });

        // Always written (empty when no context keeps a row), so a folder never keeps another run's rows.
        var rowFields = new DataField[] { new DataField<string>("context"), new DataField<string>("target"), new DataField<string>("variable"), new DataField<double>("covariance") };
        WriteFile(Path.Combine(directory, TargetRowsFile), rowFields, async group =>
        {
            await group.WriteAsync(rowFields[0], kept.SelectMany(x => Enumerable.Repeat(x.Context, d)).ToArray());
            await group.WriteAsync(rowFields[1], kept.SelectMany(x => Enumerable.Repeat(statistics.VariableNames[x.Target], d)).ToArray());
            await group.WriteAsync(rowFields[2], kept.SelectMany(_ => statistics.VariableNames).ToArray());
            await group.WriteAsync<double>(rowFields[3], kept.SelectMany(x => x.Row).ToArray());
        });
    }

    private static void WriteFile(string path, IReadOnlyList<DataField> fields, Func<ParquetRowGroupWriter, Task> write) =>
        AtomicFile.Write(path, stream => Task.Run(async () =>
        {
            await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await write(group);
        }).GetAwaiter().GetResult());

    public static PerturbationStatistics Read(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"No statistics folder '{directory}'; expected a folder with {ContextsFile}, {MomentsFile} and {CovarianceFile}.");

        // contexts.parquet
        Table contexts = Table.Read(Path.Combine(directory, ContextsFile));
        foreach (string column in ContextColumns) contexts.Require(column);
        string[] names = contexts.Strings("context");
        string[] groups = contexts.Strings("group");
        double[] control = contexts.Numbers("is_control");
        double[] counts = contexts.Numbers("n_cells");
        string[] featureNames = contexts.Columns.Where(c => !ContextColumns.Contains(c)).ToArray();
        double[][] features = featureNames.Select(contexts.Numbers).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int r = 0; r < names.Length; r++)
        {
            if (!index.TryAdd(names[r], r)) throw contexts.Error("context", r, $"context '{names[r]}' appears twice; expected one row per context");
            if (!(counts[r] >= 1) || counts[r] != Math.Floor(counts[r])) throw contexts.Error("n_cells", r, $"{counts[r]} cells; expected a whole number ≥ 1");
            if (control[r] != 0 && control[r] != 1) throw contexts.Error("is_control", r, $"{control[r]}; expected true/false or 1/0");
        }
        if (names.Length == 0) throw contexts.Error("context", null, "no contexts; expected one row per context");

        // moments.parquet
        Table moments = Table.Read(Path.Combine(directory, MomentsFile));
        foreach (string column in new[] { "context", "variable", "mean", "variance" }) moments.Require(column);
        string[] momentContexts = moments.Strings("context"), momentVariables = moments.Strings("variable");
        double[] mean = moments.Numbers("mean"), variance = moments.Numbers("variance");
        var variables = new List<string>();
        var variableIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string v in momentVariables)
            if (variableIndex.TryAdd(v, variables.Count)) variables.Add(v);
        int d = variables.Count, k = names.Length;
        var means = new double[k][];
        var variances = new double[k][];
        for (int c = 0; c < k; c++)
        {
            means[c] = Enumerable.Repeat(double.NaN, d).ToArray();
            variances[c] = Enumerable.Repeat(double.NaN, d).ToArray();
        }
        for (int r = 0; r < momentContexts.Length; r++)
        {
            if (!index.TryGetValue(momentContexts[r], out int c))
                throw moments.Error("context", r, $"context '{momentContexts[r]}' is not in {ContextsFile}");
            int j = variableIndex[momentVariables[r]];
            if (!double.IsNaN(means[c][j])) throw moments.Error("variable", r, $"context '{momentContexts[r]}', variable '{momentVariables[r]}' appears twice");
            if (!double.IsFinite(mean[r])) throw moments.Error("mean", r, $"{mean[r]}; expected a finite number");
            if (!(variance[r] >= 0) || double.IsPositiveInfinity(variance[r])) throw moments.Error("variance", r, $"{variance[r]}; expected a finite number ≥ 0");
            means[c][j] = mean[r];
            variances[c][j] = variance[r];
        }
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++)
                if (double.IsNaN(means[c][j]))
                    throw moments.Error("variable", null, $"context '{names[c]}' has no row for variable '{variables[j]}'; expected one row per context and variable");

        // covariance.parquet
        Table covariance = Table.Read(Path.Combine(directory, CovarianceFile));
        foreach (string column in new[] { "variable_a", "variable_b", "equal_weighted", "cell_weighted" }) covariance.Require(column);
        string[] first = covariance.Strings("variable_a"), second = covariance.Strings("variable_b");
        double[] equal = covariance.Numbers("equal_weighted"), byCells = covariance.Numbers("cell_weighted");
        var equalPool = Enumerable.Repeat(double.NaN, d * d).ToArray();
        var cellPool = Enumerable.Repeat(double.NaN, d * d).ToArray();
        for (int r = 0; r < first.Length; r++)
        {
            if (!variableIndex.TryGetValue(first[r], out int a)) throw covariance.Error("variable_a", r, $"variable '{first[r]}' is not in {MomentsFile}");
            if (!variableIndex.TryGetValue(second[r], out int b)) throw covariance.Error("variable_b", r, $"variable '{second[r]}' is not in {MomentsFile}");
            if (!double.IsNaN(equalPool[a * d + b])) throw covariance.Error("variable_b", r, $"the pair '{first[r]}', '{second[r]}' appears twice (in either order)");
            if (!double.IsFinite(equal[r])) throw covariance.Error("equal_weighted", r, $"{equal[r]}; expected a finite number");
            if (!double.IsFinite(byCells[r])) throw covariance.Error("cell_weighted", r, $"{byCells[r]}; expected a finite number");
            equalPool[a * d + b] = equalPool[b * d + a] = equal[r];
            cellPool[a * d + b] = cellPool[b * d + a] = byCells[r];
        }
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++)
                if (double.IsNaN(equalPool[a * d + b]))
                    throw covariance.Error("variable_a", null, $"no row for the pair '{variables[a]}', '{variables[b]}'; expected one row per pair of variables (either order)");

        var pool = new WithinContextCovariance(d, equalPool, cellPool, names);
        Dictionary<int, double[]>[] rows = ReadTargetRows(directory, index, variableIndex, variables);
        var statistics = names.Select((name, c) => new ContextStatistics(name, groups[c], control[c] == 1,
            features.Select(f => (float)f[c]).ToArray(), new ContextMoments((long)counts[c], means[c], variances[c]) { CovarianceRows = rows[c] })).ToList();
        return new PerturbationStatistics(variables, featureNames, statistics, pool);
    }

    /// <summary>
    /// target_rows.parquet, when the folder has it: per context (by <paramref name="contexts"/>' index), each target's row,
    /// complete (one value per variable) and finite; a row for an unknown context, target or variable, a duplicate or a
    /// partial row is an error naming the file, column and row.
    /// </summary>
    private static Dictionary<int, double[]>[] ReadTargetRows(string directory, Dictionary<string, int> contexts, Dictionary<string, int> variableIndex,
        IReadOnlyList<string> variables)
    {
        var result = Enumerable.Range(0, contexts.Count).Select(_ => new Dictionary<int, double[]>()).ToArray();
        string path = Path.Combine(directory, TargetRowsFile);
        if (!File.Exists(path)) return result;
        Table table = Table.Read(path);
        foreach (string column in new[] { "context", "target", "variable", "covariance" }) table.Require(column);
        string[] context = table.Strings("context"), target = table.Strings("target"), variable = table.Strings("variable");
        double[] covariance = table.Numbers("covariance");
        int d = variables.Count;
        var filled = new Dictionary<(int, int), int>();
        for (int r = 0; r < context.Length; r++)
        {
            if (!contexts.TryGetValue(context[r], out int c)) throw table.Error("context", r, $"context '{context[r]}' is not in {ContextsFile}");
            if (!variableIndex.TryGetValue(target[r], out int j)) throw table.Error("target", r, $"variable '{target[r]}' is not in {MomentsFile}");
            if (!variableIndex.TryGetValue(variable[r], out int b)) throw table.Error("variable", r, $"variable '{variable[r]}' is not in {MomentsFile}");
            if (!double.IsFinite(covariance[r])) throw table.Error("covariance", r, $"{covariance[r]}; expected a finite number");
            if (!result[c].TryGetValue(j, out double[]? row)) result[c][j] = row = Enumerable.Repeat(double.NaN, d).ToArray();
            if (!double.IsNaN(row[b])) throw table.Error("variable", r, $"context '{context[r]}', target '{target[r]}', variable '{variable[r]}' appears twice");
            row[b] = covariance[r];
            filled[(c, j)] = filled.GetValueOrDefault((c, j)) + 1;
        }
        foreach (var ((c, j), count) in filled)
            if (count != d)
            {
                string name = contexts.First(x => x.Value == c).Key;
                int missing = Array.FindIndex(result[c][j], double.IsNaN);
                throw table.Error("variable", null, $"context '{name}', target '{variables[j]}' has no row for variable '{variables[missing]}'; expected one row per variable for each target kept");
            }
        return result;
    }

    /// <summary>A Parquet file's columns, read whole (all row groups), with errors naming the file, column and row.</summary>
    private sealed class Table
    {
        private readonly string _path;
        private readonly Dictionary<string, Array> _columns = new(StringComparer.Ordinal);

        private Table(string path) => _path = path;

        public IReadOnlyList<string> Columns { get; private set; } = Array.Empty<string>();

        public static Table Read(string path)
        {
            if (!File.Exists(path)) throw new DataFileException(path, null, null, "the file is missing; a statistics folder holds contexts.parquet, moments.parquet and covariance.parquet.");
            var table = new Table(path);
            try
            {
                Task.Run(async () =>
                {
                    await using FileStream stream = File.OpenRead(path);
                    await using ParquetReader reader = await ParquetReader.CreateAsync(stream);
                    DataField[] fields = reader.Schema.GetDataFields();
                    table.Columns = fields.Select(f => f.Name).ToArray();
                    var parts = fields.ToDictionary(f => f.Name, _ => new List<Array>());
                    for (int g = 0; g < reader.RowGroupCount; g++)
                    {
                        using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                        int rows = checked((int)group.RowCount);
                        foreach (DataField field in fields) parts[field.Name].Add(await ReadColumn(group, field, rows));
                    }
                    foreach (DataField field in fields) table._columns[field.Name] = Concatenate(parts[field.Name], field);
                }).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not DataFileException)
            {
                throw new DataFileException(path, null, null, $"not a readable Parquet file ({e.Message}).", e);
            }
            return table;
        }

        private static async Task<Array> ReadColumn(ParquetRowGroupReader group, DataField field, int rows) =>
            ParquetColumns.IsText(field) ? await ParquetColumns.ReadText(group, field, rows) : await ParquetColumns.ReadNumbers(group, field, rows);

        /// <summary>A column's row groups as one array of its kind (an empty one of the field's kind without row groups).</summary>
        private static Array Concatenate(List<Array> parts, DataField field) => ParquetColumns.IsText(field)
            ? parts.Cast<string?[]>().SelectMany(p => p).ToArray()
            : parts.Cast<double?[]>().SelectMany(p => p).ToArray();

        public void Require(string column)
        {
            if (!_columns.ContainsKey(column))
                throw new DataFileException(_path, column, null, $"no column '{column}'; the file has {string.Join(", ", Columns.Select(c => $"'{c}'"))}.");
        }

        public string[] Strings(string column)
        {
            Require(column);
            if (_columns[column] is not string?[] values) throw Error(column, null, "expected text");
            for (int r = 0; r < values.Length; r++)
                if (values[r] is null) throw Error(column, r, "empty (null); expected a name");
            return values!;
        }

        public double[] Numbers(string column)
        {
            Require(column);
            if (_columns[column] is not double?[] values) throw Error(column, null, "text; expected numbers");
            var result = new double[values.Length];
            for (int r = 0; r < values.Length; r++)
                result[r] = values[r] ?? throw Error(column, r, "empty (null); expected a number");
            return result;
        }

        public DataFileException Error(string column, int? row, string message) =>
            new(_path, column, null, (row is int r ? $"row {r}: " : "") + message + ".");
    }
}
