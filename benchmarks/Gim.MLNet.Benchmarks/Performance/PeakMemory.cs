using System.Diagnostics;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>A process's peak resident memory (VmHWM), which includes libtorch's and ONNX Runtime's native allocations.</summary>
internal static class PeakMemory
{
    /// <summary>This process's peak.</summary>
    public static long Bytes() => Bytes("/proc/self/status") ?? Process.GetCurrentProcess().PeakWorkingSet64;

    /// <summary>Another running process's peak (read while it runs); 0 where /proc is not available.</summary>
    public static long Of(Process process) => Bytes($"/proc/{process.Id}/status") ?? 0;

    private static long? Bytes(string status)
    {
        if (File.Exists(status))
            foreach (string line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries)[1]) * 1024; // "VmHWM:\t13655564 kB"
        return null;
    }
}
