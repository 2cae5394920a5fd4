using System.Text.Json;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.AnnData;

/// <summary>Every obs column kind reads exactly as anndata wrote it.</summary>
public class AnnDataObsTests
{
    private const string File = "dense_f32.h5ad";
    private static readonly JsonElement Expected = FixtureFiles.ExpectedFor(File).GetProperty("obs");
    private static readonly AnnDataTable Table = AnnDataReader.Read(FixtureFiles.H5ad(File));

    [Test]
    public void All_columns_load_in_the_files_column_order()
    {
        Assert.That(Table.Obs.Select(c => c.Name),
            Is.EqualTo(new[] { "condition", "dose", "dose32", "replicate", "treated", "batch", "note", "plate", "maybe" }));
    }

    [Test]
    public void Categorical_has_codes_categories_and_resolved_values()
    {
        var condition = (AnnDataCategoricalColumn)Table.Column("condition");
        JsonElement expected = Expected.GetProperty("condition");
        Assert.That(condition.Kind, Is.EqualTo(AnnDataColumnKind.Categorical));
        Assert.That(condition.Codes, Is.EqualTo(expected.GetProperty("codes").EnumerateArray().Select(e => e.GetInt32())));
        Assert.That(condition.Categories, Is.EqualTo(FixtureFiles.Strings(expected.GetProperty("categories"))));
        Assert.That(Enumerable.Range(0, 6).Select(i => condition[i]), Is.EqualTo(FixtureFiles.Strings(expected.GetProperty("values"))));
        Assert.That(condition.Ordered, Is.False);
    }

    [Test]
    public void Categorical_with_a_missing_value_reads_null_there()
    {
        var maybe = (AnnDataCategoricalColumn)Table.Column("maybe");
        string?[] expected = Expected.GetProperty("maybe").GetProperty("values").EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString()).ToArray();
        Assert.That(Enumerable.Range(0, 6).Select(maybe.FormatValue), Is.EqualTo(expected));
        Assert.That(maybe.Codes[1], Is.EqualTo(-1));
    }

    [Test]
    public void Categorical_with_integer_categories_resolves_them_to_text()
    {
        var plate = (AnnDataCategoricalColumn)Table.Column("plate");
        Assert.That(plate.Categories, Is.EqualTo(new[] { "3", "5" }));
        Assert.That(Enumerable.Range(0, 6).Select(plate.FormatValue),
            Is.EqualTo(FixtureFiles.Strings(Expected.GetProperty("plate").GetProperty("values"))));
    }

    [Test]
    public void Float64_float32_integer_bool_and_string_columns_keep_their_types_and_values()
    {
        var dose = (AnnDataNumericColumn<double>)Table.Column("dose");
        var dose32 = (AnnDataNumericColumn<float>)Table.Column("dose32");
        var replicate = (AnnDataNumericColumn<long>)Table.Column("replicate");
        var treated = (AnnDataBooleanColumn)Table.Column("treated");
        var note = (AnnDataStringColumn)Table.Column("note");

        Assert.That(dose.Kind, Is.EqualTo(AnnDataColumnKind.Float64));
        Assert.That(dose.Values, Is.EqualTo(Values(Expected.GetProperty("dose")).Select(e => e.GetDouble())));
        Assert.That(dose32.Kind, Is.EqualTo(AnnDataColumnKind.Float32));
        Assert.That(dose32.Values, Is.EqualTo(Values(Expected.GetProperty("dose32")).Select(e => (float)e.GetDouble())));
        Assert.That(replicate.Kind, Is.EqualTo(AnnDataColumnKind.Integer));
        Assert.That(replicate.Values, Is.EqualTo(Values(Expected.GetProperty("replicate")).Select(e => e.GetInt64())));
        Assert.That(treated.Values, Is.EqualTo(Values(Expected.GetProperty("treated")).Select(e => e.GetBoolean())));
        Assert.That(note.Kind, Is.EqualTo(AnnDataColumnKind.String));
        Assert.That(note.Values, Is.EqualTo(Values(Expected.GetProperty("note")).Select(e => e.GetString())));
        Assert.That(note.Values[0], Is.EqualTo("n0-café"), "UTF-8 survives");
    }

    [Test]
    public void ObsColumns_option_loads_only_those_columns_and_row_filter_keeps_matching_cells()
    {
        var options = new AnnDataReadOptions
        {
            ObsColumns = new[] { "dose" },
            RowFilter = new AnnDataRowFilter("condition", "drugA", "drugB"),
        };
        AnnDataTable table = AnnDataReader.Read(FixtureFiles.H5ad(File), options);

        string[] conditions = FixtureFiles.Strings(Expected.GetProperty("condition").GetProperty("values"));
        int[] kept = Enumerable.Range(0, 6).Where(i => conditions[i] != "ctrl").ToArray();
        Assert.That(table.Obs.Select(c => c.Name), Is.EqualTo(new[] { "dose" }));
        Assert.That(table.SourceRows, Is.EqualTo(kept));
        Assert.That(table.ObsNames, Is.EqualTo(kept.Select(i => $"cell{i}")));
        Assert.That(((AnnDataNumericColumn<double>)table.Column("dose")).Values,
            Is.EqualTo(kept.Select(i => Values(Expected.GetProperty("dose")).ElementAt(i).GetDouble())));
    }

    [Test]
    public void Row_filter_on_a_bool_column_compares_True_and_False()
    {
        AnnDataTable table = AnnDataReader.Read(FixtureFiles.H5ad(File),
            new AnnDataReadOptions { ObsColumns = Array.Empty<string>(), RowFilter = new AnnDataRowFilter("treated", "False") });
        Assert.That(table.SourceRows, Is.EqualTo(new[] { 0, 3 }));
        Assert.That(table.Obs, Is.Empty);
    }

    private static IEnumerable<JsonElement> Values(JsonElement column) => column.GetProperty("values").EnumerateArray();
}
