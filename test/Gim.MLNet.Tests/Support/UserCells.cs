using System.Globalization;

namespace Gim.MLNet.Tests.Support;

/// <summary>
/// A small drug screen as a user's CSV: an id column, the drug, two features and three measured variables, one
/// of them named with a comma (quoted, as RFC 4180 says).
/// </summary>
internal static class UserCells
{
    public const string CommaVariable = "IL-2, pg/ml";

    public static string Write(string folder, string name = "cells.csv", char separator = ',')
    {
        var rng = new Random(7);
        var lines = new List<string> { string.Join(separator, "cell", "drug", "fp_dose", "fp_size", "g0", $"\"{CommaVariable}\"", "g2") };
        int id = 0;
        foreach (var (drug, dose, size) in new[] { ("DMSO", 0.0, 0.0), ("A", 1.0, 0.5), ("B", 2.0, 1.0), ("C", 3.0, 0.2) })
            for (int i = 0; i < 30; i++)
            {
                double g0 = dose + Normal(rng), g1 = 0.5 * g0 + size + Normal(rng), g2 = Normal(rng);
                lines.Add(string.Join(separator, $"c{id++}", drug, Format(dose), Format(size), Format(g0), Format(g1), Format(g2)));
            }
        string path = Path.Combine(folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static string Format(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
