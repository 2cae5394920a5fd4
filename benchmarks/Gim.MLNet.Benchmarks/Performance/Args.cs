using System.Globalization;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>Tiny option reader for the performance commands (`--name value` or `--name v1 v2 ...`).</summary>
internal static class Args
{
    public static int Int(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static double Double(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static string? String(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static int[] Ints(string[] args, string name, int[] fallback)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return fallback;
        var values = new List<int>();
        for (int j = i + 1; j < args.Length && !args[j].StartsWith("--", StringComparison.Ordinal); j++)
            values.Add(int.Parse(args[j], CultureInfo.InvariantCulture));
        return values.Count > 0 ? values.ToArray() : fallback;
    }
}
