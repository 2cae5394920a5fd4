using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Synthetic;
using Microsoft.ML;

namespace Gim.MLNet.Tests.Data.Statistics;

public class AnnDataStatisticsTests
{
    private string _folder = null!, _h5ad = null!;
    private ScreenDesign _design = null!;

    [OneTimeSetUp]
    public void Write()
    {
        _folder = Directory.CreateTempSubdirectory("gim-stream-").FullName;
        var screen = SingleCellScreen.Generate(new SingleCellScreenOptions { Seed = 3, Genes = 40, Drugs = 3, CellsPerCondition = 15, VehicleCellsPerLine = 50 });
        _h5ad = Path.Combine(_folder, "screen.h5ad");
        screen.WriteH5ad(_h5ad);
        string drugs = Path.Combine(_folder, "drugs.csv");
        screen.WriteDescriptors(drugs);
        _design = new ScreenDesign("product_name", "vehicle") { DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = DescriptorTable.Read(drugs) };
    }

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(_folder, recursive: true);

    private static void AssertSame(PerturbationStatistics streamed, PerturbationStatistics expected)
    {
        Assert.That(streamed.VariableNames, Is.EqualTo(expected.VariableNames));
        Assert.That(streamed.FeatureNames, Is.EqualTo(expected.FeatureNames));
        Assert.That(streamed.Contexts.Select(c => (c.Name, c.Group, c.IsControl, c.Moments.Count)), Is.EqualTo(expected.Contexts.Select(c => (c.Name, c.Group, c.IsControl, c.Moments.Count))));
        for (int c = 0; c < expected.Contexts.Count; c++)
        {
            Assert.That(streamed.Contexts[c].Features, Is.EqualTo(expected.Contexts[c].Features));
            Assert.That(streamed.Contexts[c].Moments.Mean, Is.EqualTo(expected.Contexts[c].Moments.Mean).Within(1e-9));
            Assert.That(streamed.Contexts[c].Moments.Variance, Is.EqualTo(expected.Contexts[c].Moments.Variance).Within(1e-8));
        }
        Assert.That(streamed.Covariance.EqualWeighted, Is.EqualTo(expected.Covariance.EqualWeighted).Within(1e-8));
        Assert.That(streamed.Covariance.CellWeighted, Is.EqualTo(expected.Covariance.CellWeighted).Within(1e-8));
    }

    [Test]
    public void Streamed_InSmallChunks_AreTheStatisticsOfTheCellsReadWhole()
    {
        var chunks = new List<long>();
        PerturbationStatistics streamed = AnnDataStatistics.Compute(_h5ad, _design, new AnnDataStatisticsOptions { ChunkRows = 37, Progress = (_, done, _) => chunks.Add(done) });
        PerturbationDataset whole = AnnDataReader.Read(_h5ad).ToPerturbationDataset(_design);
        AssertSame(streamed, PerturbationStatistics.Compute(whole));
        Assert.That(chunks, Has.Count.EqualTo((whole.SampleCount + 36) / 37), "one progress report per chunk");
    }

    [Test]
    public void Normalised_WithTheMostVariableGenes_AsThePipelineStepsWouldHaveIt()
    {
        PerturbationStatistics streamed = AnnDataStatistics.Compute(_h5ad, _design,
            new AnnDataStatisticsOptions { NormalizeTotalLog1p = true, HighlyVariableGenes = 12, ChunkRows = 50 });

        // The same cells normalised whole (log(1 + x·10⁴/Σx) per cell over all 40 genes), the genes chosen by the ML.NET step.
        PerturbationDataset raw = AnnDataReader.Read(_h5ad).ToPerturbationDataset(_design);
        var normalised = raw.Contexts.Select(c =>
        {
            int n = c.SampleCount, d = raw.VariableCount;
            var x = new float[n, d];
            for (int i = 0; i < n; i++)
            {
                double total = 0;
                for (int j = 0; j < d; j++) total += c.Samples[i, j];
                for (int j = 0; j < d; j++) x[i, j] = (float)Math.Log(1 + c.Samples[i, j] * (total > 0 ? 1e4 / total : 0));
            }
            return (Context: c, Cells: x);
        }).ToList();
        var all = new PerturbationDataset(normalised.Select(e => new PerturbationContext(e.Context.Name, e.Context.Features, e.Cells, e.Context.IsControl, e.Context.Group)).ToList(),
            raw.VariableNames, raw.FeatureNames);
        var mlContext = new MLContext(seed: 0);
        string[] kept = mlContext.Perturbation().Transforms.SelectHighlyVariableGenes("Hvg", "Measurements", 12).Fit(all.ToDataView(mlContext)).KeptGenes.ToArray();
        int[] columns = kept.Select(g => raw.VariableNames.ToList().IndexOf(g)).ToArray();
        var selected = new PerturbationDataset(normalised.Select(e =>
        {
            var x = new float[e.Cells.GetLength(0), columns.Length];
            for (int i = 0; i < x.GetLength(0); i++)
                for (int k = 0; k < columns.Length; k++) x[i, k] = e.Cells[i, columns[k]];
            return new PerturbationContext(e.Context.Name, e.Context.Features, x, e.Context.IsControl, e.Context.Group);
        }).ToList(), kept, raw.FeatureNames);
        AssertSame(streamed, PerturbationStatistics.Compute(selected));
    }

