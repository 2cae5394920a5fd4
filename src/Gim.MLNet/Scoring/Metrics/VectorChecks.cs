namespace Gim.MLNet.Scoring;

/// <summary>Argument validation shared by the vector metrics, so every metric words its errors alike.</summary>
internal static class VectorChecks
{
    public static void NonEmptyFinite(IReadOnlyList<double> values, string paramName)
    {
        ArgumentNullException.ThrowIfNull(values, paramName);
        if (values.Count == 0) throw new ArgumentException($"'{paramName}' is empty.", paramName);
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"'{paramName}'[{i}] is {values[i]}; values must be finite.", paramName);
        }
    }

    public static void SameLength(int aCount, string aName, int bCount, string bName)
    {
        if (aCount != bCount)
            throw new ArgumentException($"'{aName}' has {aCount} entries but '{bName}' has {bCount}; they must match.", bName);
    }
}
