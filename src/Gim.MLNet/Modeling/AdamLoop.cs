using Gim.MLNet.Peers;
using Gim.MLNet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Modeling;

/// <summary>
/// The optimisation loop the trained peers share: full-batch Adam on a loss built afresh at every step
/// inside its own dispose scope, with cancellation between steps and a clear error on divergence.
/// </summary>
internal static class AdamLoop
{
    /// <summary>
    /// Runs <paramref name="steps"/> steps; <paramref name="loss"/> receives the step index. Pass the trainer's
    /// <paramref name="options"/> so that a divergence names the setting to change (e.g. MeanShiftOptions.LearningRate).
    /// </summary>
    /// <returns>The loss of the last step.</returns>
    public static double Run(IEnumerable<Parameter> parameters, double learningRate, int steps, CancellationToken cancellation,
        Func<int, Tensor> loss, string method, PerturbationOptions? options = null)
    {
        using var optimizer = optim.Adam(parameters, lr: learningRate);
        double value = double.NaN;
        for (int step = 0; step < steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            FinalizerHold.Breathe();
            using var scope = TorchScope.Enter();
            optimizer.zero_grad();
            Tensor objective = loss(step);
            value = objective.ToDouble();
            if (!double.IsFinite(value))
                throw new InvalidOperationException(
                    $"{method} training diverged: the loss became {value} at step {step + 1}. Lower {(options is null ? "the learning rate" : options.GetType().Name + ".LearningRate")} (now {learningRate}) " +
                    "or check the measurements for extreme values or near-constant variables.");
            objective.backward();
            optimizer.step();
        }
        return value;
    }

    /// <summary>Sets the thread count and seeds TorchSharp for a training run of a peer with <paramref name="variables"/> variables.</summary>
    public static IDisposable Prepare(int threads, int variables, int seed)
    {
        var scope = TorchThreads.Use(threads, variables);
        try
        {
            TorchSharp.torch.random.manual_seed(seed);
        }
        catch
        {
            scope.Dispose(); // a hold left open would keep the finalizer thread parked for good
            throw;
        }
        return scope;
    }
}
