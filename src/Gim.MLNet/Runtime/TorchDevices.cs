using Gim.MLNet.Causal;
using static TorchSharp.torch;

namespace Gim.MLNet.Runtime;

/// <summary>Turns the <see cref="GimOptions.Device"/> string into a TorchSharp device, with a clear error when it is unavailable.</summary>
internal static class TorchDevices
{
    public static Device Resolve(string name)
    {
        string trimmed = name.Trim().ToLowerInvariant();
        if (trimmed == "cpu") return CPU;
        if (trimmed.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new InvalidOperationException(
                    $"GimOptions.Device is '{name}', but CUDA is not available: this build references TorchSharp-cpu. " +
                    "Reference a CUDA libtorch package (e.g. TorchSharp-cuda-linux) instead and run on a machine with an NVIDIA driver, or use \"cpu\".");
            return new Device(trimmed);
        }
        throw new ArgumentException($"GimOptions.Device is '{name}'; expected \"cpu\", \"cuda\" or \"cuda:N\".", nameof(name));
    }
}
