namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>The process's peak resident memory (VmHWM), which includes libtorch's native allocations.</summary>
internal static class PeakMemory
{
    public static long Bytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
            foreach (string line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
