namespace Gim.MLNet.Data.Synthetic;

/// <summary>What a synthetic drug really does: its targets, their maximal shifts and its Hill curve.</summary>
/// <param name="Index">The drug's number: 0..TrainDrugs − 1 for training drugs, then the new (fully-OOD) drugs.</param>
/// <param name="Name">The drug's name, e.g. "drug07"; context names add "@dose".</param>
/// <param name="IsNew">True for a drug that appears only in the fully-OOD split.</param>
/// <param name="VariableCount">Number of variables d of the screen.</param>
/// <param name="Targets">The targeted variables, distinct and ascending.</param>
/// <param name="MaxShifts">The maximal shift a_hj of each target, aligned with <see cref="Targets"/>.</param>
/// <param name="HillK">The half-effect dose K_h.</param>
/// <param name="HillN">The Hill exponent n_h.</param>
/// <param name="Descriptor">
/// The noisy descriptor a chemist would know, drawn once per drug; a context's features are this followed
/// by the dose. By default (<see cref="DescriptorKind.Embedding"/>) [Σ_{j∈T} e_j, Σ_{j∈T} a_hj e'_j / 4, K_h, n_h]
/// plus N(0, FeatureNoise²) (2·EmbeddingDimension + 2 numbers); a <see cref="DescriptorKind.Fingerprint"/> is
/// FingerprintBits bits followed by noisy K_h and n_h. See <see cref="HillScreenOptions.DescriptorSignEncoded"/>
/// and <see cref="DescriptorIsInformative"/> for descriptors that do not determine the effect.
/// </param>
public sealed record DrugTruth(int Index, string Name, bool IsNew, int VariableCount, IReadOnlyList<int> Targets,
    IReadOnlyList<double> MaxShifts, double HillK, double HillN, IReadOnlyList<float> Descriptor)
{
    /// <summary>
    /// False when <see cref="Descriptor"/> is a random decoy's (see
    /// <see cref="HillScreenOptions.UninformativeDescriptorFraction"/>), so it says nothing about this drug's
    /// targets, shifts, K or n; true otherwise (the default).
    /// </summary>
    public bool DescriptorIsInformative { get; init; } = true;

    /// <summary>The shift of every variable at dose c (zeros off target), see <see cref="HillCurve.Effect"/>.</summary>
    public double[] ShiftAt(double dose)
    {
        var shift = new double[VariableCount];
        for (int t = 0; t < Targets.Count; t++)
            shift[Targets[t]] = HillCurve.Effect(MaxShifts[t], HillK, HillN, dose);
        return shift;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: targets {{{string.Join(", ", Targets)}}}, K = {HillK:0.###}, n = {HillN:0.###}{(IsNew ? " (new)" : "")}";
}
