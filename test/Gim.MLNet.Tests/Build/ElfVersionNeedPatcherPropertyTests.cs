using System.Buffers.Binary;
using CsCheck;
using Gim.MLNet.Build;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Build;

/// <summary>
/// The patcher runs inside every consumer's build, on whatever file sits in the output folder, so it
/// must answer every input with a result or an ElfFormatException: never IndexOutOfRange, Overflow,
/// or an endless loop, and when it patches, it changes one bit.
/// </summary>
[TestFixture]
public sealed class ElfVersionNeedPatcherPropertyTests
{
    private const string Glibcxx3432 = "GLIBCXX_3.4.32";

    // Values that break naive offset arithmetic: sign bits, wrap-around, "just past the end".
    private static readonly uint[] Awkward = [0, 1, 2, 15, 16, 17, 63, 64, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

    /// <summary>Patches a copy; checks the outcome is allowed and that a patch set only the weak bit.</summary>
    private static void PatchBehaves(byte[] input)
    {
        byte[] image = (byte[])input.Clone();
        VersionNeedPatchResult result;
        try
        {
            result = ElfVersionNeedPatcher.Patch(image, Glibcxx3432);
        }
        catch (ElfFormatException)
        {
            Assert.That(image, Is.EqualTo(input), "a refused image must be untouched");
            return;
        }
        if (result == VersionNeedPatchResult.Patched)
        {
            ElfTestFiles.AssertOnlyWeakBitSet(input, image);
            Assert.That(ElfVersionNeedPatcher.IsWeak(image, Glibcxx3432), Is.True);
        }
        else
        {
            Assert.That(image, Is.EqualTo(input), $"{result} must not write");
        }
    }

    [Test]
    public void RandomBytes_OnlyResultOrElfFormatException()
    {
        Gen.Byte.Array[0, 300].Sample(PatchBehaves, iter: 5_000);
    }

    [Test]
    public void RandomBytesAfterAValidIdent_OnlyResultOrElfFormatException()
    {
        // Random bytes almost never pass the magic check; this reaches the table parsing.
        byte[] ident = SyntheticElf.Build().Image.AsSpan(0, 16).ToArray();
        Gen.Byte.Array[16, 400]
            .Select(bytes => { ident.CopyTo(bytes, 0); return bytes; })
            .Sample(PatchBehaves, iter: 5_000);
    }

    [Test]
    public void CorruptedSmallElf_OnlyResultOrElfFormatException()
    {
        byte[] valid = SyntheticElf.Build().Image;
        var byteEdit = Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte, (at, value) => (At: at, Value: (uint)value, Width: 1));
        var wordEdit = Gen.Select(Gen.Int[0, valid.Length - 4], Gen.OneOf(Awkward), (at, value) => (At: at, Value: value, Width: 4));
        // Two byte edits to one word edit.
        var edits = Gen.Select(Gen.Int[0, 2], byteEdit, wordEdit, (pick, b, w) => pick == 0 ? w : b).Array[1, 6];

        edits.Select(es =>
        {
            byte[] corrupted = (byte[])valid.Clone();
            foreach (var (at, value, width) in es)
            {
                if (width == 1) corrupted[at] = (byte)value;
                else BinaryPrimitives.WriteUInt32LittleEndian(corrupted.AsSpan(at), value);
            }
            return corrupted;
        }).Sample(PatchBehaves, iter: 20_000);
    }

    [Test]
    public void CorruptedSmallElf_WithTheFlagAlreadyWeak_NeverChanges()
    {
        byte[] valid = SyntheticElf.Build(glibcxx3432Flags: ElfVersionNeedPatcher.VerFlagWeak).Image;
        Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte).Array[1, 4].Select(es =>
        {
            byte[] corrupted = (byte[])valid.Clone();
            foreach (var (at, value) in es) corrupted[at] = value;
            return corrupted;
        }).Sample(PatchBehaves, iter: 5_000);
    }
}