    [Test]
    public void AColumnTheDesignNamesButTheFileLacks_IsAnErrorNamingIt()
    {
        var design = new ScreenDesign("treatment", "vehicle");
        var error = Assert.Throws<DataFileException>(() => AnnDataStatistics.Compute(_h5ad, design))!;
        Assert.That(error.Message, Does.Contain("treatment"));
    }
}

public class TableStatisticsTests
{
    /// <summary>The small screen's cells as one row per cell: design columns, then one column per gene.</summary>
    private static (PerturbationDataset Cells, ScreenDesign Design, List<(string Drug, double Dose, string Line, float[] Genes)> Rows) Screen()
    {
        var screen = SingleCellScreen.Generate(new SingleCellScreenOptions { Seed = 2, Genes = 15, Drugs = 3, CellsPerCondition = 10, VehicleCellsPerLine = 30 });
        var rows = new List<(string, double, string, float[])>();
        for (int i = 0; i < screen.Counts.Rows; i++)
        {
            var genes = new float[screen.Counts.Columns];
            for (long k = screen.Counts.RowStarts[i]; k < screen.Counts.RowStarts[i + 1]; k++) genes[screen.Counts.ColumnIndices[k]] = screen.Counts.Data[k];
            rows.Add((screen.Perturbation[i], screen.Dose[i], screen.CellLine[i], genes));
        }
        var design = new ScreenDesign("drug", "vehicle") { DoseColumn = "dose", Covariates = new[] { "line" } };
        return (null!, design, rows);
    }

