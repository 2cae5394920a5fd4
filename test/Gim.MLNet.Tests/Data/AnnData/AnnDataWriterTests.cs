using Gim.MLNet.Data.AnnData;

namespace Gim.MLNet.Tests.Data.AnnData;

/// <summary>.h5ad files written here read back with this library's reader (anndata's own check: Fixtures/check_written_h5ad.py).</summary>
public class AnnDataWriterTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("gim-h5ad-write-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static readonly AnnDataWriteColumn[] Obs =
    {
        AnnDataWriteColumn.Categorical("product_name", new[] { "vehicle", "drugA", "drugA" }),
        AnnDataWriteColumn.Numeric("dose", new[] { 0.0, 10, 100 }),
        AnnDataWriteColumn.Categorical("cell_type", new[] { "A549", null, "MCF7" }),
    };

    [Test]
    public void ASparseMatrixAndObs_ReadBackAsWritten()
    {
        string path = Path.Combine(_folder, "cells.h5ad");
        var x = new SparseRows(3, 4, new[] { 1f, 5f, 2f, 7f }, new[] { 0, 3, 1, 3 }, new long[] { 0, 2, 2, 4 });
        AnnDataWriter.Write(path, x, new[] { "c0", "c1", "c2" }, new[] { "g0", "g1", "g2", "g3" }, Obs);

        AnnDataTable table = AnnDataReader.Read(path);
        Assert.That(table.Encoding, Is.EqualTo("csr_matrix"));
        Assert.That(table.X, Is.EqualTo(new float[,] { { 1, 0, 0, 5 }, { 0, 0, 0, 0 }, { 0, 2, 0, 7 } }));
        Assert.That(table.ObsNames, Is.EqualTo(new[] { "c0", "c1", "c2" }));
        Assert.That(table.VarNames, Is.EqualTo(new[] { "g0", "g1", "g2", "g3" }));
        Assert.That(Enumerable.Range(0, 3).Select(table.Column("product_name").FormatValue), Is.EqualTo(new[] { "vehicle", "drugA", "drugA" }));
        Assert.That(table.Column("product_name").Kind, Is.EqualTo(AnnDataColumnKind.Categorical));
        Assert.That(Enumerable.Range(0, 3).Select(table.Column("dose").FormatValue), Is.EqualTo(new[] { "0", "10", "100" }));
        Assert.That(Enumerable.Range(0, 3).Select(table.Column("cell_type").FormatValue), Is.EqualTo(new[] { "A549", null, "MCF7" }));
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary file left");
    }

    [Test]
    public void ADenseMatrix_ReadsBack()
    {
        string path = Path.Combine(_folder, "dense.h5ad");
        var x = new float[,] { { 1.5f, -2 }, { 0, 3 }, { 4, 5 } };
        AnnDataWriter.Write(path, x, new[] { "a", "b", "c" }, new[] { "p", "q" }, Obs);
        AnnDataTable table = AnnDataReader.Read(path);
        Assert.That(table.Encoding, Is.EqualTo("dense"));
        Assert.That(table.X, Is.EqualTo(x));
    }

    [Test]
    public void InconsistentInput_IsRefusedBeforeAnyFileExists()
    {
        string path = Path.Combine(_folder, "bad.h5ad");
        var ragged = new SparseRows(2, 3, new[] { 1f }, new[] { 5 }, new long[] { 0, 1, 1 });
        Assert.That(Assert.Throws<ArgumentException>(() => AnnDataWriter.Write(path, ragged, new[] { "a", "b" }, new[] { "x", "y", "z" }, Array.Empty<AnnDataWriteColumn>()))!.Message,
            Does.Contain("row 0 has column index 5"));
        var ok = new SparseRows(2, 3, new[] { 1f }, new[] { 1 }, new long[] { 0, 1, 1 });
        Assert.That(Assert.Throws<ArgumentException>(() => AnnDataWriter.Write(path, ok, new[] { "a", "a" }, new[] { "x", "y", "z" }, Array.Empty<AnnDataWriteColumn>()))!.Message,
            Does.Contain("obs names must be unique"));
        Assert.That(Assert.Throws<ArgumentException>(() => AnnDataWriter.Write(path, ok, new[] { "a", "b" }, new[] { "x", "y", "z" }, Obs))!.Message,
            Does.Contain("'product_name' has 3 values; expected one per cell (2)"));
        Assert.That(File.Exists(path), Is.False);
    }
}
