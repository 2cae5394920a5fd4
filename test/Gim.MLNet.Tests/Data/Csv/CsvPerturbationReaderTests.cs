using System.Text;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Csv;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Data.Csv;

/// <summary>One-row-per-cell CSV with a column-role mapping.</summary>
public class CsvPerturbationReaderTests
{
    private const string Cells =
        "cell,condition,dose,knockout,A,B\n" +
        "c1,ctrl,0,0,1.5,2\n" +
        "c2,\"drug, high\",10,1,-0.25,3e2\n" +
        "c3,ctrl,0,0,1.75,2.5\n" +
        "c4,\"drug, high\",10,1,0,1\n";

    private static CsvPerturbationTable Read(string text, CsvColumnRoles roles, string name = "cells.csv") =>
        CsvPerturbationReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), name, roles);

    private static CsvColumnRoles Roles() =>
        new("condition", "ctrl") { FeatureColumns = new[] { "dose", "knockout" }, IgnoredColumns = new[] { "cell" } };

    [Test]
    public void Roles_pick_context_features_and_the_remaining_columns_as_measurements()
    {
        CsvPerturbationTable table = Read(Cells, Roles());

        Assert.That(table.Contexts, Is.EqualTo(new[] { "ctrl", "drug, high", "ctrl", "drug, high" }));
        Assert.That(table.FeatureNames, Is.EqualTo(new[] { "dose", "knockout" }));
        Assert.That(table.VariableNames, Is.EqualTo(new[] { "A", "B" }));
        Assert.That(table.Lines, Is.EqualTo(new[] { 2L, 3, 4, 5 }));
        Assert.That(table.Measurements, Is.EqualTo(new float[,] { { 1.5f, 2 }, { -0.25f, 300 }, { 1.75f, 2.5f }, { 0, 1 } }));
        Assert.That(table.Features, Is.EqualTo(new float[,] { { 0, 0 }, { 10, 1 }, { 0, 0 }, { 10, 1 } }));
    }

    [TestCase(';', ',', "contains ';': the file looks ';'-separated, but it is read with ',' as the separator")]
    [TestCase('\t', ',', "contains tab: the file looks tab-separated, but it is read with ',' as the separator")]
    [TestCase(',', '\t', "contains ',': the file looks ','-separated, but it is read with tab as the separator")]
    public void A_header_in_another_dialect_gets_a_hint_about_the_separator(char written, char read, string hint)
    {
        var roles = Roles();
        roles.Delimiter = read;
        var e = Assert.Throws<DataFileException>(() => Read(Cells.Replace(',', written), roles));
        Assert.That(e!.Message, Does.Contain("the context column 'condition' is not in the header").And.Contain(hint));
    }

    [Test]
    public void Prefixes_select_features_and_measurements_in_file_order()
    {
        const string text = "ctx,f_b,m_x,f_a,m_y,note\nc,0,1,0,2,hi\nd,1,3,2,4,there\n";
        var roles = new CsvColumnRoles("ctx", "c") { FeaturePrefix = "f_", MeasurementPrefix = "m_" };

        CsvPerturbationTable table = Read(text, roles);

        Assert.That(table.FeatureNames, Is.EqualTo(new[] { "f_b", "f_a" }));
        Assert.That(table.VariableNames, Is.EqualTo(new[] { "m_x", "m_y" }));
        Assert.That(table.Features[1, 1], Is.EqualTo(2f));
    }

    [Test]
    public void PerturbationDataset_groups_rows_by_context_in_order_of_first_appearance()
    {
        PerturbationDataset data = Read(Cells, Roles()).ToPerturbationDataset();

        Assert.That(data.Contexts.Select(c => (c.Name, c.IsControl, c.SampleCount)),
            Is.EqualTo(new[] { ("ctrl", true, 2), ("drug, high", false, 2) }));
        Assert.That(data.Contexts[1].Features, Is.EqualTo(new[] { 10f, 1f }));
        Assert.That(data.Contexts[1].Samples, Is.EqualTo(new float[,] { { -0.25f, 300 }, { 0, 1 } }));
        Assert.DoesNotThrow(() => data.Validate());
    }

    [Test]
    public void DataView_has_the_GIM_estimators_default_columns_with_slot_names()
    {
        IDataView view = Read(Cells, Roles()).ToDataView();

        Assert.That(view.Schema.Select(c => c.Name), Is.EqualTo(new[] { "Context", "IsControl", "Features", "Measurements" }));
        Assert.That(((VectorDataViewType)view.Schema["Features"].Type).Size, Is.EqualTo(2));
        VBuffer<ReadOnlyMemory<char>> slots = default;
        view.Schema["Measurements"].GetSlotNames(ref slots);
        Assert.That(slots.DenseValues().Select(s => s.ToString()), Is.EqualTo(new[] { "A", "B" }));
        Row[] rows = new MLContext().Data.CreateEnumerable<Row>(view, reuseRowObject: false).ToArray();
        Assert.That(rows.Select(r => r.IsControl), Is.EqualTo(new[] { true, false, true, false }));
        Assert.That(rows[1].Measurements, Is.EqualTo(new[] { -0.25f, 300f }));
        Assert.That(rows[1].Context, Is.EqualTo("drug, high"));
    }

    [TestCase("cell,condition,dose,knockout,A,B\nc1,ctrl,0,0,1.5,abc\n", 2, "B", "'abc' is not a number")]
    [TestCase("cell,condition,dose,knockout,A,B\nc1,ctrl,0,0,1.5,2\nc2,ctrl,0,0,,2\n", 3, "A", "empty")]
    [TestCase("cell,condition,dose,knockout,A,B\nc1,ctrl,0,0,1.5,2\nc2,ctrl,0,0,1\n", 3, null, "has 5 fields; the header has 6")]
    [TestCase("cell,condition,dose,knockout,A,B\nc1,ctrl,0,0,1.5,NaN\n", 2, "B", "not finite")]
    [TestCase("cell,condition,dose,knockout,A,B\nc1,ctrl,0,0,1,5,2\n", 2, null, "has 7 fields")]
    [TestCase("cell,condition,dose,knockout,A,B\nc1,,0,0,1.5,2\n", 2, "condition", "context value is empty")]
    public void Bad_values_and_ragged_rows_name_file_line_and_column(string text, int line, string? column, string message)
    {
        var ex = Assert.Throws<DataFileException>(() => Read(text, Roles()))!;
        Assert.That(ex.FilePath, Is.EqualTo("cells.csv"));
        Assert.That(ex.Line, Is.EqualTo(line));
        Assert.That(ex.Location, Is.EqualTo(column));
        Assert.That(ex.Message, Does.StartWith($"cells.csv, line {line}").And.Contain(message));
    }

    [Test]
    public void Missing_columns_are_named_with_the_available_ones()
    {
        var roles = new CsvColumnRoles("condition", "ctrl") { FeatureColumns = new[] { "dose", "drug" } };
        var ex = Assert.Throws<DataFileException>(() => Read(Cells, roles))!;
        Assert.That(ex.Location, Is.EqualTo("drug"));
        Assert.That(ex.Message, Does.Contain("feature column 'drug'").And.Contain("'knockout'"));

        ex = Assert.Throws<DataFileException>(() => Read(Cells, new CsvColumnRoles("perturbation", "ctrl") { FeatureColumns = new[] { "dose" } }))!;
        Assert.That(ex.Message, Does.Contain("context column 'perturbation'"));

        ex = Assert.Throws<DataFileException>(() => Read(Cells, new CsvColumnRoles("condition", "ctrl") { FeaturePrefix = "gamma_" }))!;
        Assert.That(ex.Message, Does.Contain("prefix 'gamma_'"));
    }

    [Test]
    public void Malformed_quoting_empty_file_and_header_only_are_clear_errors()
    {
        var ex = Assert.Throws<DataFileException>(() => Read("condition,dose,A\nctrl,0,\"1\n", new CsvColumnRoles("condition", "ctrl") { FeatureColumns = new[] { "dose" } }))!;
        Assert.That(ex.Message, Does.StartWith("cells.csv").And.Contain("not valid CSV"));
        ex = Assert.Throws<DataFileException>(() => Read("", Roles()))!;
        Assert.That(ex.Message, Does.Contain("is empty"));
        ex = Assert.Throws<DataFileException>(() => Read("cell,condition,dose,knockout,A,B\n", Roles()))!;
        Assert.That(ex.Message, Does.Contain("no data rows"));
    }

    [Test]
    public void Features_differing_within_a_context_and_a_missing_control_are_named()
    {
        string text = Cells.Replace("c3,ctrl,0,0", "c3,ctrl,1,0");
        var ex = Assert.Throws<DataFileException>(() => Read(text, Roles()).ToPerturbationDataset())!;
        Assert.That(ex.Message, Does.Contain("context 'ctrl'").And.Contain("'dose'").And.Contain("line 4").And.Contain("line 2"));

        var roles = new CsvColumnRoles("condition", "DMSO") { FeatureColumns = new[] { "dose" }, IgnoredColumns = new[] { "cell" } };
        ex = Assert.Throws<DataFileException>(() => Read(Cells, roles).ToPerturbationDataset())!;
        Assert.That(ex.Message, Does.Contain("control value 'DMSO'"));
    }

    [Test]
    public void Reads_a_file_by_path_and_names_it_in_errors()
    {
        using var dir = new FixtureFiles.TempDir();
        string path = dir.File("cells.csv");
        File.WriteAllText(path, Cells.Replace("1.75", "1.7.5"));
        var ex = Assert.Throws<DataFileException>(() => CsvPerturbationReader.Read(path, Roles()))!;
        Assert.That(ex.Message, Does.StartWith($"{path}, line 4, 'A'"));
        Assert.Throws<FileNotFoundException>(() => CsvPerturbationReader.Read(dir.File("missing.csv"), Roles()));
    }

    private sealed class Row
    {
        public string Context { get; set; } = "";

        public bool IsControl { get; set; }

        [VectorType(2)]
        public float[] Measurements { get; set; } = Array.Empty<float>();
    }
}
