using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Tests.Support;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Data.AnnData;

/// <summary>An <see cref="AnnDataTable"/> as a DataFrame, an IDataView and a PerturbationDataset.</summary>
public class AnnDataConversionTests
{
    private static readonly AnnDataTable Table = AnnDataReader.Read(FixtureFiles.H5ad("csr_f32.h5ad"));

    [Test]
    public void DataFrame_has_obs_names_obs_columns_and_one_column_per_variable()
    {
        DataFrame frame = Table.ToDataFrame(variablePrefix: "gene_");

        Assert.That(frame.Rows.Count, Is.EqualTo(7));
        Assert.That(frame.Columns.Select(c => c.Name), Is.EqualTo(new[] { AnnDataTable.ObsNameColumn }
            .Concat(Table.Obs.Select(c => c.Name)).Concat(Table.VarNames.Select(v => "gene_" + v))));
        Assert.That(frame.Columns["condition"][1], Is.EqualTo("drugA"));
        Assert.That(frame.Columns["maybe"][1], Is.Null);
        Assert.That(frame.Columns["treated"][0], Is.EqualTo(false));
        Assert.That(frame.Columns["replicate"][1], Is.EqualTo(2L));
        for (int i = 0; i < 7; i++)
            Assert.That(frame.Columns["gene_v4"][i], Is.EqualTo(Table.X[i, 4]));
    }

    [Test]
    public void DataView_has_a_known_size_measurements_vector_with_var_names_as_slot_names()
    {
        IDataView view = Table.ToDataView();
        DataViewSchema.Column measurements = view.Schema["Measurements"];

        var type = (VectorDataViewType)measurements.Type;
        Assert.That(type.Size, Is.EqualTo(5));
        Assert.That(type.ItemType, Is.EqualTo(NumberDataViewType.Single));
        VBuffer<ReadOnlyMemory<char>> slots = default;
        measurements.GetSlotNames(ref slots);
        Assert.That(slots.DenseValues().Select(s => s.ToString()), Is.EqualTo(Table.VarNames));
        Assert.That(view.Schema["condition"].Type, Is.EqualTo(TextDataViewType.Instance));
        Assert.That(view.Schema["dose"].Type, Is.EqualTo(NumberDataViewType.Double));
        Assert.That(view.Schema["treated"].Type, Is.EqualTo(BooleanDataViewType.Instance));

        float[][] rows = new MLContext().Data.CreateEnumerable<MeasurementRow>(view, reuseRowObject: false).Select(r => r.Measurements).ToArray();
        Assert.That(rows, Has.Length.EqualTo(7));
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 5; j++)
                Assert.That(rows[i][j], Is.EqualTo(Table.X[i, j]));
        Assert.That(view.Preview().RowView[2].Values.First(kv => kv.Key == "condition").Value.ToString(), Is.EqualTo("drugB"));
    }

    [Test]
    public void PerturbationDataset_groups_cells_by_context_with_features_and_controls()
    {
        PerturbationDataset data = Table.ToPerturbationDataset("condition", new[] { "ctrl" }, new[] { "treated" });

        Assert.That(data.Contexts.Select(c => c.Name), Is.EqualTo(new[] { "ctrl", "drugA", "drugB" }));
        Assert.That(data.Contexts.Select(c => c.IsControl), Is.EqualTo(new[] { true, false, false }));
        Assert.That(data.Contexts.Select(c => c.SampleCount), Is.EqualTo(new[] { 3, 2, 2 }));
        Assert.That(data.Contexts.Select(c => c.Features[0]), Is.EqualTo(new[] { 0f, 1f, 1f }));
        Assert.That(data.VariableNames, Is.EqualTo(Table.VarNames));
        Assert.That(data.FeatureNames, Is.EqualTo(new[] { "treated" }));
        // drugA is cells 1 and 4.
        for (int j = 0; j < 5; j++)
            Assert.That(data.Contexts[1].Samples[1, j], Is.EqualTo(Table.X[4, j]));
        Assert.DoesNotThrow(() => data.Validate());
    }

    [Test]
    public void Features_that_differ_within_a_context_are_an_error_naming_context_cells_and_column()
    {
        var ex = Assert.Throws<DataFileException>(() => Table.ToPerturbationDataset("condition", new[] { "ctrl" }, new[] { "dose" }))!;
        Assert.That(ex.Message, Does.Contain("context 'ctrl'").And.Contain("'dose'").And.Contain("cell 'cell3'").And.Contain("cell 'cell0'"));
    }

    [Test]
    public void Categorical_feature_missing_control_and_missing_context_value_are_clear_errors()
    {
        Assert.That(Assert.Throws<DataFileException>(() => Table.ToPerturbationDataset("condition", new[] { "ctrl" }, new[] { "plate" }))!.Message,
            Does.Contain("'plate' is Categorical"));
        Assert.That(Assert.Throws<DataFileException>(() => Table.ToPerturbationDataset("condition", new[] { "DMSO" }, new[] { "treated" }))!.Message,
            Does.Contain("control value 'DMSO'").And.Contain("'ctrl'"));
        Assert.That(Assert.Throws<DataFileException>(() => Table.ToPerturbationDataset("maybe", new[] { "x" }, new[] { "treated" }))!.Message,
            Does.Contain("cell 'cell1'").And.Contain("no context value"));
    }

    private sealed class MeasurementRow
    {
        [VectorType(5)]
        public float[] Measurements { get; set; } = Array.Empty<float>();
    }
}
