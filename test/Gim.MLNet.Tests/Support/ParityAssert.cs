namespace Gim.MLNet.Tests.Support;

/// <summary>
/// "Equal within 1e-4 relative": |a − e| ≤ 1e-4 · max(|e|, 1). The floor of 1 keeps entries near zero
/// (shifts of untargeted variables) from demanding absolute agreement below float32 rounding of the
/// O(1) terms they are computed from.
/// </summary>
internal static class ParityAssert
{
    public const double Tolerance = 1e-4;

    public static double Close(float[,] actual, float[,] expected, string what)
    {
        Assert.That(actual.GetLength(0), Is.EqualTo(expected.GetLength(0)), $"{what}: rows");
        Assert.That(actual.GetLength(1), Is.EqualTo(expected.GetLength(1)), $"{what}: columns");
        double worst = 0;
        for (int i = 0; i < actual.GetLength(0); i++)
            for (int j = 0; j < actual.GetLength(1); j++)
            {
                double error = Math.Abs(actual[i, j] - expected[i, j]) / Math.Max(Math.Abs(expected[i, j]), 1.0);
                worst = Math.Max(worst, error);
                Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"{what}[{i}, {j}]: ONNX {actual[i, j]} vs TorchSharp {expected[i, j]}");
            }
        TestContext.Out.WriteLine($"{what}: worst relative error {worst:E2}");
        return worst;
    }

    public static float[,] Rows(IReadOnlyList<float[]> rows)
    {
        var m = new float[rows.Count, rows[0].Length];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < rows[i].Length; j++)
                m[i, j] = rows[i][j];
        return m;
    }

    public static float[][] Rows(float[,] m) =>
        Enumerable.Range(0, m.GetLength(0)).Select(i => Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray()).ToArray();
}
