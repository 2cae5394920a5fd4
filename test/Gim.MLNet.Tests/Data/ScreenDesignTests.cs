using Gim.MLNet.Causal;
using System.Text;
using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Csv;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.Data;

/// <summary>
/// A screen whose condition is spread over columns (drug, dose, cell line) becomes contexts and features: descriptors
/// joined by name, log-dose, covariate indicators, the reference line's vehicle as the control (issue 19).
/// </summary>
public class ScreenDesignTests
{
    /// <summary>
    /// Two cell lines (A549 first), vehicle in both, drugA at 10 and 100 and drugB at 10 in A549, drugA at 10 in MCF7;
    /// two cells per condition, two genes.
    /// </summary>
    private const string Cells = """
        product_name,dose,cell_type,g0,g1
        vehicle,0,A549,0.1,1.0
        vehicle,0,A549,0.2,1.1
        drugA,10,A549,1.0,2.0
        drugA,10,A549,1.2,2.2
        drugA,100,A549,1.5,2.5
        drugA,100,A549,1.6,2.6
        drugB,10,A549,-1.0,0.0
        drugB,10,A549,-1.1,0.1
        vehicle,,MCF7,3.0,3.0
        vehicle,,MCF7,3.1,3.1
        drugA,10,MCF7,4.0,5.0
        drugA,10,MCF7,4.1,5.1
        """;

    private const string Descriptors = """
        drug,logP,weight
        drugA,1.5,300
        drugB,-0.5,250
        drugC,2,100
        """;

