using Gim.MLNet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// The nonlinear additive-noise SCM of METHOD.md §2, in standardised units:
/// x = f(x) + b + t⊙ψ + s'⊙ε with f the contractive masked MLPs of <see cref="NonlinearMechanisms"/>.
/// </summary>
/// <remarks>
/// Likelihood by change of variables: with u = x − f(x) − b, log p(x) = log N(u; t⊙ψ, S'²) + log|det(I − J_f(x))|.
/// Sampling and counterfactuals solve the equilibrium by a fixed number of fixed-point iterations
/// (<see cref="NonlinearFixedPoint"/>); the mean is a Monte Carlo average over fixed draws
/// (<see cref="NonlinearMeanNoise"/>).
/// </remarks>
internal sealed class NonlinearCausalModel : CausalModel
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);
    private readonly Parameter _bias;
    private readonly Parameter _logScale;
    private readonly NonlinearMechanisms _mechanisms;
    private readonly NonlinearCausalOptions _options;

    /// <summary>
    /// The power-series log-determinant's probes (<see cref="LogDeterminant"/>): a generator of the model's own, so that a
    /// fit draws the same probes whatever else runs on other threads.
    /// </summary>
    private readonly Generator _probes;

    /// <summary>The power-series probes' generator (its state travels in training checkpoints).</summary>
    internal Generator ProbeGenerator => _probes;

    /// <summary>Creates the model; its initial weights come from libtorch's global generator (seed it first, under <see cref="TorchRun.GlobalGenerator"/>).</summary>
    /// <param name="variables">d.</param>
    /// <param name="options">The settings (copied).</param>
    /// <param name="dtype">Element type of the parameters.</param>
    /// <param name="device">Device of the parameters (CPU when null).</param>
    /// <param name="probeSeed">Seed of the power-series probes' generator (the fit's seed).</param>
    public NonlinearCausalModel(int variables, NonlinearCausalOptions options, ScalarType dtype = ScalarType.Float32, Device? device = null, int probeSeed = 0)
        : base(nameof(NonlinearCausalModel), variables)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        device ??= CPU;
        _options = options.Clone();
        _bias = new Parameter(zeros(variables, dtype: dtype, device: device));
        _logScale = new Parameter(zeros(variables, dtype: dtype, device: device));
        _mechanisms = new NonlinearMechanisms(variables, options.HiddenWidth, options.ContractionFactor, options.LinearTerm, dtype, device);
        _probes = new Generator((ulong)probeSeed, device);
        RegisterComponents();
    }

    /// <summary>The settings (a copy).</summary>
    public NonlinearCausalOptions Options => _options.Clone();

    public NonlinearMechanisms Mechanisms => _mechanisms;

    /// <summary>Intercepts b.</summary>
    public Parameter Bias => _bias;

    /// <summary>Log noise scales log s.</summary>
    public Parameter LogScale => _logScale;

    /// <summary>max|x − f(x) − b − u| of the last equilibrium solved (sampling, counterfactual or mean).</summary>
    public double LastFixedPointResidual { get; private set; }

    /// <inheritdoc />
    public override int? DefaultCellBatchSize => _options.CellBatchSize;

    /// <summary>Σ_{i≠j} C_ji with |·| smoothed (<see cref="NonlinearMechanisms.SparsityPenalty"/>): rescaling an MLP unit cannot lower it.</summary>
    public override Tensor SparsityPenalty() => _mechanisms.SparsityPenalty();

    /// <summary>Edge strengths, cause × effect: at [i, j] the bound r_j C_ji on |∂f_j/∂x_i| (standardised units).</summary>
    public override Tensor Adjacency() => _mechanisms.EdgeBounds().t();

    /// <summary>Log-likelihood of each cell: x [..., n, d] → [..., n].</summary>
    public override Tensor LogLikelihood(Tensor x, Tensor shift, Tensor? logScaleChange) =>
        LogLikelihood(x, shift, logScaleChange, exactLogDeterminant: false);

    /// <summary>
    /// Log-likelihood of each cell, with the exact log-determinant when <paramref name="exactLogDeterminant"/> is set
    /// (evaluation: a reported density must not be a truncated, randomly probed estimate) and otherwise as
    /// <see cref="NonlinearCausalOptions.LogDeterminant"/> chooses (training; a power series draws its probes from
    /// <paramref name="probes"/>, or the model's own generator when null).
    /// </summary>
    public Tensor LogLikelihood(Tensor x, Tensor shift, Tensor? logScaleChange, bool exactLogDeterminant, Generator? probes = null)
    {
        long[] leading = x.shape.Take((int)x.dim() - 1).ToArray();
        Tensor flat = x.reshape(-1, Variables);
        var (f, jacobian) = _mechanisms.ForwardWithJacobian(flat);
        Tensor logDet = (exactLogDeterminant ? LogDeterminantEstimators.Exact(jacobian) : LogDeterminant(jacobian, probes)).reshape(leading);
        Tensor residual = x - f.reshape(x.shape) - _bias - shift;
        Tensor logScale = logScaleChange is null ? _logScale.expand_as(residual) : _logScale + logScaleChange;
        Tensor quadratic = (residual * (-logScale).exp()).square().sum(-1);
        return logDet - logScale.sum(-1) - 0.5 * quadratic - Variables * HalfLogTwoPi;
    }

    /// <summary>
    /// log|det(I − J_f(x))| per cell, exact or by the power series (<see cref="NonlinearCausalOptions.LogDeterminant"/>), whose
    /// probes come from <paramref name="probes"/> (the model's own generator when null).
    /// </summary>
    public Tensor LogDeterminant(Tensor jacobian, Generator? probes = null)
    {
        bool exact = _options.LogDeterminant switch
        {
            LogDeterminantMethod.Exact => true,
            LogDeterminantMethod.PowerSeries => false,
            _ => Variables <= _options.ExactLogDeterminantMaxVariables,
        };
        return exact ? LogDeterminantEstimators.Exact(jacobian) : LogDeterminantEstimators.PowerSeries(jacobian, _options.SeriesTerms, _options.SeriesProbes, probes ?? _probes);
    }

    /// <summary>Samples x = x*(b + t⊙ψ + s'⊙z) for standard-normal <paramref name="z"/> [..., d].</summary>
    public override Tensor Sample(Tensor shift, Tensor? logScaleChange, Tensor z) =>
        Solve(_bias + shift + NoiseScale(logScaleChange) * z);

    /// <summary>
    /// E[x] by Monte Carlo over <see cref="NonlinearCausalOptions.MeanSamples"/> fixed draws (seed
    /// <see cref="NonlinearCausalOptions.MeanSeed"/>), the same draws for every row of <paramref name="shift"/> [..., d].
    /// </summary>
    public override Tensor Mean(Tensor shift, Tensor? logScaleChange)
    {
        Tensor z = TensorArrays.FromMatrix(NonlinearMeanNoise.Draw(_options.MeanSamples, Variables, _options.MeanSeed), _bias.dtype, _bias.device);
        Tensor scale = NoiseScale(logScaleChange);
        Tensor noise = scale.dim() > 1 ? scale.unsqueeze(-2) * z : scale * z;     // [..., M, d]
        Tensor x = Solve((_bias + shift).unsqueeze(-2) + noise);
        return x.mean(new long[] { -2 });
    }

    /// <summary>Abducts u₀ = x₀ − f(x₀) − b, then solves x = f(x) + b + t⊙ψ + exp(t⊙ρ)⊙u₀ (METHOD §6).</summary>
    public override Tensor Counterfactual(Tensor controlCells, Tensor shift, Tensor? logScaleChange)
    {
        Tensor noise = controlCells - _mechanisms.Forward(controlCells) - _bias;
        if (logScaleChange is not null) noise = noise * logScaleChange.exp();
        return Solve(_bias + shift + noise);
    }

    /// <summary>The equilibrium x = f(x) + c for every row of <paramref name="c"/> [..., d].</summary>
    public Tensor Solve(Tensor c)
    {
        // Hundreds of small ops in a row: with libtorch's default threads each op waits on the others
        // whenever a core is busy (see TorchRun), so prediction solves on one thread like training.
        using var run = TorchRun.Start(0, Variables);
        Tensor x = NonlinearFixedPoint.Solve(_mechanisms, c, _options.FixedPointIterations, _options.ConvergenceTolerance, out double residual);
        LastFixedPointResidual = residual;
        return x;
    }

    private Tensor NoiseScale(Tensor? logScaleChange) =>
        logScaleChange is null ? _logScale.exp() : (_logScale + logScaleChange).exp();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _probes.Dispose();
        base.Dispose(disposing);
    }
}
