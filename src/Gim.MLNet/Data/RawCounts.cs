namespace Gim.MLNet.Data;

/// <summary>
/// Recognises raw count data (UMI or read counts), which the methods here model as continuous values: every measured
/// value a whole number ≥ 0, and not all of them 0 or 1 (binary data are something else).
/// </summary>
internal static class RawCounts
{
    /// <summary>The largest value when every measurement of <paramref name="data"/> is a whole number ≥ 0 and some exceed 1; else null.</summary>
    public static float? Largest(PerturbationDataset data)
    {
        if (!data.HasCells) return null;
        float largest = 0;
        foreach (PerturbationContext context in data.Contexts)
            foreach (float v in context.Samples)
            {
                if (v < 0 || v != MathF.Floor(v)) return null;
                if (v > largest) largest = v;
            }
        return largest > 1 ? largest : null;
    }
}
