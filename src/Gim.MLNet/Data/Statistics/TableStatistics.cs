using Gim.MLNet.Data.Csv;
using Parquet;
using Parquet.Schema;

namespace Gim.MLNet.Data;

/// <summary>Settings of <see cref="TableStatistics.Compute"/>.</summary>
public sealed class TableStatisticsOptions
{
    /// <summary>The measured columns, in this order; null: every column the design does not name (numeric in a Parquet file).</summary>
    public IReadOnlyList<string>? MeasurementColumns { get; set; }

    /// <summary>Scale each cell's measurements to a total of <see cref="TargetSum"/> and take log1p (raw counts). Default false.</summary>
    public bool NormalizeTotalLog1p { get; set; }

    /// <summary>The total each cell is scaled to when normalising. Default 10,000.</summary>
    public double TargetSum { get; set; } = 1e4;

    /// <summary>CSV: rows read at a time (default 4,096). A Parquet file is read a row group at a time, as its writer chose them.</summary>
    public int ChunkRows { get; set; } = 4096;

    /// <summary>Field separator of a CSV file; default a tab for .tsv, else a comma.</summary>
    public char? Delimiter { get; set; }

    /// <summary>Called after each chunk with the pass (1: the design's columns, 2: the measurements), the rows done and the rows in all (0 while unknown).</summary>
    public Action<int, long, long>? Progress { get; set; }

    /// <summary>Stops between chunks.</summary>
    public CancellationToken CancellationToken { get; set; }
}

/// <summary>
/// A screen's <see cref="PerturbationStatistics"/> from one-row-per-cell tables in Parquet (one column per measured variable;
/// read a row group at a time) or CSV/TSV (read a chunk of rows at a time), in two passes: the columns a
/// <see cref="ScreenDesign"/> names make the contexts (as <see cref="CsvPerturbationTable.ToPerturbationDataset(ScreenDesign)"/>
/// does), then the measurements are summed a chunk at a time. Memory: the design's columns, one chunk, K·d sums and two
/// d × d products, whatever the number of cells.
/// </summary>
public static class TableStatistics
{
    /// <summary>Reads the statistics of <paramref name="path"/>'s rows under <paramref name="design"/>.</summary>
    /// <param name="path">A .parquet, .csv, .tsv or .txt file.</param>
    /// <param name="design">Which columns are the perturbation, dose, covariates; descriptors.</param>
    /// <param name="options">Measurement columns, normalisation, chunks; null for the defaults.</param>
    public static PerturbationStatistics Compute(string path, ScreenDesign design, TableStatisticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        options ??= new TableStatisticsOptions();
        if (options.ChunkRows < 1) throw new ArgumentOutOfRangeException(nameof(options), options.ChunkRows, "TableStatisticsOptions.ChunkRows must be ≥ 1.");
        if (!File.Exists(path)) throw new FileNotFoundException($"No file '{path}'.", path);
        ITable table = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".parquet" => new ParquetTable(path),
            ".csv" or ".txt" => new CsvTable(path, options.Delimiter ?? ','),
            ".tsv" => new CsvTable(path, options.Delimiter ?? '\t'),
            var other => throw new ArgumentException($"'{path}' has extension '{other}'; expected .parquet, .csv, .tsv or .txt.", nameof(path)),
        };
        string[] designColumns = design.Columns.ToArray();
        foreach (string column in designColumns)
            if (!table.Columns.Contains(column))
                throw new DataFileException(path, column, null, $"no column '{column}' (the design names it); the columns are {string.Join(", ", table.Columns.Take(12).Select(c => $"'{c}'"))}{(table.Columns.Count > 12 ? ", ..." : "")}.");
        string[] measured = options.MeasurementColumns?.ToArray() ?? table.Columns.Where(c => !designColumns.Contains(c) && table.IsNumeric(c)).ToArray();
        if (measured.Length == 0) throw new DataFileException(path, null, null, "no measurement columns: every column is named by the design or is not numeric.");
        foreach (string column in measured)
            if (!table.Columns.Contains(column)) throw new DataFileException(path, column, null, $"no column '{column}' (TableStatisticsOptions.MeasurementColumns names it).");