    [TestCase(".csv")]
    [TestCase(".parquet")]
    public void ATableStreamedInChunks_GivesTheStatisticsOfItsCellsReadWhole(string extension)
    {
        var (_, design, rows) = Screen();
        int d = rows[0].Genes.Length;
        string[] genes = Enumerable.Range(0, d).Select(j => $"g{j}").ToArray();
        string folder = Directory.CreateTempSubdirectory("gim-table-").FullName;
        try
        {
            string path = Path.Combine(folder, "cells" + extension);
            string csv = Path.Combine(folder, "cells.csv");
            var text = new System.Text.StringBuilder("drug,dose,line," + string.Join(",", genes) + "\n");
            foreach (var r in rows)
                text.Append($"{r.Drug},{r.Dose.ToString(System.Globalization.CultureInfo.InvariantCulture)},{r.Line},").AppendJoin(',', r.Genes.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))).Append('\n');
            File.WriteAllText(csv, text.ToString());
            if (extension == ".parquet")
            {
                // Three row groups of uneven size, as a writer that flushes every so often would leave them.
                var fields = new List<Parquet.Schema.DataField> { new Parquet.Schema.DataField<string>("drug"), new Parquet.Schema.DataField<double>("dose"), new Parquet.Schema.DataField<string>("line") };
                fields.AddRange(genes.Select(g => (Parquet.Schema.DataField)new Parquet.Schema.DataField<float>(g)));
                Task.Run(async () =>
                {
                    await using FileStream stream = File.Create(path);
                    await using var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields), stream);
                    foreach (var (from, to) in new[] { (0, 50), (50, 51), (51, rows.Count) })
                    {
                        var part = rows.GetRange(from, to - from);
                        using var group = writer.CreateRowGroup();
                        await group.WriteAsync(fields[0], part.Select(r => r.Drug).ToArray());
                        await group.WriteAsync<double>(fields[1], part.Select(r => r.Dose).ToArray());
                        await group.WriteAsync(fields[2], part.Select(r => r.Line).ToArray());
                        for (int j = 0; j < d; j++) await group.WriteAsync<float>(fields[3 + j], part.Select(r => r.Genes[j]).ToArray());
                    }
                }).GetAwaiter().GetResult();
            }
            PerturbationStatistics streamed = TableStatistics.Compute(path, design, new TableStatisticsOptions { ChunkRows = 23, NormalizeTotalLog1p = true });

            // The same rows read whole by the CSV reader, normalised per cell.
            var roles = new Gim.MLNet.Data.Csv.CsvColumnRoles("drug", "vehicle") { FeatureColumns = Array.Empty<string>(), TextColumns = new[] { "dose", "line" } };
            PerturbationDataset whole = Gim.MLNet.Data.Csv.CsvPerturbationReader.Read(csv, roles).ToPerturbationDataset(design);
            var normalised = new PerturbationDataset(whole.Contexts.Select(c =>
            {
                var x = new float[c.SampleCount, d];
                for (int i = 0; i < c.SampleCount; i++)
                {
                    double total = 0;
                    for (int j = 0; j < d; j++) total += c.Samples[i, j];
                    for (int j = 0; j < d; j++) x[i, j] = (float)Math.Log(1 + c.Samples[i, j] * (total > 0 ? 1e4 / total : 0));
                }
                return new PerturbationContext(c.Name, c.Features, x, c.IsControl, c.Group);
            }).ToList(), whole.VariableNames, whole.FeatureNames);
            PerturbationStatistics expected = PerturbationStatistics.Compute(normalised);
            Assert.That(streamed.VariableNames, Is.EqualTo(genes));
            Assert.That(streamed.FeatureNames, Is.EqualTo(expected.FeatureNames));
            Assert.That(streamed.Contexts.Select(c => (c.Name, c.Moments.Count)), Is.EqualTo(expected.Contexts.Select(c => (c.Name, c.Moments.Count))));
            for (int c = 0; c < expected.Contexts.Count; c++)
            {
                Assert.That(streamed.Contexts[c].Features, Is.EqualTo(expected.Contexts[c].Features));
                Assert.That(streamed.Contexts[c].Moments.Mean, Is.EqualTo(expected.Contexts[c].Moments.Mean).Within(1e-9));
                Assert.That(streamed.Contexts[c].Moments.Variance, Is.EqualTo(expected.Contexts[c].Moments.Variance).Within(1e-8));
            }
            Assert.That(streamed.Covariance.EqualWeighted, Is.EqualTo(expected.Covariance.EqualWeighted).Within(1e-8));
            Assert.That(streamed.Covariance.CellWeighted, Is.EqualTo(expected.Covariance.CellWeighted).Within(1e-8));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void AParquetRowGroupOfManyPages_IsReadWhole()
    {
        // 30,000 cells in one row group: every column spans many pages.
        string folder = Directory.CreateTempSubdirectory("gim-table-").FullName;
        try
        {
            string path = Path.Combine(folder, "cells.parquet");
            const int n = 30_000;
            var fields = new Parquet.Schema.DataField[] { new Parquet.Schema.DataField<string>("drug"), new Parquet.Schema.DataField<float>("g1"), new Parquet.Schema.DataField<double>("g2") };
            string[] drug = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? "vehicle" : "A").ToArray();
            // Random values (plainly encoded, many pages): Parquet.Net's nullable read of a required column misaligned
            // them past the first page (found on a 1,000,000-cell file); values of a few levels hid it (dictionary encoding).
            var random = new Random(3);
            float[] g1 = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
            double[] g2 = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
            Task.Run(async () =>
            {
                await using FileStream stream = File.Create(path);
                await using var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields), stream);
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(fields[0], drug);
                await group.WriteAsync<float>(fields[1], g1);
                await group.WriteAsync<double>(fields[2], g2);
            }).GetAwaiter().GetResult();
            PerturbationStatistics s = TableStatistics.Compute(path, new ScreenDesign("drug", "vehicle"));
            ContextStatistics a = s.Contexts.Single(c => c.Name == "A");
            int[] rows = Enumerable.Range(0, n).Where(i => drug[i] == "A").ToArray();
            Assert.That(a.Moments.Count, Is.EqualTo(rows.Length));
            Assert.That(a.Moments.Mean[0], Is.EqualTo(rows.Average(i => (double)g1[i])).Within(1e-12));
            Assert.That(a.Moments.Mean[1], Is.EqualTo(rows.Average(i => g2[i])).Within(1e-7), "doubles are summed as float32 measurements");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ABadMeasurement_IsAnErrorNamingTheLineAndColumn()
    {
        string folder = Directory.CreateTempSubdirectory("gim-table-").FullName;
        try
        {
            string path = Path.Combine(folder, "cells.csv");
            File.WriteAllText(path, "drug,g1,g2\nvehicle,1,2\nvehicle,1,3\nA,2,x\nA,2,2\n");
            var error = Assert.Throws<DataFileException>(() => TableStatistics.Compute(path, new ScreenDesign("drug", "vehicle")))!;
            Assert.That(error.Message, Is.EqualTo($"{path}, line 4, 'g2': 'x' is not a finite number; measurements must be numbers."));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
