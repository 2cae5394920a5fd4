namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// Settings of the synthetic Hill-function drug screen (BENCHMARK.md §1). The defaults reproduce the
/// benchmark exactly: 20 variables, 40 training drugs × 4 doses plus an 800-cell control, 40 drugs
/// at 5 unseen doses (partially OOD) and 20 new drugs at the training doses (fully OOD).
/// </summary>
public sealed class HillScreenOptions
{
    /// <summary>Number of measured variables d (default 20). Must be at least 1.</summary>
    public int Variables { get; set; } = 20;

    /// <summary>
    /// Expected number of parents per variable (default 2). A DAG connects each earlier → later pair
    /// of a random node order with probability 2·ExpectedParents/(d − 1), so at most (d − 1)/2 (a
    /// scale-free DAG draws the same parent counts, see <see cref="GraphKind.ScaleFree"/>); a
    /// cyclic graph connects each ordered pair with probability ExpectedParents/(d − 1), so at most d − 1.
    /// </summary>
    public double ExpectedParents { get; set; } = 2;

    /// <summary>Smallest absolute edge weight |B_ij| before any stability rescaling (default 0.5).</summary>
    public double EdgeWeightMin { get; set; } = 0.5;

    /// <summary>Largest absolute edge weight |B_ij| before any stability rescaling (default 1.5); the sign is random.</summary>
    public double EdgeWeightMax { get; set; } = 1.5;

    /// <summary>Lower end of the noise scale σ_j ~ U[NoiseScaleMin, NoiseScaleMax] (default 0.5).</summary>
    public double NoiseScaleMin { get; set; } = 0.5;

    /// <summary>Upper end of the noise scale σ_j ~ U[NoiseScaleMin, NoiseScaleMax] (default 1.0).</summary>
    public double NoiseScaleMax { get; set; } = 1.0;

    /// <summary>Number of training drugs (default 40), numbered 0..TrainDrugs − 1.</summary>
    public int TrainDrugs { get; set; } = 40;

    /// <summary>Doses at which training drugs are measured in the training split (default 0.5, 1, 1.5, 2); also the doses of the new drugs.</summary>
    public IReadOnlyList<double> TrainDoses { get; set; } = [0.5, 1.0, 1.5, 2.0];

    /// <summary>Unseen doses at which the training drugs are measured in the partially-OOD split (default 0.25, 0.75, 1.25, 1.75, 2.25).</summary>
    public IReadOnlyList<double> PartialOodDoses { get; set; } = [0.25, 0.75, 1.25, 1.75, 2.25];

    /// <summary>Number of new drugs in the fully-OOD split (default 20), measured at <see cref="TrainDoses"/> and numbered after the training drugs.</summary>
    public int NewDrugs { get; set; } = 20;

    /// <summary>Cells per perturbed training context (default 50).</summary>
    public int SamplesPerTrainContext { get; set; } = 50;

    /// <summary>Cells in the training split's control context (default 800).</summary>
    public int ControlSamples { get; set; } = 800;

    /// <summary>Cells per test context, partially and fully OOD (default 100).</summary>
    public int SamplesPerTestContext { get; set; } = 100;

    /// <summary>Fewest distinct targets per drug (default 1); the count is uniform on [MinTargets, MaxTargets].</summary>
    public int MinTargets { get; set; } = 1;

    /// <summary>Most distinct targets per drug (default 3); at most <see cref="Variables"/>.</summary>
    public int MaxTargets { get; set; } = 3;

    /// <summary>Smallest absolute maximal shift |a_hj| of a target (default 2); the sign is random.</summary>
    public double ShiftMin { get; set; } = 2;

    /// <summary>Largest absolute maximal shift |a_hj| of a target (default 4).</summary>
    public double ShiftMax { get; set; } = 4;

    /// <summary>Lower end of the Hill half-effect dose K_h ~ U[HillKMin, HillKMax] (default 0.5).</summary>
    public double HillKMin { get; set; } = 0.5;

    /// <summary>Upper end of the Hill half-effect dose K_h (default 1.5).</summary>
    public double HillKMax { get; set; } = 1.5;

    /// <summary>Lower end of the Hill exponent n_h ~ U[HillExponentMin, HillExponentMax] (default 1).</summary>
    public double HillExponentMin { get; set; } = 1;

