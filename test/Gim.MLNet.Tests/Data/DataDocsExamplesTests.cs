using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Csv;
using Gim.MLNet.Data.Sachs;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.Data;

/// <summary>The examples of docs/data.md, verbatim between the markers, so the documentation cannot rot.</summary>
public class DataDocsExamplesTests
{
    [Test]
    public void AnnData_example()
    {
        string path = FixtureFiles.H5ad("csr_f32.h5ad");
        // docs:h5ad
        var options = new AnnDataReadOptions
        {
            Layer = null,                                    // X; or "counts" for layers/counts
            Variables = new[] { "v0", "v3" },                // only these genes are materialised
            ObsColumns = new[] { "condition", "treated" },   // null loads every obs column
            RowFilter = new AnnDataRowFilter("condition", "ctrl", "drugA"),
            MaxDenseBytes = 512L << 20,                      // refuse more than 512 MiB dense
        };
        AnnDataTable table = AnnDataReader.Read(path, options);
        PerturbationDataset data = table.ToPerturbationDataset(
            contextColumn: "condition", controlValues: new[] { "ctrl" }, featureColumns: new[] { "treated" });
        IDataView view = table.ToDataView();                 // ObsName, obs columns, Measurements vector
        // end
        Assert.That(data.Contexts.Select(c => c.Name), Is.EqualTo(new[] { "ctrl", "drugA" }));
        Assert.That(view.Schema["Measurements"].Type.ToString(), Does.Contain("2"));
    }

    [Test]
    public void Csv_example()
    {
        using var dir = new FixtureFiles.TempDir();
        string path = dir.File("screen.csv");
        File.WriteAllText(path, "cell,drug,dose_a,dose_b,g1,g2\nx1,DMSO,0,0,1.0,2.0\nx2,DMSO,0,0,1.5,2.5\nx3,A,1,0,0.5,3.0\nx4,A,1,0,0.7,3.1\n");
        // docs:csv
        var roles = new CsvColumnRoles(contextColumn: "drug", "DMSO")
        {
            FeaturePrefix = "dose_",                         // or FeatureColumns = new[] { ... }
            IgnoredColumns = new[] { "cell" },               // measurements: every other column
        };
        CsvPerturbationTable table = CsvPerturbationReader.Read(path, roles);
        PerturbationDataset data = table.ToPerturbationDataset();
        IDataView view = table.ToDataView();                 // Context, IsControl, Features, Measurements
        // end
        Assert.That(data.VariableNames, Is.EqualTo(new[] { "g1", "g2" }));
        Assert.That(view.GetRowCount(), Is.EqualTo(4));
    }

    [Test]
    public void Combinations_example()
    {
        using var dir = new FixtureFiles.TempDir();
        string path = dir.File("pairs.csv");
        File.WriteAllText(path, "condition,g1,g2\nctrl,1.0,2.0\nctrl,1.5,2.5\nA+ctrl,0.5,3.0\nA+ctrl,0.7,3.1\nA+B,0.1,3.5\nA+B,0.2,3.4\n");
        string h5adPath = FixtureFiles.H5ad("csr_f32.h5ad");
        // docs:combinations
        var pairs = new CombinationLabels { Separator = "+", NonTargeting = new[] { "ctrl" } };   // the defaults
        var roles = new CsvColumnRoles(contextColumn: "condition", "ctrl") { FeatureColumns = Array.Empty<string>() };
        PerturbationDataset fromCsv = CsvPerturbationReader.Read(path, roles).ToPerturbationDataset(pairs);   // features A, B
        PerturbationDataset fromH5ad = AnnDataReader.Read(h5adPath).ToPerturbationDataset(
            "condition", new[] { "ctrl" }, featureColumns: Array.Empty<string>(), pairs);
        // end
        Assert.That(fromCsv.FeatureNames, Is.EqualTo(new[] { "A", "B" }));
        Assert.That(fromCsv.Contexts[2].Features, Is.EqualTo(new float[] { 1, 1 }));
        Assert.That(fromH5ad.FeatureNames, Is.EqualTo(new[] { "drugA", "drugB" }));
    }