    private static Stream Utf8(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    private static CsvPerturbationTable Read(string cells = Cells, string control = "vehicle") =>
        CsvPerturbationReader.Read(Utf8(cells), "cells.csv", new CsvColumnRoles("product_name", control)
        {
            FeatureColumns = Array.Empty<string>(),
            TextColumns = new[] { "dose", "cell_type" },
        });

    private static DescriptorTable Table(string text = Descriptors) => DescriptorTable.Read(Utf8(text), "drugs.csv");

    private static ScreenDesign Design(DescriptorTable? descriptors = null) => new("product_name", "vehicle")
    {
        DoseColumn = "dose",
        Covariates = new[] { "cell_type" },
        Descriptors = descriptors ?? Table(),
    };

    [Test]
    public void EachDrugDoseAndLine_IsAContext_WithDescriptorsLogDoseAndLineIndicator()
    {
        PerturbationDataset data = Read().ToPerturbationDataset(Design());

        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "logP", "weight", "log10(1+dose)", "cell_type=MCF7" }));
        Assert.That(data.Contexts.Select(c => c.Name), Is.EqualTo(new[]
        {
            "vehicle|cell_type=A549", "drugA|dose=10|cell_type=A549", "drugA|dose=100|cell_type=A549", "drugB|dose=10|cell_type=A549",
            "vehicle|cell_type=MCF7", "drugA|dose=10|cell_type=MCF7",
        }));
        Assert.That(data.Contexts.Select(c => c.IsControl), Is.EqualTo(new[] { true, false, false, false, false, false }), "only the reference line's vehicle is the control");
        Assert.That(data.Contexts.Select(c => c.Group), Is.EqualTo(new[]
        {
            "vehicle|cell_type=A549", "drugA", "drugA", "drugB", "vehicle|cell_type=MCF7", "drugA",
        }), "a drug's doses and lines share its group, so a split holds them out together");
        float[] Features(string name) => data.Contexts.Single(c => c.Name == name).Features;
        Assert.That(Features("vehicle|cell_type=A549"), Is.EqualTo(new[] { 0f, 0f, 0f, 0f }));
        Assert.That(Features("drugA|dose=100|cell_type=A549"), Is.EqualTo(new[] { 1.5f, 300f, (float)Math.Log10(101), 0f }));
        Assert.That(Features("drugB|dose=10|cell_type=A549"), Is.EqualTo(new[] { -0.5f, 250f, (float)Math.Log10(11), 0f }));
        Assert.That(Features("vehicle|cell_type=MCF7"), Is.EqualTo(new[] { 0f, 0f, 0f, 1f }), "another line's vehicle is perturbed by the line alone");
        Assert.That(Features("drugA|dose=10|cell_type=MCF7"), Is.EqualTo(new[] { 1.5f, 300f, (float)Math.Log10(11), 1f }));
        Assert.That(data.Contexts.Single(c => c.Name == "drugA|dose=100|cell_type=A549").Samples, Is.EqualTo(new float[,] { { 1.5f, 2.5f }, { 1.6f, 2.6f } }));
    }

    /// <summary>What a fitted model needs for a perturbation by name is what reading the screen gave its context.</summary>
    [Test]
    public void FeaturesFor_APerturbationByName_AreItsContextsFeatures()
    {
        PerturbationDataset data = Read().ToPerturbationDataset(Design());
        var design = new ScreenDesign("product_name", "vehicle")
        {
            DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = Table(),
            ReferenceLevels = new Dictionary<string, string> { ["cell_type"] = "A549" },
        };
        var cases = new (string Context, string Perturbation, double Dose, string Line)[]
        {
            ("vehicle|cell_type=A549", "vehicle", 0, "A549"), ("drugA|dose=100|cell_type=A549", "drugA", 100, "A549"),
            ("drugB|dose=10|cell_type=A549", "drugB", 10, "A549"), ("vehicle|cell_type=MCF7", "vehicle", 0, "MCF7"),
            ("drugA|dose=10|cell_type=MCF7", "drugA", 10, "MCF7"),
        };
        foreach (var (context, perturbation, dose, cellLine) in cases)
            Assert.That(design.FeaturesFor(data.FeatureNames, perturbation, dose, new Dictionary<string, string> { ["cell_type"] = cellLine }),
                Is.EqualTo(data.Contexts.Single(c => c.Name == context).Features), context);
        Assert.That(Design().ReferenceLevelsOf(data), Is.EqualTo(new Dictionary<string, string> { ["cell_type"] = "A549" }));
        Assert.That(design.FeaturesFor(data.FeatureNames, "drugC", 1000, new Dictionary<string, string> { ["cell_type"] = "MCF7" }),
            Is.EqualTo(new[] { 2f, 100f, (float)Math.Log10(1001), 1f }), "a drug never screened, from its descriptors");

        var line = (string level) => new Dictionary<string, string> { ["cell_type"] = level };
        Assert.That(Assert.Throws<ArgumentException>(() => design.FeaturesFor(data.FeatureNames, "drugA", 10, line("HeLa")))!.Message,
            Does.Contain("'HeLa' is not a level the model was fitted on (levels: 'A549' (reference), 'MCF7')"));
        Assert.That(Assert.Throws<ArgumentException>(() => Design().FeaturesFor(data.FeatureNames, "drugA", 10, line("HeLa")))!.Message,
            Does.Contain("name the reference level in ScreenDesign.ReferenceLevels"));
        Assert.That(Assert.Throws<ArgumentException>(() => design.FeaturesFor(data.FeatureNames, "drugA", 10))!.Message,
            Does.Contain("Give the level of covariate 'cell_type' (e.g. cell_type=A549)"));
        Assert.That(Assert.Throws<KeyNotFoundException>(() => design.FeaturesFor(data.FeatureNames, "drugZ", 10, line("A549")))!.Message,
            Does.Contain("no row for perturbation 'drugZ'"));
        var otherTable = new ScreenDesign("product_name", "vehicle")
        {
            DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = Table("drug,logP,charge\ndrugA,1.5,1\n"),
            ReferenceLevels = new Dictionary<string, string> { ["cell_type"] = "A549" },
        };
        Assert.That(Assert.Throws<ArgumentException>(() => otherTable.FeaturesFor(data.FeatureNames, "drugA", 10, line("A549")))!.Message,
            Does.Contain("descriptor 'charge' is not one of the model's features"));
        var withColumn = new ScreenDesign("product_name", "vehicle") { FeatureColumns = new[] { "moi" } };
        Assert.That(withColumn.FeaturesFor(new[] { "moi" }, "drugA", 0, null, new Dictionary<string, float> { ["moi"] = 2.5f }), Is.EqualTo(new[] { 2.5f }));
        Assert.That(Assert.Throws<ArgumentException>(() => withColumn.FeaturesFor(new[] { "moi" }, "drugA", 0))!.Message,
            Does.Contain("per-cell feature column 'moi'"));
    }

    /// <summary>Held-out cells read for a fitted model get the model's features, even without a level the training data had.</summary>
    [Test]
    public void HeldOutData_ReadWithTheModelsFeatureNames_GetsTheTrainingFeatures()
    {
        PerturbationDataset training = Read().ToPerturbationDataset(Design());
        string heldOut = string.Join("\n", Cells.Split('\n').Where(l => l.StartsWith("product_name") || l.StartsWith("vehicle,0,A549") || l.StartsWith("drugA,10,MCF7")));
        var aligned = new ScreenDesign("product_name", "vehicle")
        {
            DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = Table(), FeatureNames = training.FeatureNames,
            ReferenceLevels = new Dictionary<string, string> { ["cell_type"] = "A549" },
        };
        PerturbationDataset data = Read(heldOut).ToPerturbationDataset(aligned);
        Assert.That(data.FeatureNames, Is.EqualTo(training.FeatureNames));
        foreach (PerturbationContext c in data.Contexts)
            Assert.That(c.Features, Is.EqualTo(training.Contexts.Single(t => t.Name == c.Name).Features), c.Name);
        Assert.That(data.Controls.Select(c => c.Name), Is.EqualTo(new[] { "vehicle|cell_type=A549" }));
        var noReference = new ScreenDesign("product_name", "vehicle")
        {
            DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = Table(), FeatureNames = training.FeatureNames,
        };
        Assert.That(Assert.Throws<DataFileException>(() => Read(Cells.Replace("MCF7", "HeLa")).ToPerturbationDataset(aligned))!.Message,
            Does.Contain("line 10 (context 'vehicle|cell_type=HeLa'): Covariate 'cell_type' = 'HeLa' is not a level the model was fitted on"));
        Assert.That(Assert.Throws<DataFileException>(() => Read(heldOut).ToPerturbationDataset(noReference))!.Message,
            Does.Contain("name the reference level in ScreenDesign.ReferenceLevels"));
    }

    /// <summary>A DataFrame with the same cells gives the same contexts, features and cells as the CSV.</summary>
    [Test]
    public void ADataFrame_ReadWithTheDesign_EqualsTheCsv()
    {
        string[][] rows = Cells.Split('\n').Skip(1).Select(l => l.Split(',')).ToArray();
        var frame = new Microsoft.Data.Analysis.DataFrame(
            new Microsoft.Data.Analysis.StringDataFrameColumn("product_name", rows.Select(r => r[0])),
            new Microsoft.Data.Analysis.DoubleDataFrameColumn("dose", rows.Select(r => r[1].Length == 0 ? (double?)null : double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture))),
            new Microsoft.Data.Analysis.StringDataFrameColumn("cell_type", rows.Select(r => r[2])),
            new Microsoft.Data.Analysis.SingleDataFrameColumn("g0", rows.Select(r => (float?)float.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture))),
            new Microsoft.Data.Analysis.SingleDataFrameColumn("g1", rows.Select(r => (float?)float.Parse(r[4], System.Globalization.CultureInfo.InvariantCulture))));
        PerturbationDataset fromFrame = frame.ToPerturbationDataset(Design(), new[] { "g0", "g1" });
        PerturbationDataset fromCsv = Read().ToPerturbationDataset(Design());
        DatasetAssert.Same(fromFrame, fromCsv);
        Assert.That(Assert.Throws<DataFileException>(() => frame.ToPerturbationDataset(Design(), new[] { "g0", "g9" }))!.Message,
            Does.Contain("has no column 'g9'"));
    }

    /// <summary>
    /// A covariate's missing value is an error naming the row, not a level: a numeric column's NaN (which formats as
    /// "NaN") and pandas' "nan" text alike, so no cell is silently put in a "batch=NaN" line of its own.
    /// </summary>
    [Test]
    public void ACovariatesNaN_IsAMissingValue_NamedWithItsRow()
    {
        string[][] rows = Cells.Split('\n').Skip(1).Select(l => l.Split(',')).ToArray();
        Microsoft.Data.Analysis.DataFrame Frame(Microsoft.Data.Analysis.DataFrameColumn batch) => new(
            new Microsoft.Data.Analysis.StringDataFrameColumn("product_name", rows.Select(r => r[0])),
            new Microsoft.Data.Analysis.StringDataFrameColumn("cell_type", rows.Select(r => r[2])),
            batch,
            new Microsoft.Data.Analysis.SingleDataFrameColumn("g0", rows.Select(r => (float?)float.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture))));
        var design = new ScreenDesign("product_name", "vehicle") { Covariates = new[] { "cell_type", "batch" }, PerturbationIndicators = true };

        var numeric = Frame(new Microsoft.Data.Analysis.DoubleDataFrameColumn("batch", rows.Select((_, i) => (double?)(i == 3 ? double.NaN : i % 2))));
        Assert.That(Assert.Throws<DataFileException>(() => numeric.ToPerturbationDataset(design, new[] { "g0" }))!.Message,
            Does.Contain("row 3 has 'batch' = NaN, a missing value rather than a level"));
        var text = Frame(new Microsoft.Data.Analysis.StringDataFrameColumn("batch", rows.Select((_, i) => i == 5 ? "nan" : $"b{i % 2}")));
        Assert.That(Assert.Throws<DataFileException>(() => text.ToPerturbationDataset(design, new[] { "g0" }))!.Message,
            Does.Contain("row 5 has 'batch' = nan, a missing value"));
        var complete = Frame(new Microsoft.Data.Analysis.DoubleDataFrameColumn("batch", rows.Select((_, i) => (double?)(i % 2))));
        Assert.That(complete.ToPerturbationDataset(design, new[] { "g0" }).FeatureNames, Does.Contain("batch=1"), "a numeric covariate's levels are its values");

        // The perturbation column alike: pandas' "nan" is a missing value, not a drug named "nan".
        string missingDrug = Cells.Replace("drugB,10,A549,-1.1,0.1", "nan,10,A549,-1.1,0.1");
        Assert.That(Assert.Throws<DataFileException>(() => Read(missingDrug).ToPerturbationDataset(Design()))!.Message,
            Does.Contain("line 9 has perturbation 'nan', a missing value rather than a name"));
    }

    /// <summary>
    /// The other texts pandas, R and JSON write for a missing value ("NA", "N/A", "&lt;NA&gt;", "null", any case) are
    /// missing too, in a covariate and in the perturbation column; a control value spelled like one stays the control.
    /// </summary>
    [TestCase("NA")]
    [TestCase("n/a")]
    [TestCase("<NA>")]
    [TestCase("NULL")]
    public void OtherMissingValueTexts_AreMissing_NotLevelsOrNames(string missing)
    {
        string line = Cells.Replace("drugA,100,A549,1.5,2.5", $"drugA,100,{missing},1.5,2.5");
        Assert.That(Assert.Throws<DataFileException>(() => Read(line).ToPerturbationDataset(Design()))!.Message,
            Does.Contain($"line 6 has 'cell_type' = {missing}, a missing value rather than a level").And.Contain("NA, N/A, <NA>, null"));

        string drug = Cells.Replace("drugB,10,A549,-1.1,0.1", $"{missing},10,A549,-1.1,0.1");
        Assert.That(Assert.Throws<DataFileException>(() => Read(drug).ToPerturbationDataset(Design()))!.Message,
            Does.Contain($"line 9 has perturbation '{missing}', a missing value rather than a name"));

        // Named as the control value, the same text is the vehicle's label.
        string vehicle = Cells.Replace("vehicle,", $"{missing},");
        var design = new ScreenDesign("product_name", missing) { DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = Table() };
        PerturbationDataset data = Read(vehicle, control: missing).ToPerturbationDataset(design);
        PerturbationDataset usual = Read().ToPerturbationDataset(Design());
        Assert.That(data.FeatureNames, Is.EqualTo(usual.FeatureNames));
        Assert.That(data.Contexts.Select(c => c.IsControl), Is.EqualTo(usual.Contexts.Select(c => c.IsControl)));
    }

    /// <summary>
    /// "None" (Python's None as text) names no perturbation, but it is a real covariate level (a co-treatment of "None").
    /// </summary>
    [Test]
    public void None_IsAMissingPerturbation_ButACovariateLevel()
    {
        string drug = Cells.Replace("drugB,10,A549,-1.1,0.1", "None,10,A549,-1.1,0.1");
        Assert.That(Assert.Throws<DataFileException>(() => Read(drug).ToPerturbationDataset(Design()))!.Message,
            Does.Contain("line 9 has perturbation 'None', a missing value rather than a name"));

        PerturbationDataset data = Read(Cells.Replace(",MCF7,", ",None,")).ToPerturbationDataset(Design());
        Assert.That(data.FeatureNames, Does.Contain("cell_type=None"));
        Assert.That(data.FeatureNames, Has.Count.EqualTo(Read().ToPerturbationDataset(Design()).FeatureNames.Count));
    }

    private sealed class ScreenCell
    {
        public string product_name { get; set; } = "";
        public float dose { get; set; }
        public string cell_type { get; set; } = "";
        public float[] Measurements { get; set; } = Array.Empty<float>();
    }

    /// <summary>An IDataView with the same cells (a numeric dose with NaN for missing, slot names g0, g1) equals the CSV (issue 19).</summary>
    [Test]
    public void AnIDataView_ReadWithTheDesign_EqualsTheCsv()
    {
        string[][] rows = Cells.Split('\n').Skip(1).Select(l => l.Split(',')).ToArray();
        var ml = new Microsoft.ML.MLContext(seed: 1);
        var schema = Microsoft.ML.Data.SchemaDefinition.Create(typeof(ScreenCell));
        schema[nameof(ScreenCell.Measurements)].ColumnType = new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, 2);
        var slots = new Microsoft.ML.Data.VBuffer<ReadOnlyMemory<char>>(2, new[] { "g0".AsMemory(), "g1".AsMemory() });
        schema[nameof(ScreenCell.Measurements)].AddAnnotation("SlotNames", slots,
            new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.TextDataViewType.Instance, 2));
        float F(string v) => v.Length == 0 ? float.NaN : float.Parse(v, System.Globalization.CultureInfo.InvariantCulture);
        Microsoft.ML.IDataView view = ml.Data.LoadFromEnumerable(rows.Select(r => new ScreenCell
        {
            product_name = r[0], dose = F(r[1]), cell_type = r[2], Measurements = new[] { F(r[3]), F(r[4]) },
        }), schema);
        PerturbationDataset fromView = view.ToPerturbationDataset(Design());
        PerturbationDataset fromCsv = Read().ToPerturbationDataset(Design());
        Assert.That(fromView.VariableNames, Is.EqualTo(new[] { "g0", "g1" }));
        DatasetAssert.Same(fromView, fromCsv);
        Assert.That(Assert.Throws<DataFileException>(() => view.ToPerturbationDataset(Design(), "Cells"))!.Message, Does.Contain("has no column 'Cells'"));
        Assert.That(Assert.Throws<DataFileException>(() => view.ToPerturbationDataset(Design(), "dose"))!.Message,
            Does.Contain("the measurements must be a known-size vector of Single"));
        Microsoft.ML.IDataView withNaN = ml.Data.LoadFromEnumerable(rows.Select((r, i) => new ScreenCell
        {
            product_name = r[0], dose = F(r[1]), cell_type = r[2], Measurements = new[] { F(r[3]), i == 3 ? float.NaN : F(r[4]) },
        }), schema);
        Assert.That(Assert.Throws<DataFileException>(() => withNaN.ToPerturbationDataset(Design()))!.Message, Does.Contain("row 3, slot 1 ('g1') is NaN"));

        // A float covariate reads as the other readers write it (0.1f is "0.1"); a key column is refused with the fix.
        IDataView tenths = ml.Data.LoadFromEnumerable(rows.Take(8).Select(r => new ScreenCell
        {
            product_name = r[0], dose = r[1] == "10" ? 0.1f : F(r[1]), cell_type = r[2], Measurements = new[] { F(r[3]), F(r[4]) },
        }), schema);
        var timed = new ScreenDesign("product_name", "vehicle") { Covariates = new[] { "dose" } };
        Assert.That(tenths.ToPerturbationDataset(timed).Contexts.Select(c => c.Name), Does.Contain("drugA|dose=0.1"));
        IDataView keyed = ml.Transforms.Conversion.MapValueToKey("product_name").Fit(view).Transform(view);
        Assert.That(Assert.Throws<DataFileException>(() => keyed.ToPerturbationDataset(Design()))!.Message, Does.Contain("MapKeyToValue"));
    }

    [Test]
    public void TheReferenceLevel_CanBeChosen_AndMustHaveVehicleCells()
    {
        var design = new ScreenDesign("product_name", "vehicle")
        {
            DoseColumn = "dose", DoseEncoding = DoseEncoding.Concentration, Covariates = new[] { "cell_type" },
            ReferenceLevels = new Dictionary<string, string> { ["cell_type"] = "MCF7" },
        };
        PerturbationDataset data = Read().ToPerturbationDataset(design);
        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "dose", "cell_type=A549" }));
        Assert.That(data.Contexts.Where(c => c.IsControl).Select(c => c.Name), Is.EqualTo(new[] { "vehicle|cell_type=MCF7" }));
        Assert.That(data.Contexts.Single(c => c.Name == "drugA|dose=100|cell_type=A549").Features, Is.EqualTo(new[] { 100f, 1f }));

        var noVehicle = new ScreenDesign("product_name", "vehicle") { Covariates = new[] { "cell_type" }, ReferenceLevels = new Dictionary<string, string> { ["cell_type"] = "HeLa" } };
        Assert.That(Assert.Throws<DataFileException>(() => Read().ToPerturbationDataset(noVehicle))!.Message,
            Does.Contain("reference level 'HeLa' has no vehicle cells").And.Contain("'A549', 'MCF7'"));
    }

    [Test]
    public void APerturbationWithoutDescriptors_IsNamedWithTheTable()
    {
        var ex = Assert.Throws<DataFileException>(() => Read().ToPerturbationDataset(Design(Table("drug,logP,weight\ndrugC,2,100\ndrugA,1.5,300\n"))))!;
        Assert.That(ex.Message, Does.StartWith("drugs.csv").And.Contain("no row for 1 perturbation(s)").And.Contain("'drugB'").And.Contain("'product_name'"));
    }

    [Test]
    public void BadDoses_AreRefusedNamingTheLine_WhileAVehicleDoseIsIgnored()
    {
        string negative = Cells.Replace("drugB,10,A549,-1.0", "drugB,-10,A549,-1.0");
        Assert.That(Assert.Throws<DataFileException>(() => Read(negative).ToPerturbationDataset(Design()))!.Message,
            Does.Contain("line 8").And.Contain("dose -10").And.Contain("≥ 0"));
        string missing = Cells.Replace("drugB,10,A549,-1.1", "drugB,,A549,-1.1");
        Assert.That(Assert.Throws<DataFileException>(() => Read(missing).ToPerturbationDataset(Design()))!.Message,
            Does.Contain("line 9").And.Contain("'dose'").And.Contain("has dose '(missing)'"));
        string text = Cells.Replace("drugB,10,A549,-1.1", "drugB,ten,A549,-1.1");
        Assert.That(Assert.Throws<DataFileException>(() => Read(text).ToPerturbationDataset(Design()))!.Message,
            Does.Contain("line 9").And.Contain("has dose 'ten'; expected a finite number"));
        string vehicleNa = Cells.Replace("vehicle,,MCF7", "vehicle,NA,MCF7");
        Assert.That(Read(vehicleNa).ToPerturbationDataset(Design()).Contexts, Has.Count.EqualTo(6), "a vehicle's dose is never read");
    }

    [Test]
    public void CombinationLabels_GetIndicators_AndTheSumOfTheirPartsDescriptors()
    {
        const string pairs = """
            product_name,g0
            vehicle,0
            vehicle,0.1
            drugA,1
            drugA,1.1
            drugA+drugB,2
            drugA+drugB,2.1
            """;
        var design = new ScreenDesign("product_name", "vehicle") { Descriptors = Table(), Combinations = new CombinationLabels() };
        PerturbationDataset data = CsvPerturbationReader.Read(Utf8(pairs), "pairs.csv", new CsvColumnRoles("product_name", "vehicle") { FeatureColumns = Array.Empty<string>() })
            .ToPerturbationDataset(design);
        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "drugA", "drugB", "logP", "weight" }));
        Assert.That(data.Contexts[2].Features, Is.EqualTo(new[] { 1f, 1f, 1f, 550f }));
        Assert.That(data.Contexts[1].Features, Is.EqualTo(new[] { 1f, 0f, 1.5f, 300f }));
    }

    [Test]
    public void PerturbationIndicators_GiveEachDrugItsOwnFeature_AndANewDrugItsDescriptorsAlone()
    {
        ScreenDesign design = new("product_name", "vehicle")
        {
            DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = Table(), PerturbationIndicators = true,
        };
        PerturbationDataset data = Read().ToPerturbationDataset(design);

        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "drugA", "drugB", "logP", "weight", "log10(1+dose)", "cell_type=MCF7" }));
        float[] Features(string name) => data.Contexts.Single(c => c.Name == name).Features;
        Assert.That(Features("drugA|dose=100|cell_type=A549"), Is.EqualTo(new[] { 1f, 0f, 1.5f, 300f, (float)Math.Log10(101), 0f }));
        Assert.That(Features("drugB|dose=10|cell_type=A549"), Is.EqualTo(new[] { 0f, 1f, -0.5f, 250f, (float)Math.Log10(11), 0f }));
        Assert.That(Features("vehicle|cell_type=MCF7"), Is.EqualTo(new[] { 0f, 0f, 0f, 0f, 0f, 1f }), "the vehicle names no perturbation");
        Assert.That(data.Contexts.Select(c => c.Group).Distinct().Count(), Is.EqualTo(4), "groups are unchanged: drugA, drugB and the two vehicles");

        // A model fitted on these features: drugC, which the data never named, has no indicator of its own and keeps its descriptors.
        ScreenDesign predicting = new("product_name", "vehicle")
        {
            DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = Table(), PerturbationIndicators = true,
            ReferenceLevels = new Dictionary<string, string> { ["cell_type"] = "A549" },
        };
        var line = new Dictionary<string, string> { ["cell_type"] = "MCF7" };
        Assert.That(predicting.FeaturesFor(data.FeatureNames, "drugC", 10, line), Is.EqualTo(new[] { 0f, 0f, 2f, 100f, (float)Math.Log10(11), 1f }));
        Assert.That(predicting.FeaturesFor(data.FeatureNames, "drugB", 1000, line), Is.EqualTo(new[] { 0f, 1f, -0.5f, 250f, (float)Math.Log10(1001), 1f }),
            "a measured drug keeps its indicator at a new dose and in another line");

        // Without descriptors a drug the model has no indicator for cannot be told from the control: an error names it.
        ScreenDesign bare = new("product_name", "vehicle") { PerturbationIndicators = true };
        Assert.That(Assert.Throws<ArgumentException>(() => bare.FeaturesFor(new[] { "drugA", "drugB" }, "drugC", 0))!.Message,
            Does.Contain("'drugC' has no indicator among the model's features and no descriptors"));
    }

    [Test]
    public void PerturbationIndicators_KeepAPlainNameWhole_AndRefuseANameThatIsADescriptor()
    {
        const string cells = """
            product_name,g0
            vehicle,0
            vehicle,0.1
            drug+X,1
            drug+X,1.1
            logP,2
            logP,2.1
            """;
        CsvPerturbationTable table = CsvPerturbationReader.Read(Utf8(cells), "plus.csv", new CsvColumnRoles("product_name", "vehicle") { FeatureColumns = Array.Empty<string>() });
        PerturbationDataset plain = table.ToPerturbationDataset(new ScreenDesign("product_name", "vehicle") { PerturbationIndicators = true });
        Assert.That(plain.FeatureNames, Is.EqualTo(new[] { "drug+X", "logP" }), "a plain name is one perturbation, whatever it holds");
        Assert.That(plain.Contexts.Single(c => c.Name == "drug+X").Features, Is.EqualTo(new[] { 1f, 0f }));

        const string clash = """
            product_name,cell_type,g0
            vehicle,A549,0
            vehicle,A549,0.1
            cell_type=A549,A549,1
            cell_type=A549,A549,1.1
            """;
        CsvPerturbationTable clashing = CsvPerturbationReader.Read(Utf8(clash), "clash.csv", new CsvColumnRoles("product_name", "vehicle")
        {
            FeatureColumns = Array.Empty<string>(), TextColumns = new[] { "cell_type" },
        });
        Assert.That(Assert.Throws<DataFileException>(() => clashing.ToPerturbationDataset(new ScreenDesign("product_name", "vehicle")
        {
            Covariates = new[] { "cell_type" }, PerturbationIndicators = true,
        }))!.Message, Does.Contain("perturbation 'cell_type=A549' is named like a level of covariate 'cell_type'"));

        var descriptors = Table("drug,logP\ndrug+X,1\nlogP,2\n");
        Assert.That(Assert.Throws<DataFileException>(() => table.ToPerturbationDataset(new ScreenDesign("product_name", "vehicle") { Descriptors = descriptors, PerturbationIndicators = true }))!.Message,
            Does.Contain("perturbation 'logP'").And.Contain("is also the name of another feature"));
    }

    [Test]
    public void ADescriptorTable_RefusesBadRowsNamingLineAndColumn()
    {
        Assert.That(Assert.Throws<DataFileException>(() => Table("drug,logP\ndrugA,1\ndrugA,2\n"))!.Message,
            Does.Contain("line 3").And.Contain("'drugA' has a second row (the first is line 2)"));
        Assert.That(Assert.Throws<DataFileException>(() => Table("drug,logP\ndrugA,high\n"))!.Message,
            Does.Contain("line 2").And.Contain("'logP'").And.Contain("'high', not a finite number"));
        Assert.That(Assert.Throws<DataFileException>(() => Table("drug,logP\ndrugA,\n"))!.Message, Does.Contain("no value (empty)"));
        Assert.That(Assert.Throws<DataFileException>(() => DescriptorTable.Read(Utf8(Descriptors), "drugs.csv", keyColumn: "name"))!.Message,
            Does.Contain("no key column 'name'").And.Contain("drug, logP, weight"));
        Assert.That(Assert.Throws<DataFileException>(() => Table("drug\ndrugA\n"))!.Message, Does.Contain("no descriptor column besides the key 'drug'"));
        Assert.That(Table().FeatureNames, Is.EqualTo(new[] { "logP", "weight" }));
        Assert.That(Table()["drugB"], Is.EqualTo(new[] { -0.5f, 250f }));
    }

    [Test]
    public void AnAnnDataFile_WithACategoricalOfNumbersAsDose_AndAStringCovariate()
    {
        // csr_f32.h5ad, written by anndata: condition ctrl/drugA/drugB, plate a categorical of 3 and 5, batch b0/b1 alternating.
        AnnDataTable table = AnnDataReader.Read(FixtureFiles.H5ad("csr_f32.h5ad"));
        PerturbationDataset data = table.ToPerturbationDataset(new ScreenDesign("condition", "ctrl") { DoseColumn = "plate", Covariates = new[] { "batch" } });
        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "log10(1+plate)", "batch=b1" }));
        Assert.That(data.Contexts.Select(c => c.Name), Is.EqualTo(new[]
        {
            "ctrl|batch=b0", "drugA|plate=5|batch=b1", "drugB|plate=3|batch=b0", "ctrl|batch=b1", "drugA|plate=3|batch=b0", "drugB|plate=5|batch=b1",
        }));
        Assert.That(data.Contexts[0].SampleCount, Is.EqualTo(2), "cells 0 and 6");
        Assert.That(data.Contexts[1].Features, Is.EqualTo(new[] { (float)Math.Log10(6), 1f }));
        Assert.That(data.Contexts.Count(c => c.IsControl), Is.EqualTo(1));
        Assert.That(Assert.Throws<DataFileException>(() => table.ToPerturbationDataset(new ScreenDesign("condition", "ctrl") { DoseColumn = "note" }))!.Message,
            Does.Contain("obs/note").And.Contain("cell 'cell1' (obs row 1) has dose 'n1-café'; expected a finite number"));
        Assert.That(Assert.Throws<DataFileException>(() => table.ToPerturbationDataset(new ScreenDesign("condition", "ctrl") { Covariates = new[] { "maybe" } }))!.Message,
            Does.Contain("cell 'cell1' (obs row 1) has no 'maybe' value"));
    }

    /// <summary>
    /// GIM learns the second line's difference from the reference as an intervention: its vehicle, predicted from the
    /// line indicator alone, lands near that line's vehicle cells (mean ≈ (3.05, 3.05)), not the control's (0.15, 1.05).
    /// </summary>
    [Test]
    public void AGimFit_LearnsTheOtherLine_AsAnIntervention()
    {
        PerturbationDataset data = Read().ToPerturbationDataset(Design());
        using GimModel model = new GimTrainer(new GimOptions { MaxSteps = 500, CalibrationFolds = 0, Seed = 0 }).Fit(data);
        float[,] predicted = model.Sample(data.Contexts.Single(c => c.Name == "vehicle|cell_type=MCF7").Features, 2000, seed: 1);
        double[] mean = Enumerable.Range(0, 2).Select(j => Enumerable.Range(0, 2000).Average(i => (double)predicted[i, j])).ToArray();
        TestContext.Out.WriteLine($"predicted MCF7 vehicle mean: {mean[0]:F3}, {mean[1]:F3}");
        double toOwn = Math.Sqrt(Math.Pow(mean[0] - 3.05, 2) + Math.Pow(mean[1] - 3.05, 2));
        double toControl = Math.Sqrt(Math.Pow(mean[0] - 0.15, 2) + Math.Pow(mean[1] - 1.05, 2));
        Assert.That(toOwn, Is.LessThan(toControl / 2), $"distance to its own vehicle {toOwn:F3}, to the control {toControl:F3}");
    }
}
