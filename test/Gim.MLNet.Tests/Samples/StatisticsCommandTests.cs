using System.Globalization;
using System.Text;
using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Samples;

/// <summary>`sql-statistics` (DuckDB over long-form cells) and `fit --statistics` / `fit --stream`, end to end.</summary>
public class StatisticsCommandTests
{
    private string _folder = null!;
    private PerturbationDataset _cells = null!;

    [OneTimeSetUp]
    public void Write()
    {
        _folder = Directory.CreateTempSubdirectory("gim-sqlstat-").FullName;
        var screen = SingleCellScreen.Generate(new SingleCellScreenOptions { Seed = 5, Genes = 12, Drugs = 3, CellsPerCondition = 12, VehicleCellsPerLine = 40 });
        screen.WriteH5ad(Path.Combine(_folder, "screen.h5ad"));
        screen.WriteDescriptors(Path.Combine(_folder, "drugs.csv"));
        var design = new ScreenDesign("product_name", "vehicle") { DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = DescriptorTable.Read(Path.Combine(_folder, "drugs.csv")) };
        _cells = AnnDataReader.Read(Path.Combine(_folder, "screen.h5ad")).ToPerturbationDataset(design);
        WriteLongForm(_cells, "");
    }

    /// <summary>
    /// The cells in long form as an engine would hold them (zeros left out): PREFIXx.csv, PREFIXobs.csv, PREFIXcontexts.csv;
    /// each value as the double it is (a float's shortest text would parse to another double, 1e-8 apart).
    /// </summary>
    private void WriteLongForm(PerturbationDataset cells, string prefix)
    {
        var x = new StringBuilder("cell,variable,value\n");
        var obs = new StringBuilder("cell,context\n");
        var contexts = new StringBuilder("context,group,is_control," + string.Join(",", cells.FeatureNames.Select(f => $"\"{f}\"")) + "\n");
        int cell = 0;
        foreach (PerturbationContext c in cells.Contexts)
        {
            contexts.Append($"\"{c.Name}\",\"{c.Group}\",{(c.IsControl ? "true" : "false")},").AppendJoin(',', c.Features.Select(f => f.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
            for (int i = 0; i < c.SampleCount; i++, cell++)
            {
                obs.Append($"c{cell},\"{c.Name}\"\n");
                for (int j = 0; j < cells.VariableCount; j++)
                    if (c.Samples[i, j] != 0) x.Append($"c{cell},{cells.VariableNames[j]},{((double)c.Samples[i, j]).ToString("R", CultureInfo.InvariantCulture)}\n");
            }
        }
        File.WriteAllText(Path.Combine(_folder, prefix + "x.csv"), x.ToString());
        File.WriteAllText(Path.Combine(_folder, prefix + "obs.csv"), obs.ToString());
        File.WriteAllText(Path.Combine(_folder, prefix + "contexts.csv"), contexts.ToString());
    }

    /// <summary>
    /// A knockdown screen (features named like the genes they target): DuckDB keeps each context's targets' covariance rows
    /// (target_rows.parquet) equal to those computed from the cells (1e-8), and a known-knockdown GIM fits from the folder.
    /// The drug screen above names no target, so its target_rows.parquet is empty.
    /// </summary>
    [Test]
    public void DuckDbsTargetRows_AreTheCellsOnes_AndAKnockdownGimFitsFromThem()
    {
        PerturbationDataset knockdowns = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 9, ControlCells = 60, CellsPerCondition = 20 }).Train;
        WriteLongForm(knockdowns, "kd-");
        var (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(3), "sql-statistics", "--values", "kd-x.csv", "--obs", "kd-obs.csv", "--contexts", "kd-contexts.csv", "--out", "kd-sql");
        Assert.That(exitCode, Is.EqualTo(0), output);
        PerturbationStatistics sql = PerturbationStatistics.Read(Path.Combine(_folder, "kd-sql"));
        PerturbationStatistics cells = PerturbationStatistics.Compute(knockdowns);
        int[] at = cells.VariableNames.Select(v => sql.VariableNames.ToList().IndexOf(v)).ToArray();
        var byName = sql.Contexts.ToDictionary(c => c.Name);
        foreach (ContextStatistics s in cells.Contexts)
        {
            IReadOnlyDictionary<int, double[]> q = byName[s.Name].Moments.CovarianceRows;
            string[] named = s.IsControl ? Array.Empty<string>() : s.Name.Split('+').Where(g => g != "ctrl").ToArray();
            Assert.That(q.Keys.Select(j => sql.VariableNames[j]), Is.EquivalentTo(named), $"{s.Name}: a row for each gene its label names");
            Assert.That(q.Keys.Select(j => sql.VariableNames[j]), Is.EquivalentTo(s.Moments.CovarianceRows.Keys.Select(j => cells.VariableNames[j])), s.Name);
            foreach (var (j, row) in s.Moments.CovarianceRows)
            {
                Assert.That(at.Select(b => q[at[j]][b]), Is.EqualTo(row).Within(1e-8), $"{s.Name}, row of {cells.VariableNames[j]}");
            }
        }

        (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(3), "fit", "--statistics", "kd-sql", "--known-targets", "knockdown", "--steps", "50", "--out", "kd-fit");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(File.Exists(Path.Combine(_folder, "kd-fit", "gim-model.zip")), Is.True);
    }

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void DuckDbsStatistics_FromSparseLongCells_AreTheStreamingOnes_AndGimFitsFromThem()
    {
        var (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(3), "sql-statistics", "--values", "x.csv", "--obs", "obs.csv", "--contexts", "contexts.csv", "--out", "sql");
        Assert.That(exitCode, Is.EqualTo(0), output);
        PerturbationStatistics sql = PerturbationStatistics.Read(Path.Combine(_folder, "sql"));
        PerturbationStatistics streamed = PerturbationStatistics.Compute(_cells);

        Assert.That(sql.VariableNames, Is.EquivalentTo(streamed.VariableNames));
        Assert.That(sql.FeatureNames, Is.EqualTo(streamed.FeatureNames));
        int d = streamed.VariableNames.Count;
        int[] at = streamed.VariableNames.Select(v => sql.VariableNames.ToList().IndexOf(v)).ToArray(); // SQL sorts variables by name
        var byName = sql.Contexts.ToDictionary(c => c.Name);
        Assert.That(byName.Keys, Is.EquivalentTo(streamed.Contexts.Select(c => c.Name)));
        foreach (ContextStatistics s in streamed.Contexts)
        {
            ContextStatistics q = byName[s.Name];
            Assert.That((q.Group, q.IsControl, q.Moments.Count), Is.EqualTo((s.Group, s.IsControl, s.Moments.Count)), s.Name);
            Assert.That(q.Features, Is.EqualTo(s.Features), s.Name);
            Assert.That(at.Select(j => q.Moments.Mean[j]), Is.EqualTo(s.Moments.Mean).Within(1e-9), s.Name);
            Assert.That(at.Select(j => q.Moments.Variance[j]), Is.EqualTo(s.Moments.Variance).Within(1e-8), s.Name);
        }
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                Assert.That(sql.Covariance.EqualWeighted[at[a] * d + at[b]], Is.EqualTo(streamed.Covariance.EqualWeighted[a * d + b]).Within(1e-8));
                Assert.That(sql.Covariance.CellWeighted[at[a] * d + at[b]], Is.EqualTo(streamed.Covariance.CellWeighted[a * d + b]).Within(1e-8));
            }

