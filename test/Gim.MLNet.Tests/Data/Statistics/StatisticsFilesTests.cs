using Gim.MLNet.Data;
using Gim.MLNet.Tests.Support;
using Parquet;
using Parquet.Schema;

namespace Gim.MLNet.Tests.Data.Statistics;

public class StatisticsFilesTests
{
    private string _folder = null!;

    [SetUp]
    public void Folder() => _folder = Directory.CreateTempSubdirectory("gim-statistics-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void WrittenAndReadBack_TheStatisticsAreTheSameNumbers()
    {
        PerturbationDataset data = TrainingFixtures.SmallScreen().Train.Data;
        PerturbationStatistics written = PerturbationStatistics.Compute(data);
        written.Write(_folder);
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "contexts.parquet", "moments.parquet", "covariance.parquet", "target_rows.parquet" }));
        PerturbationStatistics read = PerturbationStatistics.Read(_folder);

        Assert.That(read.VariableNames, Is.EqualTo(written.VariableNames));
        Assert.That(read.FeatureNames, Is.EqualTo(written.FeatureNames));
        Assert.That(read.Covariance.EqualWeighted, Is.EqualTo(written.Covariance.EqualWeighted));
        Assert.That(read.Covariance.CellWeighted, Is.EqualTo(written.Covariance.CellWeighted));
        Assert.That(read.Covariance.ContextNames, Is.EqualTo(written.Covariance.ContextNames));
        for (int c = 0; c < written.Contexts.Count; c++)
        {
            ContextStatistics a = written.Contexts[c], b = read.Contexts[c];
            Assert.That((b.Name, b.Group, b.IsControl, b.Moments.Count), Is.EqualTo((a.Name, a.Group, a.IsControl, a.Moments.Count)));
            Assert.That(b.Features, Is.EqualTo(a.Features), a.Name);
            Assert.That(b.Moments.Mean, Is.EqualTo(a.Moments.Mean), a.Name);
            Assert.That(b.Moments.Variance, Is.EqualTo(a.Moments.Variance), a.Name);
        }
    }

    /// <summary>Writes one Parquet file of string and double columns (null where a value is null), as another engine would.</summary>
    private static void WriteParquet(string path, params (string Name, object?[] Values)[] columns)
    {
        var fields = columns.Select(c => c.Values.FirstOrDefault(v => v is not null) is string ? (DataField)new DataField<string>(c.Name) : new DataField<double?>(c.Name)).ToArray();
        Task.Run(async () =>
        {
            await using FileStream stream = File.Create(path);
            await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            for (int i = 0; i < columns.Length; i++)
                if (columns[i].Values.FirstOrDefault(v => v is not null) is string) await group.WriteAsync(fields[i], columns[i].Values.Select(v => (string?)v).ToArray());
                else await group.WriteAsync<double>(fields[i], columns[i].Values.Select(v => v is null ? (double?)null : Convert.ToDouble(v)).ToArray());
        }).GetAwaiter().GetResult();
    }

    /// <summary>Two contexts over two genes, written as another engine would (doubles everywhere, 0/1 for the control flag).</summary>
    private void WriteSmall(object? variance = null, string lastPair = "g2", string? controlFlag = null)
    {
        WriteParquet(Path.Combine(_folder, "contexts.parquet"), ("context", new object?[] { "dmso", "drugA" }), ("group", new object?[] { "dmso", "drugA" }),
            ("is_control", new object?[] { controlFlag is null ? 1.0 : null, 0.0 }), ("n_cells", new object?[] { 100.0, 50.0 }), ("dose", new object?[] { 0.0, 1.0 }));
        WriteParquet(Path.Combine(_folder, "moments.parquet"), ("context", new object?[] { "dmso", "dmso", "drugA", "drugA" }),
            ("variable", new object?[] { "g1", "g2", "g2", "g1" }), ("mean", new object?[] { 1.0, 2.0, 2.5, 0.5 }),
            ("variance", new object?[] { 1.0, variance ?? 1.0, 1.0, 2.0 }));
        WriteParquet(Path.Combine(_folder, "covariance.parquet"), ("variable_a", new object?[] { "g1", "g2", "g2" }), ("variable_b", new object?[] { "g1", "g1", lastPair }),
            ("equal_weighted", new object?[] { 1.5, 0.25, 1.0 }), ("cell_weighted", new object?[] { 1.4, 0.2, 1.0 }));
    }

    [Test]
    public void FilesFromAnotherEngine_AreRead_WhateverTheRowOrder()
    {
        WriteSmall();
        PerturbationStatistics s = PerturbationStatistics.Read(_folder);
        Assert.That(s.VariableNames, Is.EqualTo(new[] { "g1", "g2" }));
        Assert.That(s.FeatureNames, Is.EqualTo(new[] { "dose" }));
        Assert.That(s.Contexts[1].Moments.Mean, Is.EqualTo(new[] { 0.5, 2.5 }), "drugA's rows came g2 first");
        Assert.That(s.Contexts[0].IsControl, Is.True);
        Assert.That(s.Covariance.EqualWeighted, Is.EqualTo(new[] { 1.5, 0.25, 0.25, 1.0 }), "the pair given as (g2, g1) fills both halves");
        Assert.That(s.ToDataset().Contexts[1].SampleCount, Is.EqualTo(50));
    }

    [Test]
    public void BadFiles_AreErrorsNamingFileColumnAndRow()
    {
        WriteSmall(variance: -1.0);
        Assert.That(Assert.Throws<DataFileException>(() => PerturbationStatistics.Read(_folder))!.Message,
            Is.EqualTo($"{Path.Combine(_folder, "moments.parquet")}, 'variance': row 1: -1; expected a finite number ≥ 0."));
        WriteSmall(lastPair: "g1");
        Assert.That(Assert.Throws<DataFileException>(() => PerturbationStatistics.Read(_folder))!.Message,
            Does.EndWith("row 2: the pair 'g2', 'g1' appears twice (in either order)."));
        WriteSmall(controlFlag: "missing");
        Assert.That(Assert.Throws<DataFileException>(() => PerturbationStatistics.Read(_folder))!.Message,
            Is.EqualTo($"{Path.Combine(_folder, "contexts.parquet")}, 'is_control': row 0: empty (null); expected a number."));
        WriteSmall();
        File.Delete(Path.Combine(_folder, "covariance.parquet"));
        Assert.That(Assert.Throws<DataFileException>(() => PerturbationStatistics.Read(_folder))!.Message, Does.Contain("covariance.parquet: the file is missing"));
        File.WriteAllText(Path.Combine(_folder, "covariance.parquet"), "not parquet");
        Assert.That(Assert.Throws<DataFileException>(() => PerturbationStatistics.Read(_folder))!.Message, Does.Contain("covariance.parquet: not a readable Parquet file"));
    }
}

