using System.Globalization;
using System.Text;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Csv;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data;

/// <summary>
/// A CRISPR screen in the perturbation + guide layout (<see cref="ScreenDesign.GuideColumn"/>, issue 20): the targeted
/// gene in one column, the guide in another. Each guide is a context of its own in its gene's group, with an indicator
/// feature, the non-targeting guides pool into the control, and a known-target GIM learns each guide's strength.
/// </summary>
public class GuideColumnTests
{
    /// <summary>Two non-targeting guides, gene A with two guides, gene B with one, and the pair A+B; two genes measured.</summary>
    private const string Cells = """
        perturbation,guide_id,g0,g1
        non-targeting,NT_1,0.1,1.0
        non-targeting,NT_2,0.2,1.1
        A,A_sg1,1.0,2.0
        A,A_sg1,1.2,2.2
        A,A_sg2,1.5,2.5
        A,A_sg2,1.6,2.6
        B,B_sg1,-1.0,0.0
        B,B_sg1,-1.1,0.1
        A+B,A_sg1+B_sg1,0.5,0.5
        A+B,A_sg1+B_sg1,0.6,0.6
        """;

    private static Stream Utf8(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    private static CsvPerturbationTable Read(string cells = Cells) =>
        CsvPerturbationReader.Read(Utf8(cells), "cells.csv", new CsvColumnRoles("perturbation", "non-targeting")
        {
            FeatureColumns = Array.Empty<string>(),
            TextColumns = new[] { "guide_id" },
        });

    private static ScreenDesign Design(bool guides = true) => new("perturbation", "non-targeting")
    {
        Combinations = new CombinationLabels(),
        GuideColumn = guides ? "guide_id" : null,
    };

    [Test]
    public void EachGuideIsAContextOfItsGenesGroup_WithAnIndicator_AndNonTargetingGuidesPoolIntoTheControl()
    {
        PerturbationDataset data = Read().ToPerturbationDataset(Design());

        Assert.That(data.Contexts.Select(c => c.Name), Is.EqualTo(new[]
        {
            "non-targeting", "A|guide_id=A_sg1", "A|guide_id=A_sg2", "B|guide_id=B_sg1", "A+B|guide_id=A_sg1+B_sg1",
        }));
        Assert.That(data.Contexts[0].IsControl, Is.True);
        Assert.That(data.Contexts[0].SampleCount, Is.EqualTo(2), "both non-targeting guides' cells are the control");
        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "A", "B", "guide_id=A_sg1", "guide_id=A_sg2", "guide_id=B_sg1" }));
        Assert.That(data.Contexts.Where(c => c.Name.StartsWith("A|", StringComparison.Ordinal)).Select(c => c.Group), Is.All.EqualTo("A"),
            "a split by perturbation holds out a gene with all its guides");

        float[] Features(string name) => data.Contexts.Single(c => c.Name == name).Features;
        Assert.That(Features("A|guide_id=A_sg2"), Is.EqualTo(new float[] { 1, 0, 0, 1, 0 }));
        Assert.That(Features("A+B|guide_id=A_sg1+B_sg1"), Is.EqualTo(new float[] { 1, 1, 1, 0, 1 }), "a pair's guides set the singles' indicators");
        Assert.That(Features("non-targeting"), Is.All.EqualTo(0f));

        // Pooled, as without the column: one context per gene, no guide features.
        PerturbationDataset pooled = Read().ToPerturbationDataset(Design(guides: false));
        Assert.That(pooled.Contexts.Select(c => c.Name), Is.EqualTo(new[] { "non-targeting", "A", "B", "A+B" }));
        Assert.That(pooled.FeatureNames, Is.EqualTo(new[] { "A", "B" }));
    }

    /// <summary>
    /// A combination label names a set: "B+A" is the context "A+B" (the first spelling in the file), and "ctrl+A" is "A+ctrl",
    /// with their cells pooled and one group, so a split by perturbation cannot put the same pair on both sides; a guide
    /// value spelled the other way round ("B_sg1+A_sg1") is the same guide pair.
    /// </summary>
    [Test]
    public void ACombinationSpelledInAnotherOrder_IsTheSameContext()
    {
        const string cells = """
            perturbation,guide_id,g0,g1
            non-targeting,NT_1,0.1,1.0
            A+ctrl,A_sg1,1.0,2.0
            ctrl+A,A_sg1,1.2,2.2
            B,B_sg1,-1.0,0.0
            A+B,A_sg1+B_sg1,0.5,0.5
            B+A,B_sg1+A_sg1,0.6,0.6
            B+A,B_sg1+A_sg1,0.7,0.7
            """;
        PerturbationDataset pooled = Read(cells).ToPerturbationDataset(Design(guides: false));
        Assert.That(pooled.Contexts.Select(c => c.Name), Is.EqualTo(new[] { "non-targeting", "A+ctrl", "B", "A+B" }));
        Assert.That(pooled.Contexts.Select(c => c.SampleCount), Is.EqualTo(new[] { 1, 2, 1, 3 }));
        Assert.That(pooled.Contexts.Select(c => c.Group), Is.EqualTo(new[] { "non-targeting", "A+ctrl", "B", "A+B" }));
        PerturbationDataset perGuide = Read(cells).ToPerturbationDataset(Design());
        Assert.That(perGuide.Contexts.Select(c => c.Name), Is.EqualTo(new[] { "non-targeting", "A+ctrl|guide_id=A_sg1", "B|guide_id=B_sg1", "A+B|guide_id=A_sg1+B_sg1" }));
        Assert.That(perGuide.Contexts[^1].SampleCount, Is.EqualTo(3));
    }

    /// <summary>A DataFrame (so an IDataView) with the same cells reads the guide column as the CSV does.</summary>
    [Test]
    public void ADataFrame_ReadWithTheGuideColumn_EqualsTheCsv()
    {
        string[][] rows = Cells.Split('\n').Skip(1).Select(l => l.Split(',')).ToArray();
        var frame = new Microsoft.Data.Analysis.DataFrame(
            new Microsoft.Data.Analysis.StringDataFrameColumn("perturbation", rows.Select(r => r[0])),
            new Microsoft.Data.Analysis.StringDataFrameColumn("guide_id", rows.Select(r => r[1])),
            new Microsoft.Data.Analysis.SingleDataFrameColumn("g0", rows.Select(r => (float?)float.Parse(r[2], CultureInfo.InvariantCulture))),
            new Microsoft.Data.Analysis.SingleDataFrameColumn("g1", rows.Select(r => (float?)float.Parse(r[3], CultureInfo.InvariantCulture))));
        PerturbationDataset fromFrame = frame.ToPerturbationDataset(Design(), new[] { "g0", "g1" });
        PerturbationDataset fromCsv = Read().ToPerturbationDataset(Design());
        DatasetAssert.Same(fromFrame, fromCsv);
    }

    [Test]
    public void FeaturesByName_SetTheGuidesIndicator_AndAGuideNeverSeenHasNone()
    {
        ScreenDesign design = Design();
        IReadOnlyList<string> names = Read().ToPerturbationDataset(design).FeatureNames;

        Assert.That(design.FeaturesFor(names, "A", 0, guide: "A_sg2"), Is.EqualTo(new float[] { 1, 0, 0, 1, 0 }));
        Assert.That(design.FeaturesFor(names, "A", 0), Is.EqualTo(new float[] { 1, 0, 0, 0, 0 }), "no guide: every guide indicator 0");
        Assert.That(design.FeaturesFor(names, "A", 0, guide: "A_sg9"), Is.EqualTo(new float[] { 1, 0, 0, 0, 0 }), "a new guide: every guide indicator 0");
        Assert.That(design.FeaturesFor(names, "non-targeting", 0, guide: "NT_1"), Is.All.EqualTo(0f), "a vehicle's guide is not read");
        Assert.That(design.Parse("A|guide_id=A_sg1").Perturbation, Is.EqualTo("A"));
        Assert.That(design.Parse("non-targeting").Perturbation, Is.EqualTo("non-targeting"));
    }

    [Test]
    public void APerturbedCellWithoutAGuide_IsAnErrorNamingTheRow_AVehicleWithoutOneIsNot()
    {
        string empty = Cells.Replace("B,B_sg1,-1.1,0.1", "B,,-1.1,0.1");
        Assert.That(Assert.Throws<DataFileException>(() => Read(empty).ToPerturbationDataset(Design()))!.Message,
            Does.Contain("guide_id").And.Contain("line 9").And.Contain("no guide"));
        string missing = Cells.Replace("B,B_sg1,-1.1,0.1", "B,NA,-1.1,0.1");
        Assert.That(Assert.Throws<DataFileException>(() => Read(missing).ToPerturbationDataset(Design()))!.Message,
            Does.Contain("line 9").And.Contain("guide 'NA', a missing value"));

        PerturbationDataset vehicleWithout = Read(Cells.Replace("non-targeting,NT_2,", "non-targeting,,")).ToPerturbationDataset(Design());
        Assert.That(vehicleWithout.Contexts[0].SampleCount, Is.EqualTo(2));

        // Guide names reused across genes ("sg1" for A and for B) would share one feature: refused, naming both rows.
        string shared = Cells.Replace("A_sg1", "sg1").Replace("B_sg1", "sg1");
        Assert.That(Assert.Throws<DataFileException>(() => Read(shared).ToPerturbationDataset(Design()))!.Message,
            Does.Contain("line 8 has guide 'sg1' with perturbation 'B', and line 4 has it with 'A'").And.Contain("shares no gene"));

        var noColumn = new ScreenDesign("perturbation", "non-targeting") { Combinations = new CombinationLabels(), GuideColumn = "sgRNA" };
        Assert.That(Assert.Catch(() => Read().ToPerturbationDataset(noColumn))!.Message, Does.Contain("sgRNA"));
        var twice = new ScreenDesign("perturbation", "non-targeting") { Combinations = new CombinationLabels(), GuideColumn = "perturbation" };
        Assert.That(Assert.Throws<ArgumentException>(() => Read().ToPerturbationDataset(twice))!.Message, Does.Contain("GuideColumn 'perturbation'"));
    }

    /// <summary>
    /// Two guides of one gene that knock it down by different amounts (to 20% and to 70% of its expression; a linear
    /// chain g0 → g1, and g2 on its own with two equal guides). With the guide column, a knockdown GIM predicts each guide's
    /// level of g0, and g1 downstream, from the guide's indicator; with the guides pooled it can only predict their mixture
    /// for both. Measured on this seed: g0's predicted means 0.595 / 2.076 against 0.595 / 2.078 observed (pooled: 1.574
    /// for both), g1's 1.450 / 2.654 against 1.483 / 2.574; the bar (within 0.15 of each guide's means, about twice the
    /// largest error seen, where pooling is 0.5 to 1 off) leaves room for float noise.
    /// </summary>
    [Test]
    public void AKnockdownGim_LearnsEachGuidesStrength_FromItsIndicator()
    {
        string csv = "perturbation,guide_id,g0,g1,g2\n" + string.Join('\n', KnockdownCells().Select(c =>
            string.Create(CultureInfo.InvariantCulture, $"{c.Gene},{c.Guide},{c.X[0]:F4},{c.X[1]:F4},{c.X[2]:F4}")));
        CsvPerturbationTable table = CsvPerturbationReader.Read(Utf8(csv), "guides.csv", new CsvColumnRoles("perturbation", "non-targeting")
        {
            FeatureColumns = Array.Empty<string>(),
            TextColumns = new[] { "guide_id" },
        });
        ScreenDesign Genes(bool guides) => new("perturbation", "non-targeting")
        {
            Combinations = new CombinationLabels { Perturbations = new[] { "g0", "g1", "g2" } },
            GuideColumn = guides ? "guide_id" : null,
        };
        var options = new GimOptions { Seed = 9, KnownTargets = KnownTargetKind.Knockdown, CalibrationFolds = 0 };

        PerturbationDataset data = table.ToPerturbationDataset(Genes(guides: true));
        using GimModel model = new GimTrainer(options).Fit(data);
        double[] Observed(string guide) => SyntheticTestMath.ColumnMeans(data.Contexts.Single(c => c.Name == $"g0|guide_id={guide}").Samples);
        double[] Predicted(string guide) => model.PredictMean(Genes(true).FeaturesFor(data.FeatureNames, "g0", 0, guide: guide)).Select(v => (double)v).ToArray();
        PerturbationDataset pooledData = table.ToPerturbationDataset(Genes(guides: false));
        using GimModel pooled = new GimTrainer(options).Fit(pooledData);
        double pooledMean = pooled.PredictMean(pooledData.Contexts.Single(c => c.Name == "g0").Features)[0];

        foreach (string guide in new[] { "g0_sg1", "g0_sg2" })
        {
            double[] observed = Observed(guide), predicted = Predicted(guide);
            TestContext.Out.WriteLine($"{guide}: g0 predicted {predicted[0]:F3}, observed {observed[0]:F3}; g1 predicted {predicted[1]:F3}, observed {observed[1]:F3}; pooled g0 {pooledMean:F3}");
            Assert.That(predicted[0], Is.EqualTo(observed[0]).Within(0.15), $"{guide}: its own knockdown of g0");
            Assert.That(predicted[1], Is.EqualTo(observed[1]).Within(0.15), $"{guide}: g1 downstream, through the graph");
            Assert.That(Math.Abs(pooledMean - observed[0]), Is.GreaterThan(0.5), "pooled, the guides' mixture is predicted for both");
        }
    }

    /// <summary>docs/genetic.md's example, run as it is shown there on the screen above written as an .h5ad (obs perturbation, guide_id).</summary>
    [Test]
    public void TheDocsExample_Runs()
    {
        string folder = Directory.CreateTempSubdirectory("gim-guides-").FullName;
        try
        {
            var cells = KnockdownCells();
            var x = new float[cells.Count, 3];
            for (int i = 0; i < cells.Count; i++)
                for (int j = 0; j < 3; j++) x[i, j] = (float)cells[i].X[j];
            string path = Path.Combine(folder, "screen.h5ad");
            AnnDataWriter.Write(path, x, cells.Select((_, i) => $"cell{i}").ToArray(), new[] { "g0", "g1", "g2" }, new[]
            {
                AnnDataWriteColumn.Categorical("perturbation", cells.Select(c => (string?)c.Gene).ToArray()),
                AnnDataWriteColumn.Categorical("guide_id", cells.Select(c => (string?)c.Guide).ToArray()),
            });
            string[] genes = { "g0", "g1", "g2" };

            // docs: guides
            var design = new ScreenDesign("perturbation", "non-targeting")    // obs: the targeted gene(s), "GENE" or "GENE1+GENE2"
            {
                GuideColumn = "guide_id",                                       // each guide its own context and 0/1 feature
                Combinations = new CombinationLabels { Perturbations = genes }, // a target indicator for every measured gene
            };
            PerturbationDataset screen = AnnDataReader.Read(path).ToPerturbationDataset(design);
            using GimModel model = new GimTrainer(new GimOptions { KnownTargets = KnownTargetKind.Knockdown }).Fit(screen);
            float[] secondGuide = model.PredictMean(design.FeaturesFor(screen.FeatureNames, "g0", 0, guide: "g0_sg2"));
            float[] newGuide = model.PredictMean(design.FeaturesFor(screen.FeatureNames, "g0", 0));  // a guide never measured
            // docs: end

            Assert.That(screen.Contexts.Select(c => c.Name), Does.Contain("g0|guide_id=g0_sg2"));
            Assert.That(secondGuide[0], Is.GreaterThan(newGuide[0]), "the weaker guide leaves more of g0 than a guide never measured (2.1 against 1.4 on this screen)");
            DocsSnippet.AssertShownIn("docs/genetic.md", "Data/GuideColumnTests.cs", "guides");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// A linear chain g0 → g1 and g2 on its own (baselines 3 and 2, noise sd 0.5): g0's guides leave 20% and 70% of it,
    /// g2's two guides 50% each; 200 cells per guide, 400 non-targeting cells over two guides.
    /// </summary>
    private static List<(string Gene, string Guide, double[] X)> KnockdownCells()
    {
        var random = new Random(11);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var cells = new List<(string, string, double[])>();
        foreach (var (gene, guide, m0, m2) in new[]
                 {
                     ("non-targeting", "NT_1", 1.0, 1.0), ("non-targeting", "NT_2", 1, 1), ("g0", "g0_sg1", 0.2, 1), ("g0", "g0_sg2", 0.7, 1),
                     ("g2", "g2_sg1", 1, 0.5), ("g2", "g2_sg2", 1, 0.5),
                 })
            for (int i = 0; i < 200; i++)
            {
                double x0 = m0 * (3 + 0.5 * Normal()), x1 = 0.8 * x0 + 1 + 0.5 * Normal(), x2 = m2 * (2 + 0.5 * Normal());
                cells.Add((gene, guide, new[] { x0, x1, x2 }));
            }
        return cells;
    }
}
