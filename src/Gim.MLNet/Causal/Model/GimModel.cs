using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;
using Gim.MLNet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// A fitted Generative Intervention Model: predicts the distribution of cells under perturbation
/// features never seen in training, and explains it (targets, shifts, graph). Thread-compatible:
/// use one instance per thread for prediction.
/// </summary>
public sealed class GimModel : PerturbationModel
{
    private readonly CausalModel _causal;
    private readonly InterventionEncoder _encoder;
    private readonly Device _device;
    private readonly ScalarType _dtype;

    internal GimModel(CausalModel causal, InterventionEncoder encoder, Standardizer variables, Standardizer features,
        IReadOnlyList<string> variableNames, IReadOnlyList<string> featureNames, GimOptions options,
        IReadOnlyList<GimTrainingProgress> history, int stepsRun, TimeSpan fitTime, Device device, ScalarType dtype)
        : base(variableNames, featureNames, variables, features, fitTime)
    {
        _causal = causal;
        _encoder = encoder;
        Options = options;
        History = history;
        StepsRun = stepsRun;
        _device = device;
        _dtype = dtype;
        _causal.eval();
        _encoder.eval();
    }

    /// <summary>The options the model was trained with.</summary>
    public GimOptions Options { get; }

    /// <summary>Training curve: one entry per evaluation.</summary>
    public IReadOnlyList<GimTrainingProgress> History { get; }

    /// <summary>Optimisation steps actually run (fewer than MaxSteps after early stopping).</summary>
    public int StepsRun { get; }

    /// <summary>
    /// How far the predictions carry (familiarity, shrinkage of unfamiliar interventions, predictive standard deviations),
    /// fitted by <see cref="GimOptions.CalibrationFolds"/> refits; null when the model was fitted without them. Every
    /// prediction, explanation and export uses it.
    /// </summary>
    public NoveltyCalibration? Calibration { get; internal set; }

    /// <summary>GIM has a notion of targets: <see cref="TargetProbabilities"/> is π(γ).</summary>
    public override bool HasTargets => true;

    internal CausalModel CausalModel => _causal;

    /// <summary>Adds the calibration refits' time to <see cref="PerturbationModel.FitTime"/>.</summary>
    internal void AddFitTime(TimeSpan extra) => FitTime += extra;

    internal InterventionEncoder Encoder => _encoder;

