using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Csv;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data;

/// <summary>Context labels that name combinations ("A+B", "A+ctrl", "ctrl") become one 0/1 feature per perturbation.</summary>
public class CombinationLabelsTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("gim-combinations-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    /// <summary>A Perturb-seq-like CSV: a condition column, one extra feature (moi) and two measured genes, 2 cells per condition.</summary>
    private string Write(params string[] conditions)
    {
        string path = Path.Combine(_folder, "cells.csv");
        var lines = new List<string> { "condition,moi,g0,g1" };
        for (int k = 0; k < conditions.Length; k++)
            for (int i = 0; i < 2; i++) lines.Add($"{conditions[k]},1,{k}.{i},{i}.5");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static CsvColumnRoles Roles(params string[] features) => new("condition", "ctrl") { FeatureColumns = features };

    [Test]
    public void EachPerturbation_IsAnIndicator_NonTargetingPartsAreNone_AndFeatureColumnsFollow()
    {
        string path = Write("ctrl", "A+ctrl", "B+ctrl", "A+B", "B+C");
        PerturbationDataset data = CsvPerturbationReader.Read(path, Roles("moi")).ToPerturbationDataset(new CombinationLabels());

        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "A", "B", "C", "moi" }));
        Assert.That(data.Contexts.Select(c => c.Name), Is.EqualTo(new[] { "ctrl", "A+ctrl", "B+ctrl", "A+B", "B+C" }));
        Assert.That(data.Contexts.Select(c => c.Features), Is.EqualTo(new[]
        {
            new float[] { 0, 0, 0, 1 }, new float[] { 1, 0, 0, 1 }, new float[] { 0, 1, 0, 1 }, new float[] { 1, 1, 0, 1 }, new float[] { 0, 1, 1, 1 },
        }));
        Assert.That(data.Contexts.Select(c => c.IsControl), Is.EqualTo(new[] { true, false, false, false, false }));
        // Without CombinationLabels the same file keeps its plain features.
        Assert.That(CsvPerturbationReader.Read(path, Roles("moi")).ToPerturbationDataset().FeatureNames, Is.EqualTo(new[] { "moi" }));
    }

    /// <summary>
    /// A fixed list of perturbations (e.g. every measured gene, for known targets) gives a feature to each, named or not by
    /// a label, in its order; a label naming another is an error naming the row and label.
    /// </summary>
    [Test]
    public void AGivenPerturbationList_GivesEveryOneAFeature_AndRefusesOthers()
    {
        string path = Write("ctrl", "g1+ctrl", "g1+g0");
        var pairs = new CombinationLabels { Perturbations = new[] { "g0", "g1", "g7" } };
        PerturbationDataset data = CsvPerturbationReader.Read(path, Roles()).ToPerturbationDataset(pairs);
        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "g0", "g1", "g7" }));
        Assert.That(data.Contexts.Select(c => c.Features), Is.EqualTo(new[] { new float[] { 0, 0, 0 }, new float[] { 0, 1, 0 }, new float[] { 1, 1, 0 } }));
        var narrow = new CombinationLabels { Perturbations = new[] { "g1" } };
        var error = Assert.Throws<DataFileException>(() => CsvPerturbationReader.Read(path, Roles()).ToPerturbationDataset(narrow))!;
        Assert.That(error.Message, Does.Contain("'g1+g0'").And.Contain("'g0' is not one of CombinationLabels.Perturbations"));
    }

    [Test]
    public void OtherSeparatorsAndNonTargetingNames_AreOptions()
    {
        string path = Write("NT", "A_NT", "A_B");
        var roles = new CsvColumnRoles("condition", "NT") { FeatureColumns = Array.Empty<string>() };
        PerturbationDataset data = CsvPerturbationReader.Read(path, roles)
            .ToPerturbationDataset(new CombinationLabels { Separator = "_", NonTargeting = new[] { "NT" } });
        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "A", "B" }));
        Assert.That(data.Contexts.Select(c => c.Features), Is.EqualTo(new[] { new float[] { 0, 0 }, new float[] { 1, 0 }, new float[] { 1, 1 } }));
    }

    [Test]
    public void TheControlValue_IsNoPerturbation_AndAPerturbedContextNamingNoneIsAnError()
    {
        // The control is "non-targeting", not the default non-targeting name "ctrl": it still gets no feature.
        string path = Write("non-targeting", "A+non-targeting", "A+B");
        PerturbationDataset data = CsvPerturbationReader.Read(path, new CsvColumnRoles("condition", "non-targeting") { FeatureColumns = new[] { "moi" } })
            .ToPerturbationDataset(new CombinationLabels());
        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "A", "B", "moi" }));
        Assert.That(data.Contexts[0].Features, Is.EqualTo(new float[] { 0, 0, 1 }));
        // "ctrl+ctrl" is perturbed (not a control value) but names nothing: it would look like the control to every method.
        path = Write("ctrl", "A+ctrl", "ctrl+ctrl");
        var ex = Assert.Throws<DataFileException>(() => CsvPerturbationReader.Read(path, Roles("moi")).ToPerturbationDataset(new CombinationLabels()))!;
        Assert.That(ex.Message, Does.Contain("'ctrl+ctrl'").And.Contain("names no perturbation").And.Contain("line 6"));
    }

    [TestCase("A+", "empty part")]
    [TestCase("+B", "empty part")]
    [TestCase("moi+B", "also the name of another feature")]
    public void ABadLabel_IsAnErrorNamingTheLineAndLabel(string label, string expected)
    {
        string path = Write("ctrl", label);
        var ex = Assert.Throws<DataFileException>(() => CsvPerturbationReader.Read(path, Roles("moi")).ToPerturbationDataset(new CombinationLabels()))!;
        Assert.That(ex.Message, Does.Contain(expected).And.Contain(label.Contains("moi") ? "'moi'" : $"'{label}'"));
        if (!label.Contains("moi")) Assert.That(ex.Message, Does.Contain("line 4"));
    }

    [Test]
    public void AnAnnDataConditionColumn_GivesTheSameIndicators()
    {
        AnnDataTable table = AnnDataReader.Read(FixtureFiles.H5ad("csr_f32.h5ad"));
        PerturbationDataset data = table.ToPerturbationDataset("condition", new[] { "ctrl" }, new[] { "treated" }, new CombinationLabels());
        // Labels without a separator are single perturbations: one indicator per drug, then the obs column.
        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "drugA", "drugB", "treated" }));
        Assert.That(data.Contexts.Select(c => c.Features), Is.EqualTo(new[] { new float[] { 0, 0, 0 }, new float[] { 1, 0, 1 }, new float[] { 0, 1, 1 } }));
    }
}
