using System.Text.Json;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.AnnData;

/// <summary>X in every supported storage reads exactly as anndata wrote it.</summary>
public class AnnDataMatrixTests
{
    private static readonly (string File, string Encoding)[] Fixtures =
    {
        ("dense_f32.h5ad", "dense"), ("dense_f64.h5ad", "dense"), ("csr_f32.h5ad", "csr_matrix"),
        ("csr_f64_i64.h5ad", "csr_matrix"), ("csc_f32.h5ad", "csc_matrix"), ("csc_f64_i64.h5ad", "csc_matrix"),
    };

    private static IEnumerable<TestCaseData> Cases() => Fixtures.Select(f => new TestCaseData(f.File, f.Encoding).SetArgDisplayNames(f.File));

    [TestCaseSource(nameof(Cases))]
    public void X_shape_names_and_values_match_anndata(string file, string encoding)
    {
        JsonElement expected = FixtureFiles.ExpectedFor(file);
        AnnDataTable table = AnnDataReader.Read(FixtureFiles.H5ad(file));

        Assert.That(table.Encoding, Is.EqualTo(encoding));
        Assert.That(table.MatrixKey, Is.EqualTo("X"));
        Assert.That(table.RowCount, Is.EqualTo(expected.GetProperty("n_obs").GetInt32()));
        Assert.That(table.VariableCount, Is.EqualTo(expected.GetProperty("n_vars").GetInt32()));
        Assert.That(table.ObsNames, Is.EqualTo(FixtureFiles.Strings(expected.GetProperty("obs_names"))));
        Assert.That(table.VarNames, Is.EqualTo(FixtureFiles.Strings(expected.GetProperty("var_names"))));
        Assert.That(table.X, Is.EqualTo(FixtureFiles.Matrix(expected.GetProperty("X"))));
    }

    [TestCaseSource(nameof(Cases))]
    public void Variable_subset_and_rows_pick_exactly_those_cells_and_columns(string file, string encoding)
    {
        float[,] all = FixtureFiles.Matrix(FixtureFiles.ExpectedFor(file).GetProperty("X"));
        string[] vars = FixtureFiles.Strings(FixtureFiles.ExpectedFor(file).GetProperty("var_names"));
        int[] rows = { 1, 2, 4 };
        int[] cols = { 3, 0 };
        var options = new AnnDataReadOptions { Variables = cols.Select(c => vars[c]).ToArray(), Rows = rows };

        AnnDataTable table = AnnDataReader.Read(FixtureFiles.H5ad(file), options);

        Assert.That(table.VarNames, Is.EqualTo(new[] { vars[3], vars[0] }));
        Assert.That(table.SourceRows, Is.EqualTo(rows));
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < cols.Length; j++)
                Assert.That(table.X[i, j], Is.EqualTo(all[rows[i], cols[j]]), $"cell {rows[i]}, variable {vars[cols[j]]}");
    }

    [TestCaseSource(nameof(Cases))]
    public void Tiny_read_chunks_give_the_same_matrix(string file, string encoding)
    {
        // Chunks of 2 elements force every streaming path (several hyperslabs per row or column run).
        var options = new AnnDataReadOptions { ChunkElements = 2, Rows = new[] { 0, 2, 3, 5 } };
        float[,] all = FixtureFiles.Matrix(FixtureFiles.ExpectedFor(file).GetProperty("X"));

        AnnDataTable table = AnnDataReader.Read(FixtureFiles.H5ad(file), options);

        for (int i = 0; i < 4; i++)
            for (int j = 0; j < table.VariableCount; j++)
                Assert.That(table.X[i, j], Is.EqualTo(all[options.Rows[i], j]));
    }

    [TestCase("counts", "dense")]
    [TestCase("layers/counts", "dense")]
    [TestCase("sparse", "csr_matrix")]
    public void Layers_read_as_written(string layer, string encoding)
    {
        string name = layer.Replace("layers/", "");
        JsonElement expected = FixtureFiles.ExpectedFor("dense_f32.h5ad").GetProperty("layers").GetProperty(name);

        AnnDataTable table = AnnDataReader.Read(FixtureFiles.H5ad("dense_f32.h5ad"), new AnnDataReadOptions { Layer = layer });

        Assert.That(table.MatrixKey, Is.EqualTo("layers/" + name));
        Assert.That(table.Encoding, Is.EqualTo(encoding));
        Assert.That(table.X, Is.EqualTo(FixtureFiles.Matrix(expected)));
    }
}