public class StatisticsFilesLargeTests
{
    [Test]
    public void FilesOfManyPages_ReadBackWhole()
    {
        // 3,000 contexts × 8 variables of random numbers: 24,000 moment rows, plainly encoded over many pages.
        var random = new Random(1);
        string[] variables = Enumerable.Range(0, 8).Select(j => $"g{j}").ToArray();
        var contexts = Enumerable.Range(0, 3000).Select(k => new ContextStatistics($"c{k}", $"c{k}", k == 0, new[] { (float)random.NextDouble() },
            new ContextMoments(10 + k, variables.Select(_ => random.NextDouble()).ToArray(), variables.Select(_ => random.NextDouble()).ToArray()))).ToList();
        var pool = Enumerable.Range(0, 64).Select(i => i / 8 == i % 8 ? 1.0 : 0.1).ToArray();
        var written = new PerturbationStatistics(variables, new[] { "f" }, contexts, new WithinContextCovariance(8, pool, pool, contexts.Select(c => c.Name).ToArray()));
        string folder = Directory.CreateTempSubdirectory("gim-statistics-large-").FullName;
        try
        {
            written.Write(folder);
            PerturbationStatistics read = PerturbationStatistics.Read(folder);
            Assert.That(read.Contexts.Select(c => c.Moments.Count), Is.EqualTo(written.Contexts.Select(c => c.Moments.Count)));
            Assert.That(read.Contexts.SelectMany(c => c.Moments.Mean), Is.EqualTo(written.Contexts.SelectMany(c => c.Moments.Mean)));
            Assert.That(read.Contexts.SelectMany(c => c.Moments.Variance), Is.EqualTo(written.Contexts.SelectMany(c => c.Moments.Variance)));
            Assert.That(read.Contexts.Select(c => c.Features[0]), Is.EqualTo(written.Contexts.Select(c => c.Features[0])));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