    /// <summary>Upper end of the Hill exponent n_h (default 3).</summary>
    public double HillExponentMax { get; set; } = 3;

    /// <summary>
    /// Length of the per-variable "binding fingerprint" e_j and "effect signature" e'_j unit vectors
    /// (default 32); the drug descriptor has 2·EmbeddingDimension + 2 numbers, a context's features one more (the dose).
    /// Used by <see cref="DescriptorKind.Embedding"/> descriptors only (still checked to be at least 1).
    /// </summary>
    public int EmbeddingDimension { get; set; } = 32;

    /// <summary>
    /// Standard deviation of the Gaussian noise added once per drug to every descriptor entry (default 0.05);
    /// for a <see cref="DescriptorKind.Fingerprint"/> only to hill_K and hill_n (the bits stay 0 or 1).
    /// </summary>
    public double FeatureNoise { get; set; } = 0.05;

    /// <summary>
    /// How descriptors are made from what a drug does (default <see cref="DescriptorKind.Embedding"/>, the
    /// benchmark's dense 2·EmbeddingDimension + 2 numbers); <see cref="DescriptorKind.Fingerprint"/> gives sparse
    /// binary bits plus hill_K and hill_n. The drugs, the graph and the cells do not depend on this choice.
    /// </summary>
    public DescriptorKind Descriptor { get; set; } = DescriptorKind.Embedding;

    /// <summary>
    /// Whether the descriptor tells the direction of each target's shift (default true, the benchmark).
    /// When false the descriptor is made from |a_hj| instead of a_hj: the embedding's effect part becomes
    /// Σ |a_hj| e'_j / 4 and a fingerprint sets the same bits for an up- and a down-shift of a variable,
    /// so two drugs with the same targets, |shifts|, K and n but opposite signs look the same (up to their
    /// own noise draws), and no method can tell from the features which way a new drug moves a variable.
    /// The random draws do not change, so the drugs and cells are those of the screen with the sign encoded.
    /// </summary>
    public bool DescriptorSignEncoded { get; set; } = true;

    /// <summary>
    /// Fraction of drugs whose descriptor describes a different, random "decoy" drug (default 0: every
    /// descriptor is the drug's own). Exactly round(fraction·TrainDrugs) training drugs and
    /// round(fraction·NewDrugs) new drugs (halves rounded up) are chosen at random; each gets the
    /// descriptor of a decoy drawn like any drug (targets, shifts, K, n) but from a separate random
    /// stream, so it looks like a real descriptor, carries nothing about the drug's effect, and
    /// <see cref="DrugTruth.DescriptorIsInformative"/> is false. The choice and the decoys come from their
    /// own streams: the drugs' truth and the cells are the same for every fraction. Must be in [0, 1].
    /// </summary>
    public double UninformativeDescriptorFraction { get; set; }

    /// <summary>
    /// Length of a <see cref="DescriptorKind.Fingerprint"/> (default 256). With 20 variables × 2 directions ×
    /// 4 bits per key, 160 key bits fall on 256 positions, so about 28% of the used positions are
    /// shared by two or more keys, as hashed structure fingerprints collide. Ignored for embeddings.
    /// </summary>
    public int FingerprintBits { get; set; } = 256;

    /// <summary>
    /// Bit positions owned by each (variable, direction) key of a fingerprint (default 4, at most
    /// <see cref="FingerprintBits"/>): a few bits per target, as a substructure sets a few bits.
    /// </summary>
    public int FingerprintBitsPerTarget { get; set; } = 4;

    /// <summary>
    /// Probability that a drug sets each bit of each of its target keys (default 0.8, in [0, 1]): a drug
    /// acting on a variable shares most, not all, of that variable's bits, so fingerprints of drugs with
    /// the same target overlap without being equal.
    /// </summary>
    public double FingerprintBitProbability { get; set; } = 0.8;

    /// <summary>
    /// Probability that a drug sets any bit regardless of its targets (default 0.02, in [0, 1]): about 5
    /// unrelated bits of 256, so with 1–3 targets a fingerprint has about 11 bits on (11.6 on average over
    /// seed 1's 60 drugs, 4.5%), sparse as a chemical fingerprint is.
    /// </summary>
    public double FingerprintBackgroundDensity { get; set; } = 0.02;

