using Gim.MLNet.Data.Synthetic;

namespace Gim.MLNet.Tests.Support;

/// <summary>Counts the panel tests need: out-degrees of a graph, bits of a fingerprint, correlations.</summary>
internal static class HillScreenPanelMath
{
    /// <summary>The largest number of children of any node of B[cause, effect].</summary>
    public static int MaxOutDegree(double[,] b)
    {
        int d = b.GetLength(0), max = 0;
        for (int i = 0; i < d; i++)
        {
            int children = 0;
            for (int j = 0; j < d; j++)
                if (b[i, j] != 0) children++;
            max = Math.Max(max, children);
        }
        return max;
    }

    /// <summary>The first <paramref name="bits"/> entries of a descriptor: a fingerprint's bits.</summary>
    public static float[] Bits(DrugTruth drug, int bits) => drug.Descriptor.Take(bits).ToArray();

    /// <summary>Positions set in both fingerprints.</summary>
    public static int CommonBits(float[] a, float[] b)
    {
        int common = 0;
        for (int i = 0; i < a.Length; i++)
            if (a[i] == 1 && b[i] == 1) common++;
        return common;
    }

    /// <summary>Pearson correlation of two equally long series.</summary>
    public static double Correlation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Cosine of the angle between two vectors.</summary>
    public static double Cosine(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Count; i++)
        {
            ab += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return ab / Math.Sqrt(aa * bb);
    }
}
