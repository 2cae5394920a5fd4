using CsCheck;

namespace Gim.MLNet.Tests.Support;

/// <summary>Generators of damaged files: a valid file cut short, edited at random bytes, or replaced by noise.</summary>
public static class ByteMutations
{
    /// <summary>A prefix of one of the originals (never the whole file), with its description.</summary>
    public static Gen<(byte[] Bytes, string Name)> Truncated(IReadOnlyList<(string Name, byte[] Bytes)> originals) =>
        Gen.Int[0, originals.Count - 1].SelectMany(f => Gen.Int[0, originals[f].Bytes.Length - 1]
            .Select(length => (originals[f].Bytes[..length], $"{originals[f].Name} cut at {length}")));

    /// <summary>
    /// One of the originals with 1–8 bytes overwritten; half the edits land in the first or last
    /// <paramref name="hotBytes"/>, where formats keep their headers, directories and signatures.
    /// </summary>
    public static Gen<(byte[] Bytes, string Name)> Edited(IReadOnlyList<(string Name, byte[] Bytes)> originals, int hotBytes = 4096) =>
        Gen.Int[0, originals.Count - 1].SelectMany(f =>
        {
            int length = originals[f].Bytes.Length;
            int hot = Math.Min(hotBytes, length);
            Gen<int> position = Gen.Frequency(
                (2, Gen.Int[0, length - 1]),
                (1, Gen.Int[0, hot - 1]),
                (1, Gen.Int[length - hot, length - 1]));
            return Gen.Select(position, Gen.Byte).Array[1, 8].Select(edits =>
            {
                byte[] bytes = (byte[])originals[f].Bytes.Clone();
                foreach ((int at, byte value) in edits) bytes[at] = value;
                return (bytes, $"{originals[f].Name} edited at {string.Join(",", edits.Select(e => $"{e.Item1}={e.Item2}"))}");
            });
        });

    /// <summary>Random bytes, optionally after a format's signature so that parsing gets past the first check.</summary>
    public static Gen<(byte[] Bytes, string Name)> Noise(byte[] signature, int maxLength = 4096) =>
        Gen.Select(Gen.Bool, Gen.Byte.Array[0, maxLength]).Select(t =>
            t.Item1 ? (signature.Concat(t.Item2).ToArray(), $"signature + {t.Item2.Length} random bytes") : (t.Item2, $"{t.Item2.Length} random bytes"));

    /// <summary>Runs <paramref name="action"/> with a time limit, so a hang fails the test instead of stalling the run.</summary>
    public static void WithinTime(string name, TimeSpan limit, Action action)
    {
        var task = Task.Run(action);
        try
        {
            if (!task.Wait(limit)) Assert.Fail($"{name}: took more than {limit.TotalSeconds} s.");
        }
        catch (AggregateException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
        }
    }
}
