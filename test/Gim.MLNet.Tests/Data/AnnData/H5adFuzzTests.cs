using CsCheck;
using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.AnnData;

/// <summary>
/// Damaged .h5ad files (every committed fixture encoding): reading them, and turning what was read into
/// contexts, either works or throws a <see cref="DataFileException"/> naming the source; never another
/// exception, a hang or a crash. Complements Data/AnnData/AnnDataCorruptionTests with more cases and noise;
/// the cases come from fixed seeds (<see cref="SeededSample"/>; GIM_FUZZ_SEED=random explores).
/// </summary>
public class H5adFuzzTests
{
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);
    private static readonly string[] Fixtures = { "dense_f32.h5ad", "dense_f64.h5ad", "csr_f32.h5ad", "csr_f64_i64.h5ad", "csc_f32.h5ad", "csc_f64_i64.h5ad" };
    private static readonly Lazy<IReadOnlyList<(string Name, byte[] Bytes)>> Originals =
        new(() => Fixtures.Select(f => (f, File.ReadAllBytes(FixtureFiles.H5ad(f)))).ToList());

    // The 8-byte HDF5 format signature that opens every file.
    private static readonly byte[] Signature = { 0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A };

    [Test]
    public void TruncatedFiles_FailCleanly() =>
        ByteMutations.Truncated(Originals.Value).SampleSeeded(t => ReadsOrFailsCleanly(t.Bytes, t.Name), iter: 1000, seed: 1);

    [Test]
    public void EditedFiles_FailCleanly() =>
        ByteMutations.Edited(Originals.Value).SampleSeeded(t => ReadsOrFailsCleanly(t.Bytes, t.Name), iter: 300, seed: 1);

    [Test]
    public void RandomBytes_FailCleanly() =>
        ByteMutations.Noise(Signature).SampleSeeded(t => ReadsOrFailsCleanly(t.Bytes, t.Name), iter: 1000, seed: 1);

    private static void ReadsOrFailsCleanly(byte[] bytes, string name) => ByteMutations.WithinTime(name, PerCase, () =>
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            AnnDataTable table = AnnDataReader.Read(stream, name, new AnnDataReadOptions { MaxDenseBytes = 1 << 20 });
            Assert.That(table.X.GetLength(0), Is.EqualTo(table.ObsNames.Count), name);
            Assert.That(table.X.GetLength(1), Is.EqualTo(table.VarNames.Count), name);
            table.ToDataView();
            table.ToPerturbationDataset("condition", new[] { "ctrl" }, new[] { "treated" });
        }
        catch (DataFileException ex)
        {
            Assert.That(ex.Message, Does.StartWith(name), "the message names the source");
        }
    });
}
