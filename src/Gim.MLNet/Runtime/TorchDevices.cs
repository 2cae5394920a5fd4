using static TorchSharp.torch;

namespace Gim.MLNet.Runtime;

/// <summary>Turns a device string ("cpu", "cuda", "cuda:N") into a TorchSharp device, with a clear error when it is
/// unavailable. The caller names the option the string came from, so the message points at what the user set.</summary>
internal static class TorchDevices
{
    /// <param name="name">The device string.</param>
    /// <param name="option">The option it came from, for messages (e.g. "GimOptions.Device").</param>
    public static Device Resolve(string name, string option)
    {
        string trimmed = name.Trim().ToLowerInvariant();
        if (trimmed == "cpu") return CPU;
        if (trimmed.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new InvalidOperationException(
                    $"{option} is '{name}', but CUDA is not available: this build references TorchSharp-cpu. " +
                    "Reference a CUDA libtorch package (e.g. TorchSharp-cuda-linux) instead and run on a machine with an NVIDIA driver, or use \"cpu\".");
            return new Device(trimmed);
        }
        throw new ArgumentException($"{option} is '{name}'; expected \"cpu\", \"cuda\" or \"cuda:N\".", nameof(name));
    }
}