        Assert.That(sql.Contexts.All(c => c.Moments.CovarianceRows.Count == 0), "no feature is named like a gene");
        (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(3), "fit", "--statistics", "sql", "--steps", "50", "--out", "fit-sql");
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(File.Exists(Path.Combine(_folder, "fit-sql", "gim-model.zip")), Is.True);
    }

    /// <summary>--graph-rank at least the genes fitted is refused before any output folder, from statistics as from cells.</summary>
    [Test]
    public void AGraphRankOfAllTheGenes_IsRefusedBeforeTheOutputFolder_FromStatisticsAndStream()
    {
        PerturbationStatistics.Compute(_cells).Write(Path.Combine(_folder, "stats-rank"));
        var (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(3), "fit", "--statistics", "stats-rank", "--graph-rank", "12", "--out", "rank-stats");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("--graph-rank 12 must be below the number of genes the model fits (12)"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "rank-stats")), Is.False);

        (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(3), "fit", "--stream", "--data", "screen.h5ad", "--perturbation", "product_name",
            "--control", "vehicle", "--dose", "dose", "--covariates", "cell_type", "--descriptors", "drugs.csv", "--hvg", "5", "--graph-rank", "5", "--out", "rank-stream");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("--graph-rank 5 must be below the number of genes the model fits (5)"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "rank-stream")), Is.False);
    }

    [Test]
    public void AContextTheContextsTableLacks_IsAnErrorNamingIt_AndLeavesNoFolder()
    {
        string lines = File.ReadAllText(Path.Combine(_folder, "contexts.csv"));
        File.WriteAllText(Path.Combine(_folder, "contexts-short.csv"), string.Join('\n', lines.Split('\n').Where(l => !l.StartsWith("\"Drug02|dose=100|cell_type=LineB\"", StringComparison.Ordinal))));
        var (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(3), "sql-statistics", "--values", "x.csv", "--obs", "obs.csv", "--contexts", "contexts-short.csv", "--out", "bad");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("--obs has context(s) 'Drug02|dose=100|cell_type=LineB' that --contexts does not list"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "bad")), Is.False);
    }

    [Test]
    public void AValueListedTwice_OrMissing_IsAnErrorNamingIt()
    {
        string x = File.ReadAllText(Path.Combine(_folder, "x.csv"));
        string first = x.Split('\n')[1];
        File.WriteAllText(Path.Combine(_folder, "x-twice.csv"), x + first + "\n");
        var (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(3), "sql-statistics", "--values", "x-twice.csv", "--obs", "obs.csv", "--contexts", "contexts.csv", "--out", "twice");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"--values lists cell / variable '{first.Split(',')[0]} / {first.Split(',')[1]}' more than once"));
        File.WriteAllText(Path.Combine(_folder, "x-null.csv"), x + first.Split(',')[0] + ",extra_gene,\n");
        (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(3), "sql-statistics", "--values", "x-null.csv", "--obs", "obs.csv", "--contexts", "contexts.csv", "--out", "null");
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("--values has no number for cell / variable"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "twice")) || Directory.Exists(Path.Combine(_folder, "null")), Is.False, "nothing left behind");
    }

    [Test]
    public void FitStream_WritesTheStatisticsItFitFrom()
    {
        var (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(3), "fit", "--data", "screen.h5ad", "--perturbation", "product_name", "--control", "vehicle",
            "--dose", "dose", "--covariates", "cell_type", "--descriptors", "drugs.csv", "--normalize", "--hvg", "8", "--stream", "--steps", "50", "--out", "streamed");
        Assert.That(exitCode, Is.EqualTo(0), output);
        PerturbationStatistics statistics = PerturbationStatistics.Read(Path.Combine(_folder, "streamed", "statistics"));
        Assert.That(statistics.VariableNames, Has.Count.EqualTo(8));
        Assert.That(statistics.CellCount, Is.EqualTo(_cells.SampleCount));
        Assert.That(File.ReadAllText(Path.Combine(_folder, "streamed", "screen-design.json")), Does.Contain("\"normalizedTotal\": 10000"));
    }
}
