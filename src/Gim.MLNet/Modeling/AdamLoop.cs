using Gim.MLNet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Modeling;

/// <summary>
/// The one optimisation loop of every trained model, GIM and peers: Adam on a loss built afresh at every step
/// inside its own <see cref="TorchScope"/>, cancellation between steps, the finalizer's breathing (see
/// <see cref="FinalizerHold"/>), and a clear error naming the setting to change when the loss stops being finite.
/// </summary>
internal sealed class AdamLoop : IDisposable
{
    private readonly double _learningRate;
    private readonly string _method;
    private readonly string _options;
    private readonly string _hint;

    /// <param name="parameters">The parameters to optimise.</param>
    /// <param name="learningRate">Adam's step size.</param>
    /// <param name="method">The method's name for messages ("GIM", "MeanShift"...).</param>
    /// <param name="options">The method's options type, so a divergence names the setting (e.g. MeanShiftOptions.LearningRate).</param>
    /// <param name="hint">More advice on divergence, appended to the message (e.g. ", or raise GimOptions.GraphSparsity").</param>
    public AdamLoop(IEnumerable<Parameter> parameters, double learningRate, string method, PerturbationOptions options, string hint = "")
    {
        Optimizer = optim.Adam(parameters, lr: learningRate);
        _learningRate = learningRate;
        _method = method;
        _options = options.GetType().Name;
        _hint = hint;
    }

    /// <summary>The optimiser (its state goes into checkpoints).</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>
    /// Runs steps <paramref name="from"/> to <paramref name="steps"/> − 1: each builds <paramref name="loss"/> (given the
    /// step index), backpropagates and updates; <paramref name="afterStep"/> (given the step count so far and the loss)
    /// may stop the loop by returning true.
    /// </summary>
    /// <returns>The loss of the last step run (NaN when none ran).</returns>
    public double Run(int from, int steps, CancellationToken cancellation, Func<int, Tensor> loss, Func<int, double, bool>? afterStep = null)
    {
        double value = double.NaN;
        for (int step = from; step < steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            value = Step(step, loss);
            FinalizerHold.Breathe();
            if (afterStep is not null && afterStep(step + 1, value)) break;
        }
        return value;
    }

    /// <summary>Optimises <paramref name="parameters"/> for <paramref name="steps"/> steps from scratch (the peers' loop).</summary>
    /// <returns>The loss of the last step.</returns>
    public static double Run(IEnumerable<Parameter> parameters, double learningRate, int steps, CancellationToken cancellation,
        Func<int, Tensor> loss, string method, PerturbationOptions options)
    {
        using var loop = new AdamLoop(parameters, learningRate, method, options);
        return loop.Run(0, steps, cancellation, loss);
    }

    private double Step(int step, Func<int, Tensor> loss)
    {
        using var scope = TorchScope.Enter();
        Optimizer.zero_grad();
        Tensor objective = loss(step);
        double value = objective.ToDouble();
        if (!double.IsFinite(value))
            throw new InvalidOperationException(
                $"{_method} training diverged: the loss became {value} at step {step + 1}. Lower {_options}.LearningRate (now {_learningRate}), " +
                $"check the measurements for extreme values or near-constant variables{_hint}.");
        objective.backward();
        Optimizer.step();
        return value;
    }

    public void Dispose() => Optimizer.Dispose();
}
