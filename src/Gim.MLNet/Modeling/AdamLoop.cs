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
/// <remarks>
/// The trained parameters live in one flat buffer (each parameter a view of its slice, its gradient a view of a flat
/// gradient), so that zeroing the gradients and Adam's update are a handful of operations over all parameters instead of
/// a handful per parameter: on the default Hill screen a step is dominated by what its operations cost to dispatch,
/// and Adam's per-parameter loop was an eighth of it (docs/performance.md). The update is TorchSharp's Adam, operation
/// for operation on the same numbers, so the parameters follow the same path to the last bit; TorchSharp's optimizer
/// object stays as the holder of that state (its moments are views of the flat ones), so checkpoints keep their format.
/// </remarks>
internal sealed class AdamLoop : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private readonly double _learningRate;
    private readonly string _method;
    private readonly string _options;
    private readonly string _hint;
    private readonly Flat? _flat;

    /// <param name="parameters">The parameters to optimise.</param>
    /// <param name="learningRate">Adam's step size.</param>
    /// <param name="method">The method's name for messages ("GIM", "MeanShift"...).</param>
    /// <param name="options">The method's options type, so a divergence names the setting (e.g. MeanShiftOptions.LearningRate).</param>
    /// <param name="hint">More advice on divergence, appended to the message (e.g. ", or raise GimOptions.GraphSparsity").</param>
    public AdamLoop(IEnumerable<Parameter> parameters, double learningRate, string method, PerturbationOptions options, string hint = "")
    {
        Parameter[] all = parameters.ToArray();
        Optimizer = optim.Adam(all, lr: learningRate, beta1: Beta1, beta2: Beta2, eps: Epsilon);
        _learningRate = learningRate;
        _method = method;
        _options = options.GetType().Name;
        _hint = hint;
        Parameter[] trained = all.Where(p => p.requires_grad).ToArray();
        // One buffer needs one dtype and device; anything else keeps TorchSharp's per-parameter loop.
        if (trained.Length > 0 && trained.All(p => p.dtype == trained[0].dtype && p.device_type == trained[0].device_type && p.device_index == trained[0].device_index))
            _flat = new Flat(trained, Optimizer);
    }

    /// <summary>Whether the trained parameters share the flat buffer (one dtype and device); else TorchSharp's per-parameter loop.</summary>
    public bool Flattened => _flat is not null;

    /// <summary>The optimiser (its state goes into checkpoints; with the flat buffer, its moments are views of the flat ones).</summary>
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
        ZeroGradients();
        Tensor objective = loss(step);
        double value = objective.ToDouble();
        if (!double.IsFinite(value))
            throw new InvalidOperationException(
                $"{_method} training diverged: the loss became {value} at step {step + 1}. Lower {_options}.LearningRate (now {_learningRate}), " +
                $"check the measurements for extreme values or near-constant variables{_hint}.");
        objective.backward();
        Update();
        return value;
    }

    /// <summary>Zeroes the gradients (a step's first part; public for the benchmarks' step profile).</summary>
    public void ZeroGradients()
    {
        if (_flat is null) Optimizer.zero_grad();
        else _flat.ZeroGradients();
    }

    /// <summary>Adam's update from the gradients (a step's last part; public for the benchmarks' step profile).</summary>
    public void Update()
    {
        if (_flat is null) Optimizer.step();
        else _flat.Update(_learningRate);
    }

    public void Dispose()
    {
        _flat?.Dispose();
        Optimizer.Dispose();
    }

    /// <summary>
    /// The trained parameters' values, gradients and Adam moments as four flat buffers of the same layout; each parameter,
    /// its gradient and its state in <see cref="Optimizer"/> are views of their slices.
    /// </summary>
    private sealed class Flat : IDisposable
    {
        private readonly Tensor _values, _gradients, _firstMoment, _secondMoment;
        private readonly Adam.State[] _states;

        public Flat(Parameter[] trained, optim.Optimizer optimizer)
        {
            long total = trained.Sum(p => p.numel());
            Tensor Buffer() => zeros(total, dtype: trained[0].dtype, device: trained[0].device).DetachFromDisposeScope();
            (_values, _gradients, _firstMoment, _secondMoment) = (Buffer(), Buffer(), Buffer(), Buffer());
            // The optimizer's states, in its parameters' order, those of the trained ones taken over.
            var stateOf = new Dictionary<IntPtr, Adam.State>();
            List<OptimizerState> states = ((OptimizerHelper)optimizer).state_dict().State;
            int index = 0;
            foreach (Parameter p in optimizer.parameters()) stateOf[p.Handle] = (Adam.State)states[index++];
            _states = new Adam.State[trained.Length];
            long offset = 0;
            using var _ = no_grad();
            for (int i = 0; i < trained.Length; i++)
            {
                Parameter p = trained[i];
                long n = p.numel();
                Tensor Slice(Tensor buffer) => buffer.narrow(0, offset, n).view(p.shape).DetachFromDisposeScope();
                Tensor value = Slice(_values);
                value.copy_(p);
                // The parameter now reads and writes its slice of the buffer (still a leaf; nothing records this).
                p.set_(value);
                value.Dispose();
                p.grad = Slice(_gradients);
                Adam.State state = stateOf[p.Handle];
                state.exp_avg.Dispose();
                state.exp_avg_sq.Dispose();
                state.exp_avg = Slice(_firstMoment);
                state.exp_avg_sq = Slice(_secondMoment);
                _states[i] = state;
                offset += n;
            }
        }

        /// <summary>Zeroes every gradient (autograd then adds into them in place).</summary>
        public void ZeroGradients() => _gradients.zero_();

        /// <summary>
        /// TorchSharp's Adam update (optim.Adam.step, no weight decay or AMSGrad), on all parameters at once; the step count
        /// is kept in each parameter's state, as there. (TorchSharp skips a parameter, and does not count the step, while it
        /// has no gradient at all; here every trained parameter has one, zero until the loss reads it, and a zero gradient
        /// from zero moments moves nothing. GIM's and the peers' losses read every trained parameter from the first step.)
        /// </summary>
        public void Update(double learningRate)
        {
            using var _ = no_grad();
            // One count for all (a loaded checkpoint's may differ where a parameter once had no gradient): the largest.
            long step = _states.Max(x => x.step) + 1;
            foreach (Adam.State state in _states) state.step = step;
            double biasCorrection1 = 1 - Math.Pow(Beta1, step);
            double biasCorrection2 = 1 - Math.Pow(Beta2, step);
            _firstMoment.mul_(Beta1).add_(_gradients, alpha: 1 - Beta1);
            _secondMoment.mul_(Beta2).addcmul_(_gradients, _gradients, value: 1 - Beta2);
            Tensor denominator = (_secondMoment.sqrt() / Math.Sqrt(biasCorrection2)).add_(Epsilon);
            _values.addcdiv_(_firstMoment, denominator, value: -learningRate / biasCorrection1);
        }

        public void Dispose()
        {
            _values.Dispose();
            _gradients.Dispose();
            _firstMoment.Dispose();
            _secondMoment.Dispose();
        }
    }
}
