using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.AnnData;

/// <summary>Bad requests and bad files fail with a <see cref="DataFileException"/> that names the file and the key.</summary>
public class AnnDataErrorTests
{
    [Test]
    public void Missing_layer_names_the_key_and_lists_the_layers_there()
    {
        string path = FixtureFiles.H5ad("dense_f32.h5ad");
        var ex = Assert.Throws<DataFileException>(() => AnnDataReader.Read(path, new AnnDataReadOptions { Layer = "spliced" }))!;
        Assert.That(ex.FilePath, Is.EqualTo(path));
        Assert.That(ex.Location, Is.EqualTo("layers/spliced"));
        Assert.That(ex.Message, Does.Contain(path).And.Contain("layers/spliced").And.Contain("counts").And.Contain("sparse"));
    }

    [Test]
    public void Unsupported_matrix_encoding_names_key_and_encoding()
    {
        var ex = Assert.Throws<DataFileException>(() => AnnDataReader.Read(FixtureFiles.H5ad("bad_x_encoding.h5ad")))!;
        Assert.That(ex.Location, Is.EqualTo("X"));
        Assert.That(ex.Message, Does.Contain("'coo_matrix'").And.Contain("csr_matrix"));
    }

    [Test]
    public void Unsupported_obs_encoding_names_key_and_encoding_and_can_be_skipped()
    {
        string path = FixtureFiles.H5ad("bad_obs_encoding.h5ad");
        var ex = Assert.Throws<DataFileException>(() => AnnDataReader.Read(path))!;
        Assert.That(ex.Location, Is.EqualTo("obs/dose"));
        Assert.That(ex.Message, Does.Contain("'awkward-array'").And.Contain("ObsColumns"));

        AnnDataTable table = AnnDataReader.Read(path, new AnnDataReadOptions { ObsColumns = new[] { "condition" } });
        Assert.That(table.RowCount, Is.EqualTo(6));
    }

    [Test]
    public void Unknown_variable_and_obs_column_are_named()
    {
        string path = FixtureFiles.H5ad("csr_f32.h5ad");
        var ex = Assert.Throws<DataFileException>(() => AnnDataReader.Read(path, new AnnDataReadOptions { Variables = new[] { "v1", "Gapdh" } }))!;
        Assert.That(ex.Message, Does.Contain("'Gapdh'").And.Contain("var_names"));
        ex = Assert.Throws<DataFileException>(() => AnnDataReader.Read(path, new AnnDataReadOptions { ObsColumns = new[] { "drug" } }))!;
        Assert.That(ex.Location, Is.EqualTo("obs/drug"));
    }

    [Test]
    public void Missing_file_is_FileNotFoundException_naming_it()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => AnnDataReader.Read("/nonexistent/cells.h5ad"))!;
        Assert.That(ex.Message, Does.Contain("/nonexistent/cells.h5ad"));
    }

    [Test]
    public void A_file_that_is_not_HDF5_is_refused_naming_it()
    {
        using var dir = new FixtureFiles.TempDir();
        string path = dir.File("table.h5ad");
        File.WriteAllText(path, "condition,Raf\ncd3cd28,1\n");
        var ex = Assert.Throws<DataFileException>(() => AnnDataReader.Read(path))!;
        Assert.That(ex.Message, Does.StartWith(path).And.Contain("HDF5"));
    }

    [TestCase("csr_f32.h5ad")]
    [TestCase("csc_f32.h5ad")]
    [TestCase("dense_f32.h5ad")]
    public void Memory_guard_refuses_a_too_large_dense_result_and_says_how_to_subset(string file)
    {
        // 6-7 cells × 4-5 variables × 4 bytes is above 60 bytes; one variable is below.
        string path = FixtureFiles.H5ad(file);
        var ex = Assert.Throws<DataFileException>(() => AnnDataReader.Read(path, new AnnDataReadOptions { MaxDenseBytes = 60 }))!;
        Assert.That(ex.Message, Does.Contain("MaxDenseBytes").And.Contain("AnnDataReadOptions.Variables").And.Contain("RowFilter").And.Contain("60 bytes"));

        AnnDataTable table = AnnDataReader.Read(path, new AnnDataReadOptions { MaxDenseBytes = 60, Variables = new[] { FirstVariable(path) } });
        Assert.That(table.VariableCount, Is.EqualTo(1));
    }

    [Test]
    public void Default_memory_limit_is_2_GiB()
    {
        Assert.That(new AnnDataReadOptions().MaxDenseBytes, Is.EqualTo(2L * 1024 * 1024 * 1024));
    }

    private static string FirstVariable(string path) => AnnDataReader.Read(path, new AnnDataReadOptions { Rows = Array.Empty<int>() }).VarNames[0];
}
