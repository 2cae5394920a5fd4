namespace Gim.MLNet.Runtime;

/// <summary>Versions of the library and of the native runtime it trains with.</summary>
public static class GimInfo
{
    /// <summary>The Gim.MLNet assembly version.</summary>
    public static string Version => typeof(GimInfo).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The TorchSharp version in use (training runs on TorchSharp/libtorch).</summary>
    public static string TorchSharpVersion => typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";
}
