namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// One family of Hill screens: a named, documented option set, drawn afresh for each seed.
/// </summary>
/// <param name="Name">Lowercase with dashes (e.g. "scale-free"), as it appears in result files.</param>
/// <param name="Description">One line: what differs from the default screen and which of GIM's assumptions it breaks, if any.</param>
/// <param name="Options">The family's options for a seed; every call returns a new object.</param>
public sealed record HillScreenFamily(string Name, string Description, Func<int, HillScreenOptions> Options)
{
    /// <summary>Draws the family's screen for <paramref name="seed"/>.</summary>
    public HillScreen Generate(int seed) => HillScreen.Generate(Options(seed));

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Description}";
}

/// <summary>
/// The panel of screen families BENCHMARK.md §3 asks results to be reported on: the default screen and
/// one family per axis of the protocol (graph, mechanisms, noise, descriptor map and informativeness,
/// number of training drugs), each changing one thing from the default, including families where GIM's
/// assumptions (a linear-Gaussian SCM, descriptors that determine the effect) fail. Every other setting is
/// <see cref="HillScreenOptions"/>' default, so a family differs from "default" only by what its
/// description says.
/// </summary>
public static class HillScreenPanel
{
    /// <summary>
    /// The families, "default" first: default, cyclic, scale-free, nonlinear, heavy-tailed, fingerprint,
    /// partial-descriptors, few-drugs, many-drugs.
    /// </summary>
    public static IReadOnlyList<HillScreenFamily> Families { get; } =
    [
        new("default",
            "The benchmark screen: Erdős–Rényi DAG, linear mechanisms, Gaussian noise, 40 training drugs with dense descriptors that determine the effect; breaks none of GIM's assumptions.",
            seed => new HillScreenOptions { Seed = seed }),
        new("cyclic",
            "Erdős–Rényi digraph with feedback loops, rescaled to a stable equilibrium; GIM's linear SCM allows cycles, so it breaks no assumption, but the graph is harder to identify.",
            seed => new HillScreenOptions { Seed = seed, Graph = GraphKind.Cyclic }),
        new("scale-free",
            "DAG by preferential attachment (hub variables with many children, same expected edge count as the default); breaks no assumption, but a few variables drive many others.",
            seed => new HillScreenOptions { Seed = seed, Graph = GraphKind.ScaleFree }),
        new("nonlinear",
            "tanh mechanisms x_j = Σ B_ij tanh(x_i) + shift_j + ε_j; breaks the linear SCM.",
            seed => new HillScreenOptions { Seed = seed, Mechanism = MechanismKind.Nonlinear }),
        new("heavy-tailed",
            "Student-t noise with 5 degrees of freedom (variance σ_j², excess kurtosis 6); breaks the Gaussian noise.",
            seed => new HillScreenOptions { Seed = seed, Noise = NoiseKind.StudentT, StudentTDegreesOfFreedom = 5 }),
        new("fingerprint",
            "Sparse binary 256-bit fingerprints (targets and directions as colliding bits, shift sizes not encoded) plus noisy Hill K and n; breaks the dense descriptor map and determines the shift sizes only to a factor of 2.",
            seed => new HillScreenOptions { Seed = seed, Descriptor = DescriptorKind.Fingerprint }),
        new("partial-descriptors",
            "Descriptors omit the direction of each shift, and a quarter of the drugs carry a random decoy's descriptor; breaks descriptors that determine the effect.",
            seed => new HillScreenOptions { Seed = seed, DescriptorSignEncoded = false, UninformativeDescriptorFraction = 0.25 }),
        new("few-drugs",
            "10 training drugs (40 contexts) instead of 40; breaks no assumption, tests how little data the descriptor map needs.",
            seed => new HillScreenOptions { Seed = seed, TrainDrugs = 10 }),
        new("many-drugs",
            "160 training drugs (640 contexts) instead of 40; breaks no assumption, tests whether methods improve with more drugs.",
            seed => new HillScreenOptions { Seed = seed, TrainDrugs = 160 }),
    ];

    /// <summary>The family named <paramref name="name"/> (ordinal, case-sensitive: names are lowercase).</summary>
    /// <exception cref="ArgumentException">No family has that name; the message lists the known names.</exception>
    public static HillScreenFamily Family(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (HillScreenFamily family in Families)
            if (string.Equals(family.Name, name, StringComparison.Ordinal)) return family;
        throw new ArgumentException(
            $"No Hill screen family is named '{name}'; the known families are: {string.Join(", ", Families.Select(f => f.Name))}.",
            nameof(name));
    }
}
