namespace Gim.MLNet.Data.Synthetic;

/// <summary>What a synthetic drug really does: its targets, their maximal shifts and its Hill curve.</summary>
public sealed class DrugTruth
{
    internal DrugTruth(int index, string name, bool isNew, int variableCount, int[] targets, double[] maxShifts,
        double hillK, double hillN, float[] descriptor)
    {
        Index = index;
        Name = name;
        IsNew = isNew;
        VariableCount = variableCount;
        Targets = targets;
        MaxShifts = maxShifts;
        HillK = hillK;
        HillN = hillN;
        Descriptor = descriptor;
    }

    /// <summary>The drug's number: 0..TrainDrugs − 1 for training drugs, then the new (fully-OOD) drugs.</summary>
    public int Index { get; }

    /// <summary>The drug's name, e.g. "drug07"; context names add "@dose".</summary>
    public string Name { get; }

    /// <summary>True for a drug that appears only in the fully-OOD split.</summary>
    public bool IsNew { get; }

    /// <summary>Number of variables d of the screen.</summary>
    public int VariableCount { get; }

    /// <summary>The targeted variables, distinct and ascending.</summary>
    public IReadOnlyList<int> Targets { get; }

    /// <summary>The maximal shift a_hj of each target, aligned with <see cref="Targets"/>.</summary>
    public IReadOnlyList<double> MaxShifts { get; }

    /// <summary>The half-effect dose K_h.</summary>
    public double HillK { get; }

    /// <summary>The Hill exponent n_h.</summary>
    public double HillN { get; }

    /// <summary>
    /// The noisy descriptor a chemist would know: [Σ_{j∈T} e_j, Σ_{j∈T} a_hj e'_j / 4, K_h, n_h] plus
    /// N(0, FeatureNoise²) drawn once per drug (2·EmbeddingDimension + 2 numbers); a context's
    /// features are this followed by the dose.
    /// </summary>
    public IReadOnlyList<float> Descriptor { get; }

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
