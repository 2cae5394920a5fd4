using CsCheck;
using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.AnnData;

/// <summary>
/// Truncated and corrupted .h5ad files either still read or fail with a <see cref="DataFileException"/>
/// naming the source, within a time bound: never another exception type, a hang or a crash.
/// </summary>
public class AnnDataCorruptionTests
{
    private static readonly TimeSpan PerFile = TimeSpan.FromSeconds(10);
    private static readonly string[] Files = { "dense_f32.h5ad", "csr_f32.h5ad", "csc_f64_i64.h5ad" };
    private static readonly byte[][] Originals = Files.Select(f => File.ReadAllBytes(FixtureFiles.H5ad(f))).ToArray();

    [Test]
    public void Truncated_files_fail_cleanly()
    {
        Gen.Select(Gen.Int[0, Files.Length - 1], Gen.Double[0, 1])
            .Select(t => (File: t.Item1, Length: (int)(t.Item2 * (Originals[t.Item1].Length - 1))))
            .Sample(t => ReadsOrFailsCleanly(Originals[t.File][..t.Length], $"{Files[t.File]} cut at {t.Length}"), iter: 100);
    }

    [Test]
    public void Files_with_random_byte_edits_fail_cleanly()
    {
        // Half the edits land in the first 4 KiB, where the superblock, root group and object headers live.
        Gen<(int, byte)> edit(int length) => Gen.Select(Gen.Bool, Gen.Int[0, length - 1], Gen.Int[0, Math.Min(4095, length - 1)], Gen.Byte,
            (early, anywhere, head, value) => (early ? head : anywhere, value));
        Gen.Int[0, Files.Length - 1]
            .SelectMany(f => edit(Originals[f].Length).Array[1, 8].Select(edits => (File: f, Edits: edits)))
            .Sample(t =>
            {
                byte[] bytes = (byte[])Originals[t.File].Clone();
                foreach ((int at, byte value) in t.Edits) bytes[at] = value;
                ReadsOrFailsCleanly(bytes, $"{Files[t.File]} edited at {string.Join(",", t.Edits.Select(e => e.Item1))}");
            }, iter: 200);
    }

    private static void ReadsOrFailsCleanly(byte[] bytes, string name)
    {
        var read = Task.Run(() =>
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var table = AnnDataReader.Read(stream, name, new AnnDataReadOptions { MaxDenseBytes = 1 << 20 });
            // A read that succeeds must give a consistent table.
            Assert.That(table.X.GetLength(0), Is.EqualTo(table.ObsNames.Count));
            Assert.That(table.X.GetLength(1), Is.EqualTo(table.VarNames.Count));
        });
        try
        {
            if (!read.Wait(PerFile)) Assert.Fail($"{name}: reading took more than {PerFile.TotalSeconds} s.");
        }
        catch (AggregateException ex) when (ex.InnerException is DataFileException data)
        {
            Assert.That(data.Message, Does.StartWith(name), "the message names the source");
        }
        catch (AggregateException ex)
        {
            Assert.Fail($"{name}: {ex.InnerException!.GetType().Name} instead of DataFileException: {ex.InnerException.Message}");
        }
    }
}
