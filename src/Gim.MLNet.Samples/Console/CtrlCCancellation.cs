namespace Gim.MLNet.Samples.Console;

/// <summary>
/// Turns the first Ctrl-C into a cancellation the commands observe between training steps, so a run can
/// stop cleanly (say `cancelled`, remove the empty folder it created); a second Ctrl-C ends the process at once.
/// </summary>
internal sealed class CtrlCCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public CtrlCCancellation() => System.Console.CancelKeyPress += OnCancelKeyPress;

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        System.Console.CancelKeyPress -= OnCancelKeyPress;
        _source.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = !_source.IsCancellationRequested;
        _source.Cancel();
    }
}
