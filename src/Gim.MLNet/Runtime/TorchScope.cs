using TorchSharp;
using static TorchSharp.torch;

namespace Gim.MLNet.Runtime;

/// <summary>
/// What every block of TorchSharp work runs in: a dispose scope (the tensors it makes are freed at the end, on this
/// thread) and a <see cref="FinalizerHold"/> (nothing TorchSharp made is freed under a native call meanwhile).
/// </summary>
internal readonly struct TorchScope : IDisposable
{
    private readonly DisposeScope _tensors;
    private readonly FinalizerHold.Hold _hold;

    private TorchScope(FinalizerHold.Hold hold, DisposeScope tensors)
    {
        _hold = hold;
        _tensors = tensors;
    }

    public static TorchScope Enter() => new(FinalizerHold.Enter(), NewDisposeScope());

    public void Dispose()
    {
        _tensors.Dispose();
        _hold.Dispose();
    }
}