        // Pass 1: the design's columns, whole.
        Dictionary<string, string?[]> text = table.ReadText(designColumns, options);
        int n = text[design.PerturbationColumn].Length;
        string RowLabel(int i) => table.RowLabel(i);
        var rows = new ScreenRows(path, n, RowLabel, c => c, name => text.TryGetValue(name, out string?[]? values) ? i => values[i]
                : throw new DataFileException(path, name, null, $"no column '{name}'."),
            name => text.TryGetValue(name, out string?[]? values) ? i => ScreenRows.ParseNumber(values[i]) : null, new float[0, 0], Array.Empty<string>());
        ScreenLayout layout = rows.Layout(design);
        PerturbationGrouper.Plan plan = PerturbationGrouper.Contexts(path, layout.ContextColumn, layout.Labels, RowLabel, layout.Features,
            layout.ControlLabels, layout.FeatureNames, layout.GroupOf);

        // Pass 2: the measurements, a chunk at a time.
        using var builder = new PerturbationStatisticsBuilder(measured, layout.FeatureNames, plan.Definitions);
        table.ReadNumbers(measured, options, n, (chunk, start) =>
        {
            float[,] values = options.NormalizeTotalLog1p ? Normalise(path, chunk, options.TargetSum, start, RowLabel) : chunk;
            builder.Add(plan.ContextOfRow.AsSpan(start, values.GetLength(0)), values);
        });
        return builder.Build();
    }

    private static float[,] Normalise(string path, float[,] chunk, double targetSum, int start, Func<int, string> rowLabel)
    {
        try
        {
            return CountNormalization.NormalizeTotalLog1p(chunk, targetSum, rowLabel: i => rowLabel(start + i));
        }
        catch (ArgumentException e)
        {
            throw new DataFileException(path, null, null, e.Message, e);
        }
    }

    /// <summary>What the two passes read of a file.</summary>
    private interface ITable
    {
        IReadOnlyList<string> Columns { get; }
        bool IsNumeric(string column);
        string RowLabel(int row);
        Dictionary<string, string?[]> ReadText(IReadOnlyList<string> columns, TableStatisticsOptions options);
        void ReadNumbers(IReadOnlyList<string> columns, TableStatisticsOptions options, int rows, Action<float[,], int> use);
    }

    private sealed class ParquetTable : ITable
    {
        private readonly string _path;
        private readonly DataField[] _fields;

        public ParquetTable(string path)
        {
            _path = path;
            _fields = Run(async () =>
            {
                await using FileStream stream = File.OpenRead(path);
                await using ParquetReader reader = await ParquetReader.CreateAsync(stream);
                return reader.Schema.GetDataFields();
            });
            Columns = _fields.Select(f => f.Name).ToArray();
        }

        public IReadOnlyList<string> Columns { get; }

        public bool IsNumeric(string column) => ParquetColumns.IsNumber(Field(column));

        private DataField Field(string column) => _fields.First(f => f.Name == column);

        public string RowLabel(int row) => $"row {row}";

        private T Run<T>(Func<Task<T>> work)
        {
            try
            {
                return Task.Run(work).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not DataFileException and not OperationCanceledException)
            {
                throw new DataFileException(_path, null, null, $"could not be read as Parquet ({e.Message}).", e);
            }
        }

        /// <summary>Visits every row group with its reader, first row and size.</summary>
        private void Groups(Func<ParquetRowGroupReader, int, int, Task> visit) => Run(async () =>
        {
            await using FileStream stream = File.OpenRead(_path);
            await using ParquetReader reader = await ParquetReader.CreateAsync(stream);
            int start = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                int count = checked((int)group.RowCount);
                await visit(group, start, count);
                start += count;
            }
            return 0;
        });

        public Dictionary<string, string?[]> ReadText(IReadOnlyList<string> columns, TableStatisticsOptions options)
        {
            var parts = columns.ToDictionary(c => c, _ => new List<string?>());
            Groups(async (group, start, count) =>
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                foreach (string column in columns)
                {
                    DataField field = Field(column);
                    if (ParquetColumns.IsText(field)) parts[column].AddRange(await ParquetColumns.ReadText(group, field, count));
                    else parts[column].AddRange((await Numbers(group, field, start, count)).Select(v => v?.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
                }
                options.Progress?.Invoke(1, start + count, 0);
            });
            return parts.ToDictionary(e => e.Key, e => e.Value.ToArray());
        }

        /// <summary>A numeric column of one row group (null where the file has none); another type is an error naming the column.</summary>
        private async Task<double?[]> Numbers(ParquetRowGroupReader group, DataField field, int start, int count)
        {
            try
            {
                return await ParquetColumns.ReadNumbers(group, field, count);
            }
            catch (NotSupportedException)
            {
                throw new DataFileException(_path, field.Name, null, $"column '{field.Name}' has type {(Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType).Name} (rows from {start}); expected numbers.");
            }
        }

        public void ReadNumbers(IReadOnlyList<string> columns, TableStatisticsOptions options, int rows, Action<float[,], int> use)
        {
            DataField[] fields = columns.Select(Field).ToArray();
            Groups(async (group, start, count) =>
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                var chunk = new float[count, columns.Count];
                for (int j = 0; j < columns.Count; j++)
                {
                    double?[] values = await Numbers(group, fields[j], start, count);
                    for (int i = 0; i < count; i++)
                        chunk[i, j] = (float)(values[i] ?? throw new DataFileException(_path, columns[j], null, $"row {start + i} is empty (null); measurements must be numbers."));
                }
                use(chunk, start);
                options.Progress?.Invoke(2, start + count, rows);
            });
        }
    }

    private sealed class CsvTable : ITable
    {
        private readonly string _path;
        private readonly char _delimiter;
        private readonly List<long> _lines = new();

        public CsvTable(string path, char delimiter)
        {
            _path = path;
            _delimiter = delimiter;
            using var stream = File.OpenRead(path);
            Columns = CsvReading.Read(stream, path, delimiter, csv => csv.Headers.ToArray());
        }

        public IReadOnlyList<string> Columns { get; }

        public bool IsNumeric(string column) => true; // every column the design does not name is a measurement; a bad value is an error naming it

        public string RowLabel(int row) => row < _lines.Count ? $"line {_lines[row]}" : $"row {row}";

        private void Rows(Action<CsvHelper.CsvReader> each)
        {
            using var stream = File.OpenRead(_path);
            CsvReading.Read(stream, _path, _delimiter, csv =>
            {
                while (csv.Read())
                {
                    if (csv.FieldCount != Columns.Count)
                        throw new DataFileException(_path, null, csv.LineNumber, $"has {csv.FieldCount} fields; the header has {Columns.Count}.");
                    each(csv);
                }
                return 0;
            });
        }

        public Dictionary<string, string?[]> ReadText(IReadOnlyList<string> columns, TableStatisticsOptions options)
        {
            int[] at = columns.Select(c => Columns.ToList().IndexOf(c)).ToArray();
            var values = columns.Select(_ => new List<string?>()).ToArray();
            Rows(csv =>
            {
                _lines.Add(csv.LineNumber);
                for (int k = 0; k < at.Length; k++)
                {
                    string value = csv.GetString(at[k]);
                    values[k].Add(value.Length == 0 ? null : value);
                }
                if (_lines.Count % options.ChunkRows == 0)
                {
                    options.CancellationToken.ThrowIfCancellationRequested();
                    options.Progress?.Invoke(1, _lines.Count, 0);
                }
            });
            return columns.Select((c, k) => (c, values[k].ToArray())).ToDictionary(e => e.c, e => e.Item2);
        }

        public void ReadNumbers(IReadOnlyList<string> columns, TableStatisticsOptions options, int rows, Action<float[,], int> use)
        {
            int[] at = columns.Select(c => Columns.ToList().IndexOf(c)).ToArray();
            var chunk = new float[Math.Min(options.ChunkRows, Math.Max(rows, 1)), columns.Count];
            int filled = 0, start = 0;
            void Flush()
            {
                if (filled == 0) return;
                float[,] part = filled == chunk.GetLength(0) ? chunk : Slice(chunk, filled);
                use(part, start);
                start += filled;
                filled = 0;
                options.CancellationToken.ThrowIfCancellationRequested();
                options.Progress?.Invoke(2, start, rows);
                chunk = new float[chunk.GetLength(0), columns.Count];
            }
            Rows(csv =>
            {
                for (int k = 0; k < at.Length; k++)
                {
                    string text = csv.GetString(at[k]);
                    double value = ScreenRows.ParseNumber(text);
                    if (double.IsNaN(value) || double.IsInfinity(value))
                        throw new DataFileException(_path, columns[k], csv.LineNumber, $"'{text}' is not a finite number; measurements must be numbers.");
                    chunk[filled, k] = (float)value;
                }
                if (++filled == chunk.GetLength(0)) Flush();
            });
            Flush();
        }

        private static float[,] Slice(float[,] chunk, int rows)
        {
            var part = new float[rows, chunk.GetLength(1)];
            Array.Copy(chunk, part, rows * chunk.GetLength(1));
            return part;
        }
    }
}
