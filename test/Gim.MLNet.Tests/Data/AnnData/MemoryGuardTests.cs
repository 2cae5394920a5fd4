using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;

namespace Gim.MLNet.Tests.Data.AnnData;

/// <summary>The guard's arithmetic at single-cell scale (the fixtures test it end to end with small limits).</summary>
public class MemoryGuardTests
{
    [Test]
    public void A_million_cells_by_30k_genes_is_refused_at_the_default_limit_and_a_gene_subset_is_not()
    {
        var ex = Assert.Throws<DataFileException>(() => MemoryGuard.Check("atlas.h5ad", "X", "csr_matrix",
            1_000_000, 30_000, 1_000_000, 30_000, AnnDataReadOptions.DefaultMaxDenseBytes))!;
        Assert.That(ex.Message, Does.StartWith("atlas.h5ad, 'X': reading csr_matrix 'X'").And.Contain("111.76 GiB").And.Contain("2 GiB"));

        // 2,000 highly variable genes of 200,000 cells: 1.49 GiB, under the limit.
        Assert.DoesNotThrow(() => MemoryGuard.Check("atlas.h5ad", "X", "csr_matrix",
            1_000_000, 30_000, 200_000, 2_000, AnnDataReadOptions.DefaultMaxDenseBytes));
    }

    [Test]
    public void More_elements_than_an_array_can_hold_are_refused_whatever_the_limit()
    {
        Assert.Throws<DataFileException>(() => MemoryGuard.Check("atlas.h5ad", "X", "dense", 100_000, 30_000, 100_000, 30_000, long.MaxValue));
    }
}