    /// <summary>Acyclic, cyclic or scale-free ground-truth graph (default <see cref="GraphKind.Dag"/>).</summary>
    public GraphKind Graph { get; set; } = GraphKind.Dag;

    /// <summary>
    /// Stability bound for cyclic graphs (default 0.8, must be in (0, 1)). Linear: B is scaled down,
    /// if needed, until a certified upper bound on its spectral radius is at most this value.
    /// Nonlinear: B is scaled until the smaller of its spectral norm ‖B‖₂ and the spectral radius of
    /// |B| (entrywise) is at most this value; either makes the tanh system a contraction (|tanh'| ≤ 1),
    /// in the Euclidean or a weighted max norm, and both bound ρ(B). Ignored for DAGs.
    /// </summary>
    public double MaxSpectralRadius { get; set; } = 0.8;

    /// <summary>Linear or tanh mechanisms (default <see cref="MechanismKind.Linear"/>).</summary>
    public MechanismKind Mechanism { get; set; } = MechanismKind.Linear;

    /// <summary>Noise distribution, always with variance σ_j² (default <see cref="NoiseKind.Gaussian"/>).</summary>
    public NoiseKind Noise { get; set; } = NoiseKind.Gaussian;

    /// <summary>Degrees of freedom ν of <see cref="NoiseKind.StudentT"/> noise (default 5; must exceed 2 so the variance exists).</summary>
    public double StudentTDegreesOfFreedom { get; set; } = 5;

    /// <summary>Seed of every random draw (default 0); the same seed and options give bit-identical data.</summary>
    public int Seed { get; set; }

    /// <summary>A copy of every setting (the dose lists are copied too), so a generated screen keeps the options it was made with.</summary>
    public HillScreenOptions Clone()
    {
        var copy = (HillScreenOptions)MemberwiseClone();
        copy.TrainDoses = TrainDoses.ToArray();
        copy.PartialOodDoses = PartialOodDoses.ToArray();
        return copy;
    }