    [Test]
    public void Screen_example()
    {
        using var dir = new FixtureFiles.TempDir();
        string screenPath = dir.File("screen.csv"), descriptorsPath = dir.File("drugs.csv");
        File.WriteAllText(screenPath, "product_name,dose,cell_type,g1,g2\nvehicle,0,A549,1.0,2.0\nvehicle,0,A549,1.2,2.1\n" +
            "drugA,10,A549,2.0,2.0\ndrugA,10,A549,2.2,2.1\nvehicle,0,MCF7,0.0,1.0\nvehicle,0,MCF7,0.1,1.2\ndrugA,10,MCF7,1.0,1.0\ndrugA,10,MCF7,1.1,1.1\n");
        File.WriteAllText(descriptorsPath, "drug,logP,weight\ndrugA,1.5,300\n");
        // docs:screen
        var design = new ScreenDesign(perturbationColumn: "product_name", "vehicle")
        {
            DoseColumn = "dose",                                   // log10(1 + dose) by default
            Covariates = new[] { "cell_type" },                   // contexts split by line; "cell_type=MCF7" a feature
            Descriptors = DescriptorTable.Read(descriptorsPath),  // keyed by its first column
        };
        var roles = new CsvColumnRoles("product_name", "vehicle")
        {
            FeatureColumns = Array.Empty<string>(),
            TextColumns = new[] { "dose", "cell_type" },
        };
        PerturbationDataset screen = CsvPerturbationReader.Read(screenPath, roles).ToPerturbationDataset(design);
        // end
        Assert.That(screen.FeatureNames, Is.EqualTo(new[] { "logP", "weight", "log10(1+dose)", "cell_type=MCF7" }));
        Assert.That(screen.Contexts.Select(c => c.Name), Is.EqualTo(new[]
            { "vehicle|cell_type=A549", "drugA|dose=10|cell_type=A549", "vehicle|cell_type=MCF7", "drugA|dose=10|cell_type=MCF7" }));
        Assert.That(screen.Controls.Select(c => c.Name), Is.EqualTo(new[] { "vehicle|cell_type=A549" }));
    }

    [Test]
    public void Sachs_example()
    {
        // docs:sachs
        PerturbationDataset sachs = SachsDataset.Load();             // natural log of the intensities
        var (train, test) = SachsDataset.Split(sachs, seed: 0);      // 80/20 within every condition
        bool[,] consensus = SachsDataset.ConsensusGraph();           // 11 x 11, row = cause
        bool[,] targets = SachsDataset.NominalTargetMask();          // 7 targeted conditions x 11
        // end
        Assert.That(train.SampleCount + test.SampleCount, Is.EqualTo(7466));
        Assert.That(consensus.Cast<bool>().Count(e => e), Is.EqualTo(17));
        Assert.That(targets.GetLength(0), Is.EqualTo(7));
    }

    [Test]
    public void Statistics_example()
    {
        using var dir = new FixtureFiles.TempDir();
        var screen = Gim.MLNet.Data.Synthetic.SingleCellScreen.Generate(new Gim.MLNet.Data.Synthetic.SingleCellScreenOptions { Genes = 60, Drugs = 4, CellsPerCondition = 10, VehicleCellsPerLine = 40 });
        string h5ad = dir.File("screen.h5ad"), drugs = dir.File("drugs.csv"), folder = dir.File("statistics");
        screen.WriteH5ad(h5ad);
        screen.WriteDescriptors(drugs);
        // docs:statistics
        var design = new ScreenDesign("product_name", "vehicle")
        {
            DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = DescriptorTable.Read(drugs),
        };
        PerturbationStatistics statistics = AnnDataStatistics.Compute(h5ad, design, new AnnDataStatisticsOptions
        {
            NormalizeTotalLog1p = true,                      // raw counts: each cell to 10,000, then log1p
            HighlyVariableGenes = 50,                        // a first pass ranks the genes
            ChunkRows = 4096,                                // cells in memory at a time
        });
        statistics.Write(folder);                            // contexts/moments/covariance/target_rows.parquet
        var mlContext = new MLContext(seed: 0);
        using GimTransformer gim = mlContext.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 300 })
            .Fit(PerturbationStatistics.Read(folder));       // as from the cells, never holding them
        // end
        Assert.That(gim.VariableNames, Has.Count.EqualTo(50));
        Assert.That(statistics.CellCount, Is.EqualTo(screen.Counts.Rows));
    }

    [Test]
    public void Docs_show_these_examples_verbatim()
    {
        string docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "data.md"));
        string source = File.ReadAllText(Path.Combine(RepoRoot(), "test", "Gim.MLNet.Tests", "Data", "DataDocsExamplesTests.cs"));
        foreach (string marker in new[] { "h5ad", "csv", "combinations", "screen", "sachs", "statistics" })
        {
            string code = Between(source, $"// docs:{marker}\n", "        // end");
            string dedented = string.Join("\n", code.Split('\n').Select(l => l.Length >= 8 ? l[8..] : l.TrimStart()));
            Assert.That(docs, Does.Contain(dedented.TrimEnd()), $"docs/data.md must show the '{marker}' example as tested");
        }
    }

    private static string Between(string text, string start, string end)
    {
        int i = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[i..text.IndexOf(end, i, StringComparison.Ordinal)];
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
    }
}