    /// <summary>
    /// The learned graph B in standardised units: B[i, j] is the direct effect of variable i on
    /// variable j (per control standard deviation); zero diagonal.
    /// </summary>
    public override double[,] Graph()
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        float[,] b = TensorArrays.ToMatrix(_causal.Adjacency());
        var result = new double[VariableCount, VariableCount];
        for (int i = 0; i < VariableCount; i++)
            for (int j = 0; j < VariableCount; j++)
                result[i, j] = b[i, j];
        return result;
    }

    /// <summary>Which mechanisms a perturbation with these features hits, how hard, and its effect on the mean.</summary>
    public InterventionExplanation Explain(float[] features) => Explain(new[] { features })[0];

    /// <summary>Explains many feature vectors in one batch (one matrix product for all: values can differ from one-at-a-time calls in the last bit).</summary>
    public IReadOnlyList<InterventionExplanation> Explain(IReadOnlyList<float[]> features)
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        (Tensor input, float[] standardized) = StandardizedInput(features);
        InterventionParameters heads = Encode(input, standardized);
        Tensor probabilities = KnownOrLearnedProbabilities(heads);
        Tensor map = (probabilities > 0.5).to_type(_dtype);
        KnownTargetIntervention applied = Intervene(heads, map);
        Tensor unperturbed = _causal.Mean(zeros_like(heads.Shift), null);
        Tensor effect = Mean(applied) - unperturbed;
        float[,] pi = TensorArrays.ToMatrix(probabilities);
        float[,] shift = TensorArrays.ToMatrix(heads.Shift);
        float[,]? rho = heads.LogScale is null ? null : TensorArrays.ToMatrix(heads.LogScale);
        float[,]? fraction = null;
        if (heads.KnownMask is Tensor declared)
        {
            // A declared target's entries are what its kind applies: the intercept change δ (and, for Knockdown and Hard, h);
            // the line's β, which Of adds to every variable, is the covariates' (CovariateEffect), not the target's.
            Tensor kindShift = heads.Baseline is null ? applied.Shift : applied.Shift - heads.Baseline;
            shift = TensorArrays.ToMatrix(declared * kindShift + (1 - declared) * heads.Shift);
            if (applied.LogScale is Tensor logFraction)
                fraction = TensorArrays.ToMatrix(where(declared > 0.5, logFraction.exp(), full_like(logFraction, float.NaN)));
        }
        float[,] total = TensorArrays.ToMatrix(effect);
        float[,]? covariate = heads.Baseline is null ? null : TensorArrays.ToMatrix(_causal.Mean(heads.Baseline, null) - unperturbed);
        float[,]? dose = DoseCurve(input);
        var result = new List<InterventionExplanation>(features.Count);
        for (int r = 0; r < features.Count; r++)
        {
            var effectRow = new float[VariableCount];
            for (int j = 0; j < VariableCount; j++)
                effectRow[j] = (float)(total[r, j] * VariableStandardizer.Scale[j]);
            double? w = heads.Familiarity?[r];
            result.Add(new InterventionExplanation(TensorArrays.Row(pi, r), TensorArrays.Row(shift, r), rho is null ? null : TensorArrays.Row(rho, r), effectRow, VariableNames,
                w, w is double familiarity ? Calibration!.ShiftSd(familiarity) : null,
                dose is null ? null : new DoseCurvePoint(dose[r, 0], dose[r, 1], dose[r, 2]), fraction is null ? null : TensorArrays.Row(fraction, r))
            {
                CovariateEffect = covariate is null ? null : Enumerable.Range(0, VariableCount).Select(j => (float)(covariate[r, j] * VariableStandardizer.Scale[j])).ToArray(),
            });
        }
        return result;
    }

    /// <summary>π per row: the encoder's target probabilities, and 1 at declared known targets (<see cref="GimOptions.KnownTargets"/>).</summary>
    private static Tensor KnownOrLearnedProbabilities(InterventionParameters heads)
    {
        Tensor probabilities = heads.Logits.sigmoid();
        return heads.KnownMask is null ? probabilities : probabilities.maximum(heads.KnownMask);
    }

    /// <summary>The intervention the causal model reads for targets <paramref name="targets"/> (1 where hit, [rows, d]), as training reads it.</summary>
    private KnownTargetIntervention Intervene(InterventionParameters heads, Tensor targets) =>
        KnownTargetIntervention.Of(heads, targets, _encoder.Known, (_causal as LinearCausalModel)?.Bias);

    /// <summary>E[x] (standardised units) per row under <paramref name="intervention"/>.</summary>
    private Tensor Mean(KnownTargetIntervention intervention) =>
        intervention.Gain is null ? _causal.Mean(intervention.Shift, intervention.LogScale)
            : Solvable(Linear("Known targets").Mean(intervention.Shift, intervention.LogScale, intervention.Gain));

    /// <summary>
    /// <paramref name="x"/>, checked finite: with known Knockdown or Hard targets each perturbation has its own system
    /// A = I − diag(g)Bᵀ, which for a combination never seen in training can be singular under a cyclic graph.
    /// </summary>
    private static Tensor Solvable(Tensor x) => x.isfinite().all().item<bool>() ? x
        : throw new InvalidOperationException("The causal system under this perturbation's declared targets is singular " +
            "(A = I − diag(g)Bᵀ with the learned feedback loops; its solution is not finite): its equilibrium is undefined, so no prediction is made.");

    /// <summary>[H(c), K, n] per row for standardised features, or null without a dose path (no grad, caller's scope).</summary>
    private float[,]? DoseCurve(Tensor input)
    {
        if (_encoder.DoseCurve(input) is not var (fraction, halfEffect, steepness)) return null;
        return TensorArrays.ToMatrix(cat(new[] { fraction, halfEffect, steepness }, 1));
    }

    /// <summary>Draws <paramref name="count"/> cells (original units) under the MAP intervention predicted for these features.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    /// <param name="count">Number of cells (≥ 0).</param>
    /// <param name="seed">Seed of the draws.</param>
    public override float[,] Sample(float[] features, int count, int seed) => Sample(features, count, PredictionMode.Map, seed);

    /// <summary>E[x | γ] in original units under the MAP intervention.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] PredictMean(float[] features) => PredictMean(features, PredictionMode.Map);

    /// <summary>π(γ): which mechanisms a perturbation with these features hits.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] TargetProbabilities(float[] features) => Explain(features).TargetProbabilities;

    /// <summary>Draws <paramref name="count"/> cells (original units) from the predicted distribution.</summary>
    public float[,] Sample(float[] features, int count, PredictionMode mode, int seed = 0)
    {
        CheckCount(count);
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        InterventionParameters heads = Encode(new[] { features });
        var generator = new TorchSharp.torch.Generator((ulong)seed, _device);
        Tensor targets = mode == PredictionMode.Map
            ? (heads.Logits.sigmoid() > 0.5).to_type(_dtype).expand(count, VariableCount)
            : (rand(new long[] { count, VariableCount }, generator: generator, dtype: _dtype, device: _device) < heads.Logits.sigmoid()).to_type(_dtype);
        Tensor z = randn(new long[] { count, VariableCount }, generator: generator, dtype: _dtype, device: _device);
        // The intervention is uncertain too: each cell's targeted shifts drawn from N(α·ψ, sdψ²) (NoveltyCalibration).
        if (SampledShiftSd(heads) is Tensor sd)
            heads = heads with { Shift = heads.Shift + sd * randn(new long[] { count, VariableCount }, generator: generator, dtype: _dtype, device: _device) };
        KnownTargetIntervention intervention = Intervene(heads, targets);
        Tensor x = intervention.Gain is null
            ? _causal.Sample(intervention.Shift, intervention.LogScale, z)
            : Solvable(Linear("Known targets").Sample(intervention.Shift, intervention.LogScale, z, intervention.Gain[0]));
        return VariableStandardizer.Inverse(TensorArrays.ToMatrix(x));
    }

    /// <summary>
    /// The standard deviation of the predicted mean of each variable (original units): how far the true mean of cells
    /// under these features may lie from <see cref="PredictMean(float[])"/>, as measured on held-out perturbations by the
    /// calibration refits (<see cref="NoveltyCalibration"/>); null for a model fitted without calibration.
    /// </summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[]? PredictMeanStandardDeviation(float[] features)
    {
        if (Calibration is not NoveltyCalibration calibration) return null;
        float[] z = CalibrationPoints(CheckedStandardizedRows(new[] { features }));
        float[] sd = calibration.MeanSd(calibration.Familiarity(z));
        for (int j = 0; j < sd.Length; j++) sd[j] = (float)(sd[j] * VariableStandardizer.Scale[j]);
        return sd;
    }

    /// <summary>E[x | γ] in original units (MAP targets, or the mixture mean for <see cref="PredictionMode.Marginal"/>).</summary>
    public float[] PredictMean(float[] features, PredictionMode mode)
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        InterventionParameters heads = Encode(new[] { features });
        Tensor probabilities = heads.Logits.sigmoid();
        Tensor targets = mode == PredictionMode.Map ? (probabilities > 0.5).to_type(_dtype) : probabilities;
        return VariableStandardizer.Inverse(TensorArrays.ToVector(Mean(Intervene(heads, targets))[0]));
    }

    /// <summary>E[x] without any intervention (no target hit), in original units: the baseline every total effect is measured from.</summary>
    internal float[] UnperturbedMean()
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        Tensor none = zeros(1, VariableCount, dtype: _dtype, device: _device);
        return VariableStandardizer.Inverse(TensorArrays.ToVector(_causal.Mean(none, null)[0]));
    }

    /// <summary>
    /// Cov[x | γ] under MAP targets, in original units: the covariance of <see cref="Sample(float[], int, int)"/>'s cells
    /// (with a calibrated model and <see cref="GimOptions.SampleShiftUncertainty"/>, the shifts' uncertainty included).
    /// </summary>
    public double[,] PredictCovariance(float[] features)
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        InterventionParameters heads = Encode(new[] { features });
        Tensor targets = (heads.Logits.sigmoid() > 0.5).to_type(_dtype);
        KnownTargetIntervention intervention = Intervene(heads, targets);
        Tensor? logScale = intervention.LogScale?[0];
        Tensor? shiftVariance = SampledShiftSd(heads) is Tensor sd ? (targets * sd.square())[0] : null;
        Tensor predicted = Linear(nameof(PredictCovariance)).Covariance(logScale, shiftVariance, intervention.Gain?[0]);
        float[,] covariance = TensorArrays.ToMatrix(intervention.Gain is null ? predicted : Solvable(predicted));
        var result = new double[VariableCount, VariableCount];
        for (int i = 0; i < VariableCount; i++)
            for (int j = 0; j < VariableCount; j++)
                result[i, j] = covariance[i, j] * VariableStandardizer.Scale[i] * VariableStandardizer.Scale[j];
        return result;
    }

    /// <summary>
    /// "These control cells under the perturbation" (METHOD §6): abducts each control cell's noise and
    /// replays it under the MAP intervention. Cells and result are in original units. With covariates
    /// (<see cref="GimOptions.CovariateFeatures"/>) the noise is abducted with the reference level's intercepts: pass control
    /// cells of the reference level (the control context's line), whatever level <paramref name="features"/> asks for.
    /// </summary>
    public float[,] Counterfactual(float[] features, float[,] controlCells)
    {
        if (controlCells.GetLength(1) != VariableCount)
            throw new ArgumentException($"Counterfactual: the control cells have {controlCells.GetLength(1)} variables; the model has {VariableCount}.", nameof(controlCells));
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        InterventionParameters heads = Encode(new[] { features });
        Tensor targets = (heads.Logits.sigmoid() > 0.5).to_type(_dtype);
        Tensor x0 = TensorArrays.FromMatrix(VariableStandardizer.Transform(controlCells), _dtype, _device);
        KnownTargetIntervention intervention = Intervene(heads, targets);
        Tensor x = intervention.Gain is null
            ? _causal.Counterfactual(x0, intervention.Shift, intervention.LogScale)
            : Solvable(Linear(nameof(Counterfactual)).Counterfactual(x0, intervention.Shift, intervention.LogScale, intervention.Gain[0]));
        return VariableStandardizer.Inverse(TensorArrays.ToMatrix(x));
    }

    /// <summary>
    /// The log density of each cell (original units) under the MAP intervention predicted for these features: the causal
    /// model's exact likelihood (Gaussian for the linear model; with the Jacobian's exact log-determinant for the
    /// nonlinear one, whatever <see cref="NonlinearCausalOptions.LogDeterminant"/> training used), so it replays exactly.
    /// For a calibrated model that samples the shifts' uncertainty, the density of the cells <see cref="Sample(float[], int, int)"/>
    /// draws: the targeted mechanisms' noise variance grows by sdψ².
    /// </summary>
    /// <param name="features">The perturbation's raw features.</param>
    /// <param name="cells">Cells, rows × variables, original units.</param>
    public override double[] LogDensity(float[] features, float[,] cells)
    {
        CheckCells(cells);
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        InterventionParameters heads = Encode(new[] { features });
        Tensor targets = (heads.Logits.sigmoid() > 0.5).to_type(_dtype);
        Tensor x = TensorArrays.FromMatrix(VariableStandardizer.Transform(cells), _dtype, _device);
        KnownTargetIntervention intervention = Intervene(heads, targets);
        Tensor shift = intervention.Shift[0];
        Tensor? logScaleChange = NoiseLogScaleChange(heads, targets, intervention.LogScale)?[0];
        // Always the exact log-determinant: the power series is random and truncated, fine for a gradient, not for a score.
        Tensor logLikelihood = _causal is NonlinearCausalModel nonlinear
            ? nonlinear.LogLikelihood(x, shift, logScaleChange, exactLogDeterminant: true)
            : Linear(nameof(LogDensity)).LogLikelihood(x, shift, logScaleChange, intervention.Gain?[0]);
        double change = LogScaleSum;
        return logLikelihood.to(ScalarType.Float64).cpu().data<double>().Select(v => v - change).ToArray();
    }

    /// <summary>
    /// Mean log-likelihood per cell (standardised units) of a data set's contexts under MAP interventions, each context
    /// weighing the same. For the linear model and perturbed contexts, each context's term is <see cref="LogDensity"/>'s
    /// per-cell mean plus the log of the variables' scales: for a calibrated model that samples its shifts' uncertainty
    /// (the default) it includes that uncertainty, so the data must hold cells; statistics (one pooled covariance) are
    /// refused with an error that says so.
    /// </summary>
    /// <param name="data">Contexts with the model's variables and features.</param>
    public double MeanLogLikelihood(PerturbationDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var tensors = ScoringTensors(data, _causal, Options, VariableStandardizer, FeatureStandardizer, _dtype, _device,
            perContextNoise: Calibration is { SampleShiftUncertainty: true }, known: _encoder.Known);
        return MapLogLikelihood(tensors);
    }

    /// <summary>
    /// The tensors that scoring a data set under a model reads (contexts equally weighted): the pooled covariance for the
    /// linear model with shift interventions (also the form statistics have), the pool and the declared targets' covariance
    /// rows for known Knockdown targets (from statistics too), else each context's covariance, or the cells for a model
    /// without a moment likelihood. <paramref name="perContextNoise"/>: the model widens each context's
    /// noise by its own amount (a calibration that samples the shifts' uncertainty), which one pooled covariance cannot
    /// express; the linear shift model then reads each context's covariance, or its cells where they take less memory
    /// (N·d numbers against K·d²).
    /// </summary>
    internal static ContextTensors ScoringTensors(PerturbationDataset data, CausalModel causal, GimOptions options, Standardizer variables,
        Standardizer features, ScalarType dtype, Device device, bool perContextNoise = false, KnownTargetHead? known = null)
    {
        // Known knockdowns by the lemma: the pool and the declared targets' covariance rows, as training reads them (from
        // statistics at any size). The rows form is exact when only the declared targets change their noise: not with a
        // calibration's per-context noise.
        if (known is not null && !perContextNoise && options.ReadsKnockdownRows(data.VariableCount, data.HasCells))
            return ContextTensors.Create(data, variables, features, ContextWeighting.Equal, ContextStorage.Rows, null, dtype, device,
                c => known.Declared(data.Contexts[c].Features, data.Contexts[c].Name));
        InterventionKind interventions = options.Interventions;
        bool poolable = causal is LinearCausalModel && interventions == InterventionKind.Shift && !options.KnownTargetsChangeInputs;
        ContextStorage storage = !causal.HasMomentLikelihood ? ContextStorage.Cells
            : poolable && !perContextNoise ? ContextStorage.Pooled
            : poolable && data.HasCells && (long)data.SampleCount < (long)data.Contexts.Count * data.VariableCount ? ContextStorage.Cells
            : ContextStorage.Covariances;
        if (!data.HasCells && storage != ContextStorage.Pooled)
            throw new NotSupportedException(poolable
                ? "The data hold statistics, not cells, and this model's calibration samples the shifts' uncertainty: each context's " +
                  "noise widens by its own amount, which the statistics' one pooled covariance cannot express. Score cells, or fit with " +
                  "GimOptions.SampleShiftUncertainty = false to score statistics."
                : $"The data hold statistics, not cells; scoring them needs the linear causal model with shift interventions or known Knockdown targets " +
                  $"(this model: {causal.GetType().Name.Replace("CausalModel", "")}, {interventions}" +
                  (options.KnownTargetsChangeInputs ? $", {options.KnownTargets} known targets" : "") + ").");
        return ContextTensors.Create(data, variables, features, ContextWeighting.Equal, storage, null, dtype, device);
    }

    private LinearCausalModel Linear(string operation) => _causal as LinearCausalModel
        ?? throw new NotSupportedException($"{operation} needs the linear causal model; this model uses {Options.CausalModel}.");

    internal double MapLogLikelihood(ContextTensors tensors)
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        InterventionParameters heads = _encoder.forward(tensors.Features);
        if (Calibration is not null) heads = Calibrate(heads, TensorArrays.ToVector(tensors.Features), (int)tensors.Features.shape[0]);
        Tensor targets = (heads.Logits.sigmoid() > 0.5).to_type(_dtype) * tensors.Perturbed;
        KnownTargetIntervention intervention = Intervene(heads, targets);
        Tensor shift = intervention.Shift;
        Tensor? gain = intervention.Gain;
        Tensor? logScale = NoiseLogScaleChange(heads, targets, intervention.LogScale);
        // Known knockdowns: the pool and the declared targets' covariance rows (the mean over the contexts, as training reads it).
        if (tensors.Rows is not null && gain is not null && logScale is not null)
        {
            Tensor equal = full(tensors.ContextCount, 1.0 / tensors.ContextCount, dtype: _dtype, device: tensors.Means.device);
            return LinearCausalModel.WeightedLogLikelihoodWithKnockdownRows(Linear("Scoring").Tensors, tensors.Means, tensors.Pooled![0], equal, shift,
                logScale, gain, tensors.Rows).ToDouble();
        }
        if (tensors.Pooled is not null)
            return logScale is null && gain is null
                ? LinearCausalModel.WeightedLogLikelihoodFromMoments(Linear("Scoring").Tensors, tensors.Means, tensors.Pooled[0], tensors.Weights, shift).ToDouble()
                : throw new InvalidOperationException("Scoring read the pooled covariance, but this model changes each context's noise " +
                    "(a calibration that samples the shifts' uncertainty, or scale interventions): ScoringTensors needs perContextNoise.");
        if (tensors.Covariances is not null && gain is not null && logScale is not null && Options.ReadsTargetsByLemma((int)tensors.Means.shape[^1]))
        {
            // Known Knockdown or Hard targets: the mean over the contexts by the lemma (O(d³ + K r d²)), as training reads it.
            Tensor equal = full(tensors.ContextCount, 1.0 / tensors.ContextCount, dtype: _dtype, device: tensors.Means.device);
            return LinearCausalModel.WeightedLogLikelihoodWithTargets(Linear("Scoring").Tensors, tensors.Means, tensors.Covariances, equal, shift,
                logScale, gain).ToDouble();
        }
        if (tensors.Covariances is not null)
            return (gain is null ? _causal.LogLikelihoodFromMoments(tensors.Means, tensors.Covariances, shift, logScale)
                : LinearCausalModel.LogLikelihoodFromMoments(Linear("Scoring").Tensors, tensors.Means, tensors.Covariances, shift, logScale, gain)).mean().ToDouble();
        // Cells kept instead of moments: average each context's per-cell likelihood, then the contexts. A nonlinear model's
        // power-series log-determinant (above 50 variables by default) draws its probes from a generator of this call's,
        // seeded the same every time: the number repeats, whatever ran before and on whichever thread.
        double total = 0;
        using var probes = _causal is NonlinearCausalModel ? new Generator(0) : null;
        for (int k = 0; k < tensors.ContextCount; k++)
        {
            Tensor cells = tensors.Cells!.narrow(0, tensors.Offsets[k], tensors.Counts[k]);
            Tensor perCell = gain is not null ? Linear("Scoring").LogLikelihood(cells, shift[k], logScale?[k], gain[k])
                : _causal is NonlinearCausalModel nonlinear ? nonlinear.LogLikelihood(cells, shift[k], logScale?[k], exactLogDeterminant: false, probes)
                : _causal.LogLikelihood(cells, shift[k], logScale?[k]);
            total += perCell.mean().ToDouble();
        }
        return total / tensors.ContextCount;
    }

    /// <summary>Every parameter as plain arrays (for ONNX export, persistence, inspection).</summary>
    public LinearGimParameters ExportParameters() => GimParameterIO.Export(this);

    /// <summary>Rebuilds a model from exported parameters (for prediction; no training history).</summary>
    public static GimModel FromParameters(LinearGimParameters parameters, GimOptions? options = null) =>
        GimParameterIO.Import(parameters, options ?? new GimOptions());

    /// <summary>Every parameter of a nonlinear model (<see cref="CausalModelKind.Nonlinear"/>) as plain arrays (ONNX export, persistence).</summary>
    public NonlinearGimParameters ExportNonlinearParameters() => NonlinearGimParameterIO.Export(this);

    /// <summary>Rebuilds a nonlinear model from exported parameters (for prediction; no training history).</summary>
    public static GimModel FromParameters(NonlinearGimParameters parameters, GimOptions? options = null) =>
        NonlinearGimParameterIO.Import(parameters, options ?? new GimOptions());

    /// <summary>
    /// Rebuilds a model from the parameters an exported ONNX graph carries (<see cref="GimParameterFormat.MetadataKey"/>),
    /// for explanations after a reload: <see cref="Explain(float[])"/>, <see cref="Graph"/> and the ranked targets give
    /// exactly what the fitted model gave (same float32 numbers, same code). No training history.
    /// </summary>
    /// <param name="onnxModel">A graph exported by this library (0.3.0 or later, EmbedParameters on).</param>
    /// <param name="source">How messages name the graph.</param>
    /// <param name="options">Device and prediction settings; null for the defaults.</param>
    /// <exception cref="InvalidDataException">The graph carries no (or damaged) parameters; the message says which.</exception>
    public static GimModel FromOnnx(byte[] onnxModel, string source = "ONNX model", GimOptions? options = null) =>
        GimParameterFormat.FromOnnx(onnxModel, source) switch
        {
            LinearGimParameters linear => FromParameters(linear, options),
            NonlinearGimParameters nonlinear => FromParameters(nonlinear, options),
            var other => throw new InvalidDataException($"{source}: parameters of an unknown kind {other.GetType().Name}."),
        };

    /// <summary>The target logits a(γ) of feature vectors (τ(γ)·a(γ) for a calibrated model), one row each: what the calibration refits' target temperature is fitted on.</summary>
    internal float[,] TargetLogits(IReadOnlyList<float[]> features)
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        return TensorArrays.ToMatrix(Encode(features).Logits);
    }

    internal InterventionParameters Encode(IReadOnlyList<float[]> features)
    {
        (Tensor input, float[] standardized) = StandardizedInput(features);
        return Encode(input, standardized);
    }

    /// <summary>The heads for standardised rows (as a tensor and flat), calibrated when the model is.</summary>
    private InterventionParameters Encode(Tensor input, float[] standardized)
    {
        InterventionParameters heads = _encoder.forward(input);
        return Calibration is null ? heads : Calibrate(heads, standardized, (int)input.shape[0]);
    }

    /// <summary>The feature vectors checked and standardised, as the encoder's input tensor and as flat rows (caller's scope).</summary>
    private (Tensor Input, float[] Standardized) StandardizedInput(IReadOnlyList<float[]> features)
    {
        float[] flat = CheckedStandardizedRows(features);
        return (tensor(flat, new long[] { features.Count, FeatureCount }).to(_dtype, _device), flat);
    }

    /// <summary>
    /// sdψ(γ) of each row, [rows, d], for a calibrated model whose sampled cells carry the shifts' uncertainty; else null.
    /// The one place Sample, PredictCovariance and the densities get it from.
    /// </summary>
    private Tensor? SampledShiftSd(InterventionParameters heads)
    {
        if (heads.Familiarity is not double[] w || !Calibration!.SampleShiftUncertainty) return null;
        var sd = new float[w.Length * VariableCount];
        for (int r = 0; r < w.Length; r++) Calibration.ShiftSd(w[r]).CopyTo(sd, r * VariableCount);
        return tensor(sd, new long[] { w.Length, VariableCount }).to(_dtype, _device);
    }

    /// <summary>
    /// t⊙ρ, plus — for a calibrated model that samples the shifts' uncertainty — ½·log(1 + t·sdψ²/s'²), so that the
    /// exogenous noise has variance s'² + t·sdψ²: the density of exactly the cells <see cref="Sample(float[], int, PredictionMode, int)"/>
    /// draws (N(α·ψ, sdψ²) shifts plus the noise are one Gaussian). Null when neither applies.
    /// </summary>
    private Tensor? NoiseLogScaleChange(InterventionParameters heads, Tensor targets, Tensor? change)
    {
        if (SampledShiftSd(heads) is not Tensor sd) return change;
        Tensor shiftVariance = targets * sd.square();
        Tensor baseLogScale = _causal switch
        {
            LinearCausalModel linear => linear.LogScale,
            NonlinearCausalModel nonlinear => nonlinear.LogScale,
            _ => throw new NotSupportedException($"{_causal.GetType().Name} has no noise scale."),
        };
        Tensor noiseLogScale = change is null ? baseLogScale : baseLogScale + change;
        Tensor extra = 0.5 * (shiftVariance * (-2 * noiseLogScale).exp()).log1p();
        return change is null ? extra : change + extra;
    }

    /// <summary>The heads with ψ and ρ scaled by α(γ), and the target logits by τ(γ), of each row's standardised features (NoveltyCalibration).</summary>
    private InterventionParameters Calibrate(InterventionParameters heads, float[] standardized, int rows)
    {
        NoveltyCalibration calibration = Calibration!;
        standardized = CalibrationPoints(standardized);
        var familiarity = new double[rows];
        var alpha = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            familiarity[r] = calibration.Familiarity(standardized.AsSpan(r * FeatureCount, FeatureCount));
            alpha[r] = (float)calibration.Shrinkage(familiarity[r]);
        }
        Tensor a = tensor(alpha, new long[] { rows, 1 }).to(_dtype, _device);
        Tensor logits = heads.Logits;
        if (calibration.TargetTemperature < 1)
        {
            float[] tau = familiarity.Select(w => (float)calibration.TargetScale(w)).ToArray();
            logits = logits * tensor(tau, new long[] { rows, 1 }).to(_dtype, _device);
        }
        return heads with { Logits = logits, Shift = heads.Shift * a, LogScale = heads.LogScale is null ? null : heads.LogScale * a, Familiarity = familiarity };
    }

    /// <summary>
    /// Standardised feature rows (flat, p per row) as the calibration measures familiarity on them: as they are, or with
    /// the dose slot set to zero when the model has a dose path (a known perturbation at a new dose is familiar; its
    /// dose curve, not the shrinkage, says what the dose does). A copy when anything changes.
    /// </summary>
    internal float[] CalibrationPoints(float[] standardized)
    {
        if (_encoder.Dose is not { } dose) return standardized;
        var points = (float[])standardized.Clone();
        for (int i = dose.Slot.Index; i < points.Length; i += FeatureCount) points[i] = 0;
        return points;
    }

    /// <summary>The feature vectors checked (length, finite) and standardised, row after row.</summary>
    private float[] CheckedStandardizedRows(IReadOnlyList<float[]> features)
    {
        var flat = new float[features.Count * FeatureCount];
        for (int r = 0; r < features.Count; r++)
        {
            float[] row = features[r] ?? throw new ArgumentNullException(nameof(features), $"Feature vector {r} is null.");
            if (row.Length != FeatureCount)
                throw new ArgumentException($"Feature vector {r} has {row.Length} values; the model was trained on {FeatureCount} features.", nameof(features));
            for (int j = 0; j < FeatureCount; j++)
                if (!float.IsFinite(row[j]))
                    throw new ArgumentException($"Feature vector {r}: feature '{FeatureNames[j]}' is {row[j]}; features must be finite.", nameof(features));
            if (_encoder.Dose is { } dose && row[dose.Slot.Index] < 0)
                throw new ArgumentException($"Feature vector {r}: dose feature '{FeatureNames[dose.Slot.Index]}' is {row[dose.Slot.Index]}; the model's dose " +
                    (dose.Slot.Encoding == DoseEncoding.Log10OnePlus ? "path expects log10(1 + concentration) ≥ 0 (0 for the vehicle), as it was fitted."
                        : "path expects a concentration ≥ 0 (0 for the vehicle), in the unit it was fitted with, not its logarithm."), nameof(features));
            Array.Copy(FeatureStandardizer.Transform(row), 0, flat, r * FeatureCount, FeatureCount);
        }
        return flat;
    }

    /// <summary>
    /// The model as an ONNX graph: the closed-form linear graph or the unrolled nonlinear one. Pass
    /// <see cref="GimOnnxExportOptions"/> for the counterfactual variant or Marginal targets; common options give the
    /// MAP sampling graph.
    /// </summary>
    /// <param name="options">Names, seed, layout and (as <see cref="GimOnnxExportOptions"/>) mode; null for the defaults.</param>
    public override byte[] ExportOnnx(OnnxExportOptions? options = null)
    {
        GimOnnxExportOptions gim = GimOnnxExportOptions.From(options);
        return _causal is NonlinearCausalModel
            ? NonlinearGimOnnxExporter.Export(ExportNonlinearParameters(), gim)
            : LinearGimOnnxExporter.Export(ExportParameters(), gim);
    }

    /// <summary>Releases the native tensors.</summary>
    public override void Dispose()
    {
        _causal.Dispose();
        _encoder.Dispose();
        base.Dispose();
    }
}