    /// <summary>
    /// Checks every setting and throws <see cref="ArgumentException"/> naming the option, its value
    /// and the accepted range.
    /// </summary>
    public void Validate()
    {
        AtLeast(Variables, 1, nameof(Variables));
        Finite(ExpectedParents, nameof(ExpectedParents));
        if (ExpectedParents < 0)
            throw Bad(nameof(ExpectedParents), ExpectedParents, "must be at least 0");
        double maxParents = Graph == GraphKind.Cyclic ? Variables - 1 : (Variables - 1) / 2.0;
        if (ExpectedParents > maxParents)
            throw Bad(nameof(ExpectedParents), ExpectedParents,
                $"must be at most {maxParents} for a {Graph} graph over {Variables} variables (an edge probability above 1 otherwise)");
        PositiveRange(EdgeWeightMin, EdgeWeightMax, nameof(EdgeWeightMin), nameof(EdgeWeightMax));
        PositiveRange(NoiseScaleMin, NoiseScaleMax, nameof(NoiseScaleMin), nameof(NoiseScaleMax));
        AtLeast(TrainDrugs, 0, nameof(TrainDrugs));
        AtLeast(NewDrugs, 0, nameof(NewDrugs));
        Doses(TrainDoses, nameof(TrainDoses));
        Doses(PartialOodDoses, nameof(PartialOodDoses));
        AtLeast(SamplesPerTrainContext, 1, nameof(SamplesPerTrainContext));
        AtLeast(ControlSamples, 1, nameof(ControlSamples));
        AtLeast(SamplesPerTestContext, 1, nameof(SamplesPerTestContext));
        AtLeast(MinTargets, 1, nameof(MinTargets));
        if (MaxTargets < MinTargets || MaxTargets > Variables)
            throw Bad(nameof(MaxTargets), MaxTargets,
                $"must be between {nameof(MinTargets)} ({MinTargets}) and {nameof(Variables)} ({Variables}) because a drug's targets are distinct variables");
        Finite(ShiftMin, nameof(ShiftMin));
        Finite(ShiftMax, nameof(ShiftMax));
        if (ShiftMin < 0)
            throw Bad(nameof(ShiftMin), ShiftMin, "must be at least 0 (it is an absolute value; the sign is drawn separately)");
        if (ShiftMax < ShiftMin)
            throw Bad(nameof(ShiftMax), ShiftMax, $"must be at least {nameof(ShiftMin)} ({ShiftMin})");
        PositiveRange(HillKMin, HillKMax, nameof(HillKMin), nameof(HillKMax));
        PositiveRange(HillExponentMin, HillExponentMax, nameof(HillExponentMin), nameof(HillExponentMax));
        AtLeast(EmbeddingDimension, 1, nameof(EmbeddingDimension));
        Finite(FeatureNoise, nameof(FeatureNoise));
        if (FeatureNoise < 0)
            throw Bad(nameof(FeatureNoise), FeatureNoise, "must be at least 0");
        if (!Enum.IsDefined(Graph))
            throw Bad(nameof(Graph), Graph, $"must be one of {string.Join(", ", Enum.GetNames<GraphKind>())}");
        if (!Enum.IsDefined(Mechanism))
            throw Bad(nameof(Mechanism), Mechanism, $"must be one of {string.Join(", ", Enum.GetNames<MechanismKind>())}");
        if (!Enum.IsDefined(Noise))
            throw Bad(nameof(Noise), Noise, $"must be one of {string.Join(", ", Enum.GetNames<NoiseKind>())}");
        if (!Enum.IsDefined(Descriptor))
            throw Bad(nameof(Descriptor), Descriptor, $"must be one of {string.Join(", ", Enum.GetNames<DescriptorKind>())}");
        Probability(UninformativeDescriptorFraction, nameof(UninformativeDescriptorFraction));
        AtLeast(FingerprintBits, 1, nameof(FingerprintBits));
        if (FingerprintBitsPerTarget < 1 || FingerprintBitsPerTarget > FingerprintBits)
            throw Bad(nameof(FingerprintBitsPerTarget), FingerprintBitsPerTarget,
                $"must be between 1 and {nameof(FingerprintBits)} ({FingerprintBits}) because a key owns distinct bit positions");
        Probability(FingerprintBitProbability, nameof(FingerprintBitProbability));
        Probability(FingerprintBackgroundDensity, nameof(FingerprintBackgroundDensity));
        if (!(MaxSpectralRadius > 0 && MaxSpectralRadius < 1))
            throw Bad(nameof(MaxSpectralRadius), MaxSpectralRadius, "must be in (0, 1) so a cyclic system has a stable equilibrium");
        if (!(StudentTDegreesOfFreedom > 2) || !double.IsFinite(StudentTDegreesOfFreedom))
            throw Bad(nameof(StudentTDegreesOfFreedom), StudentTDegreesOfFreedom, "must be a finite number above 2 so the noise variance exists");
    }

    private static ArgumentException Bad(string option, object? value, string rule) =>
        new($"HillScreenOptions.{option} is {value}; it {rule}.", option);

    private static void AtLeast(int value, int min, string option)
    {
        if (value < min) throw Bad(option, value, $"must be at least {min}");
    }

    private static void Finite(double value, string option)
    {
        if (!double.IsFinite(value)) throw Bad(option, value, "must be a finite number");
    }

    private static void Probability(double value, string option)
    {
        if (!(value >= 0 && value <= 1)) throw Bad(option, value, "must be a number in [0, 1]");
    }

    private static void PositiveRange(double min, double max, string minName, string maxName)
    {
        Finite(min, minName);
        Finite(max, maxName);
        if (min <= 0) throw Bad(minName, min, "must be greater than 0");
        if (max < min) throw Bad(maxName, max, $"must be at least {minName} ({min})");
    }

    private static void Doses(IReadOnlyList<double>? doses, string option)
    {
        if (doses is null) throw new ArgumentException($"HillScreenOptions.{option} is null; give a list of positive doses (it may be empty).", option);
        var seen = new HashSet<double>();
        foreach (double c in doses)
        {
            if (!double.IsFinite(c) || c <= 0)
                throw new ArgumentException($"HillScreenOptions.{option} contains the dose {c}; every dose must be a finite number greater than 0.", option);
            if (!seen.Add(c))
                throw new ArgumentException($"HillScreenOptions.{option} contains the dose {c} twice; doses must be distinct so context names are unique.", option);
        }
    }
}
