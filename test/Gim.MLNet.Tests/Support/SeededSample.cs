using CsCheck;

namespace Gim.MLNet.Tests.Support;

/// <summary>
/// Runs a CsCheck property over a sequence of cases fixed by a seed, so that every run (and CI) tries
/// the same inputs. CsCheck's own <c>seed:</c> parameter fixes only the first iteration: the others
/// come from per-thread generators seeded by the clock.
/// </summary>
/// <remarks>
/// The environment variable <see cref="Variable"/> changes the seed: <c>random</c> explores with a new
/// one each run; a CsCheck seed string (as a failure prints it: <c>Set seed: "…" or -e CsCheck_Seed=…</c>)
/// replays the run from the failing case on, as does CsCheck_Seed itself. Each case runs through
/// CsCheck's Sample with its own seed, so a failure reads as usual.
/// </remarks>
public static class SeededSample
{
    /// <summary>The environment variable that overrides the default seed.</summary>
    public const string Variable = "GIM_FUZZ_SEED";

    /// <summary>Checks <paramref name="assert"/> on <paramref name="iter"/> cases drawn from <paramref name="seed"/> (or the environment's seed).</summary>
    public static void SampleSeeded<T>(this Gen<T> gen, Action<T> assert, int iter, ulong seed)
    {
        PCG pcg = (Environment.GetEnvironmentVariable(Variable) ?? Environment.GetEnvironmentVariable("CsCheck_Seed")) switch
        {
            null or "" => new PCG(1, seed),
            "random" => new PCG(1, (ulong)Random.Shared.NextInt64()),
            string configured => PCG.Parse(configured),
        };
        for (int i = 0; i < iter; i++)
        {
            string caseSeed = pcg.ToString();
            gen.Generate(pcg, null, out _); // moves pcg on to the next case, as the Sample below does from caseSeed
            gen.Sample(assert, seed: caseSeed, iter: 1, threads: 1);
        }
    }
}
