using System.Runtime.ExceptionServices;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// Fits a Generative Intervention Model (METHOD.md §5): the causal model and the intervention
/// encoder jointly, by maximising the relaxed expected log-likelihood of every training context
/// minus the target- and graph-sparsity penalties (<see cref="GimObjective"/>), with Adam.
/// </summary>
public sealed class GimTrainer : PerturbationTrainer<GimOptions, GimModel>
{
    /// <summary>Creates a trainer; the options are validated here.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    public GimTrainer(GimOptions? options = null) : base(options)
    {
    }

    /// <summary>Fits a model, stopping early on the likelihood of <paramref name="validation"/> when it is given.</summary>
    /// <param name="train">Training contexts; at least one control, at least 2 cells per context.</param>
    /// <param name="validation">Optional held-out contexts for early stopping (same variables and features).</param>
    public GimModel Fit(PerturbationDataset train, PerturbationDataset? validation) => FitCore(train, validation);

    /// <summary>
    /// Statistics serve the linear model with shift interventions (and known Knockdown targets, whose covariance rows they
    /// keep) on full batches of contexts, without a two-stage warm start.
    /// </summary>
    private protected override string? CannotFitFromStatistics()
    {
        string? why = Options.CausalModel != CausalModelKind.Linear ? $"the {Options.CausalModel} causal model's likelihood reads every cell"
            : Options.Interventions != InterventionKind.Shift ? $"{Options.Interventions} interventions change each context's noise scale, so the likelihood reads each context's own covariance"
            : Options.CellBatchSize > 0 ? "GimOptions.CellBatchSize draws cells"
            : Options.ContextBatchSize > 0 ? "a mini-batch of contexts pools its own contexts' covariances (GimOptions.ContextBatchSize)"
            : Options.WarmStart is not null ? "the warm start fits the two-stage model, which reads each context's covariance"
            : Options.KnownTargets == KnownTargetKind.Hard
                ? "Hard known targets change their contexts' system matrices and hold their targets at a level, so the likelihood reads each context's " +
                  "own covariance (Knockdown targets read only their targets' rows, which statistics keep)"
            : Options.KnownTargets == KnownTargetKind.Knockdown && !Options.ReadsKnockdownRows(0, hasCells: false)
                ? "these known Knockdown settings read each context's own covariance"
            : null;
        return why is null ? null : $"GIM cannot fit from them with these options: {why}. Use the linear causal model with shift interventions " +
            "(or known Knockdown targets), full batches and no warm start, or give the cells.";
    }

    private protected override GimModel Train(PerturbationFit fit)
    {
        PerturbationDataset train = fit.Data;
        // The warm start may itself train (the two-stage fit): done before this run's threads and seed are set.
        LinearGimParameters? start = Options.WarmStart?.Parameters(train, Options);
        if (Options.KnownTargets != KnownTargetKind.None && Options.CalibrationFolds > 0)
            Tell($"note: no novelty calibration with known targets (GimOptions.KnownTargets = {Options.KnownTargets}): its familiarity is distance in " +
                 "feature space, where a gene never perturbed in training is far from every training guide by construction.");
        CalibrationPlan? plan = Options.CalibrationFolds == 0 || Options.KnownTargets != KnownTargetKind.None
            ? null : NoveltyCalibrator.Plan(train, fit.Features, Options, Tell);
        // The refits train together with the full fit where the stacked step supports the setup; otherwise after it.
        bool together = plan is not null && Options.CausalModel == CausalModelKind.Linear && Options.CellBatchSize == 0
                        && Options.ContextBatchSize == 0 && Options.CheckpointPath is null;
        var replicas = new List<Replica> { new(train, fit.Features, Options, Options.MaxSteps, start) };
        if (together)
            foreach (CalibrationFold fold in plan!.Folds)
                replicas.Add(new Replica(fold.Train, Standardizer.FitVectors(fold.Train.Contexts.Select(c => c.Features), train.FeatureCount),
                    plan.FoldOptions, NoveltyCalibrator.FoldSteps(Options, Options.MaxSteps), plan.FoldOptions.WarmStart?.Parameters(fold.Train, plan.FoldOptions)));
        IReadOnlyList<GimModel> models;
        IReadOnlyList<GimModel>? folds = null;
        Device device = TorchDevices.Resolve(Options.Device, "GimOptions.Device");
        if (plan is not null && !together && SecondCoreForRefits(fit, device))
        {
            // Setups the stacked step does not cover (nonlinear model, mini-batches, checkpoints): the refits, each fitted on
            // its own as after the main fit, run one after another on a second thread meanwhile. Each is the same fit on
            // either thread: modules are built under TorchRun.GlobalGenerator, and what draws during training (relaxation
            // noise, power-series probes, a two-stage warm start's stage 1) draws from a generator of its own.
            int steps = NoveltyCalibrator.FoldSteps(Options, Options.MaxSteps);
            (models, folds) = Beside(token => TrainReplicas(fit, replicas, device, token), token => FitFolds(plan, steps, token),
                disposeOnFailure: true);
        }
        else models = TrainReplicas(fit, replicas, device, Options.CancellationToken);
        GimModel model = models[0];
        try
        {
            if (plan is null) return model;
            if (folds is not null) Tell($"with {folds.Count} calibration refits of {folds[0].StepsRun} steps on a second thread");
            // The closed forms (and, for setups the stacked step does not cover, the refits) after this run's block.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            model.Calibration = NoveltyCalibrator.Fit(model, train, Options, plan, together ? models.Skip(1).ToList() : folds, Tell,
                foldsStacked: together);
            model.AddFitTime(clock.Elapsed);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            DisposeAll(models.Skip(1).Concat(folds ?? Array.Empty<GimModel>()).ToList());
        }
    }

    private static void DisposeAll(IReadOnlyList<GimModel> models)
    {
        foreach (GimModel model in models) model.Dispose();
    }

    /// <summary>
    /// One model to train: its training data (a subset of the fit's contexts for a calibration refit), feature
    /// standardisation, options, number of steps (its temperature schedule; it is frozen after them) and start.
    /// </summary>
    private sealed record Replica(PerturbationDataset Data, Standardizer Features, GimOptions Options, int Steps, LinearGimParameters? Start);

    /// <summary>
    /// Trains the full model (replica 0) and any calibration refits with it (<see cref="ReplicaStack"/>), in one run; the
    /// models in the same order.
    /// </summary>
    private IReadOnlyList<GimModel> TrainReplicas(PerturbationFit fit, IReadOnlyList<Replica> replicas, Device device, CancellationToken cancellation)
    {
        PerturbationDataset train = fit.Data;
        using var run = TorchRun.Start(Options.Threads, train.VariableCount);
        const ScalarType dtype = ScalarType.Float32;
        int d = train.VariableCount, p = train.FeatureCount;
        if (Options.GraphRank >= d)
            throw new ArgumentException($"GimOptions.GraphRank is {Options.GraphRank}, but the data have {d} variables: a factored graph has a rank " +
                $"below d (1..{d - 1}); for a dense graph set it to 0.", "GimOptions.GraphRank");
        if (replicas.Count > 1 && !train.HasCells)
            Tell("note: from statistics the calibration refits read the pooled covariance of all training contexts (its per-context parts " +
                 "are not kept), not of their own; under shift interventions every context shares that covariance.");

        var modules = new List<(CausalModel Causal, InterventionEncoder Encoder)>();
        try
        {
            // Building draws the initial weights from libtorch's global generator: one fit (or peer) builds at a time
            // (calibration refits may be fitting on another thread), each from its seed.
            lock (TorchRun.GlobalGenerator)
            {
                random.manual_seed(Options.SeedOrDefault);
                foreach (Replica replica in replicas)
                {
                    // Every replica starts where a fit of its own would: the same seed before its modules are built.
                    if (modules.Count > 0) random.manual_seed(Options.SeedOrDefault);
                    CovariateSlots? covariates = ResolveCovariates(replica.Data, replica.Features);
                    DoseSlot? dose = ResolveDose(replica.Data, modules.Count == 0 ? fit.Validation : null, replica.Features, covariates, out double initialHalfDose);
                    CausalModel causal = CausalModelFactory.Create(Options, d, dtype, device);
                    InterventionEncoder? encoder = null;
                    try
                    {
                        encoder = new InterventionEncoder(p, d, Options.EncoderDepth, Options.EncoderWidth, Options.Interventions,
                            Options.InitialTargetLogit, dtype, device, dose, initialHalfDose, Options.DoseCurveFromFeatures,
                            KnownTargets(replica.Data, fit.Validation, fit.Variables, replica.Features, covariates, dtype, device), covariates);
                    }
                    catch
                    {
                        causal.Dispose();
                        throw;
                    }
                    modules.Add((causal, encoder));
                    if (encoder.Known is not null) ZeroConstantFeatureWeights(encoder, replica.Data);
                    if (replica.Start is not null) LoadStart(replica.Start, causal, encoder, replica.Data, fit.Variables, replica.Features, dtype, device);
                }
            }
            return replicas.Count > 1 && SecondCoreForRefits(fit, device)
                ? TrainBesideRefits(fit, replicas, modules, device, dtype)
                : TrainModules(fit, replicas, modules, device, dtype, cancellation, refitsOnly: false);
        }
        catch
        {
            // The models own the modules once built; until then (a bad setting, a checkpoint of another run) they are ours.
            foreach (var (causal, encoder) in modules)
            {
                encoder.Dispose();
                causal.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// The known-target head of <see cref="GimOptions.KnownTargets"/> (null when off): each variable's indicator feature (the
    /// feature of the same name), checked to be 0/1 in every context and 0 in every control.
    /// </summary>
    private KnownTargetHead? KnownTargets(PerturbationDataset train, PerturbationDataset? validation, Standardizer variables, Standardizer features,
        CovariateSlots? covariates, ScalarType dtype, Device device)
    {
        if (Options.KnownTargets == KnownTargetKind.None) return null;
        int[] map = TargetIndicators.FeatureOfVariable(train.VariableNames, train.FeatureNames);
        if (map.All(q => q < 0))
            throw new ArgumentException($"GimOptions.KnownTargets is {Options.KnownTargets}, but no feature is named like a variable: a known target's indicator is " +
                $"the feature with the variable's name (variables: {string.Join(", ", train.VariableNames.Take(5))}{(train.VariableCount > 5 ? ", ..." : "")}; " +
                $"features: {string.Join(", ", train.FeatureNames.Take(5))}{(train.FeatureCount > 5 ? ", ..." : "")}). In an IDataView the names are the slot names " +
                "of the measurements and features columns; CombinationLabels names its indicators after the labels' perturbations.", "GimOptions.KnownTargets");
        if (covariates is not null && map.FirstOrDefault(q => q >= 0 && covariates.Indices.Contains(q), -1) is int shared and >= 0)
            throw new ArgumentException($"GimOptions.CovariateFeatures names '{train.FeatureNames[shared]}', which is also the name of a variable: with " +
                $"GimOptions.KnownTargets = {Options.KnownTargets} a feature named like a variable is that variable's target indicator, not a covariate. " +
                "Rename the covariate's levels (e.g. cell_line=K562).", "GimOptions.CovariateFeatures");
        foreach (var (data, role) in new[] { (train, "training"), (validation, "validation") })
            foreach (PerturbationContext c in data?.Contexts ?? Enumerable.Empty<PerturbationContext>())
                for (int j = 0; j < map.Length; j++)
                {
                    if (map[j] < 0) continue;
                    float value = c.Features[map[j]];
                    if (value != 0 && value != 1)
                        throw new ArgumentException($"{role} context '{c.Name}' has target indicator '{train.FeatureNames[map[j]]}' = {value}; with GimOptions.KnownTargets " +
                            "a feature named like a variable is that variable's 0/1 target indicator.", "GimOptions.KnownTargets");
                    if (value == 1 && c.IsControl)
                        throw new ArgumentException($"{role} control context '{c.Name}' declares target '{train.VariableNames[j]}' (its indicator feature is 1); " +
                            "a control targets nothing.", "GimOptions.KnownTargets");
                }
        bool[] seen = map.Select(q => q >= 0 && train.Contexts.Any(c => c.Features[q] == 1)).ToArray();
        if (!seen.Any(v => v))
            throw new ArgumentException("GimOptions.KnownTargets: no training context declares a target (every indicator feature named like a variable is 0); " +
                "known targets learn their strength from the training perturbations that declare them.", "GimOptions.KnownTargets");
        return new KnownTargetHead(Options.KnownTargets, map, seen, features.Mean, features.Scale, variables.Mean, variables.Scale, dtype, device);
    }

    /// <summary>
    /// The covariate slots of <see cref="GimOptions.CovariateFeatures"/> (null when none are named) in <paramref name="features"/>'
    /// units; throws naming a feature that is not among the data's.
    /// </summary>
    private CovariateSlots? ResolveCovariates(PerturbationDataset train, Standardizer features)
    {
        if (Options.CovariateFeatures is not { } names) return null;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int q = 0; q < train.FeatureCount; q++) index.TryAdd(train.FeatureNames[q], q);
        int[] slots = names.Select(n => index.TryGetValue(n, out int q) ? q
            : throw new ArgumentException($"GimOptions.CovariateFeatures names '{n}', which is not one of the {FeatureList(train)}. " +
                "ScreenDesign.CovariateFeatureNames(data.FeatureNames) gives a screen's covariate indicators.", "GimOptions.CovariateFeatures")).ToArray();
        return CovariateSlots.At(slots, features.Mean, features.Scale);
    }

    /// <summary>"p features (first, second, ...)": the data's features as the option errors list them.</summary>
    private static string FeatureList(PerturbationDataset train) =>
        $"{train.FeatureCount} features ({string.Join(", ", train.FeatureNames.Take(8))}{(train.FeatureCount > 8 ? ", ..." : "")})";

    /// <summary>
    /// The dose slot of <see cref="GimOptions.DoseFeature"/> (null when none is named) in <paramref name="features"/>' units
    /// and the curve's starting K, the median concentration of the dosed training contexts; throws naming the option,
    /// context or value that does not fit. With <paramref name="covariates"/>, a perturbed context at dose 0 is a covariate
    /// level's vehicle (another cell line's) when it has a covariate; without one it is an error.
    /// </summary>
    private DoseSlot? ResolveDose(PerturbationDataset train, PerturbationDataset? validation, Standardizer features, CovariateSlots? covariates,
        out double initialHalfDose)
    {
        initialHalfDose = 1;
        if (Options.DoseFeature is not { } name) return null;
        int q = train.FeatureNames.ToList().IndexOf(name);
        if (q < 0)
            throw new ArgumentException($"GimOptions.DoseFeature is '{name}', which is not one of the {FeatureList(train)}.", "GimOptions.DoseFeature");
        bool logEncoded = Options.DoseEncoding == DoseEncoding.Log10OnePlus;
        foreach (var (data, role) in new[] { (train, "training"), (validation, "validation") })
            foreach (PerturbationContext c in data?.Contexts ?? Enumerable.Empty<PerturbationContext>())
                if (!(c.Features[q] >= 0) || float.IsInfinity(c.Features[q]))
                    throw new ArgumentException($"{role} context '{c.Name}' has dose feature '{name}' = {c.Features[q]}; GimOptions.DoseFeature expects " +
                        (logEncoded ? "log10(1 + concentration), finite and ≥ 0 (0 for the vehicle), as GimOptions.DoseEncoding = Log10OnePlus says."
                            : "a finite concentration ≥ 0 (0 for the vehicle). Give the dose itself, not its logarithm, or set GimOptions.DoseEncoding."),
                        "GimOptions.DoseFeature");
        bool LevelVehicle(PerturbationContext c) => covariates is not null && covariates.Indices.Any(k => c.Features[k] != 0);
        List<PerturbationContext> undosed = train.Contexts.Where(c => !c.IsControl && c.Features[q] == 0 && !LevelVehicle(c)).ToList();
        if (undosed.Count > 0)
            throw new ArgumentException($"{undosed.Count} perturbed training context(s) have dose feature '{name}' = 0 (first: '{undosed[0].Name}'); with a " +
                "dose path a perturbation at dose 0 does nothing. Mark vehicle contexts as controls (or, for another cell line's vehicle, name its " +
                "indicators in GimOptions.CovariateFeatures), give each perturbation its dose, or leave GimOptions.DoseFeature unset if some perturbations have none.",
                "GimOptions.DoseFeature");
        var slot = new DoseSlot(q, features.Mean[q], features.Scale[q], Options.DoseEncoding);
        double[] doses = train.Contexts.Where(c => !c.IsControl && c.Features[q] > 0).Select(c => slot.Concentration(c.Features[q])).Order().ToArray();
        if (doses.Length == 0)
            throw new ArgumentException($"No perturbed training context has a dose > 0 in feature '{name}': the dose curve has nothing to learn from.", "GimOptions.DoseFeature");
        initialHalfDose = doses[doses.Length / 2];
        return slot;
    }

    /// <summary>
    /// Whether calibration refits may train on a second thread beside the full fit: where a step runs on one libtorch
    /// thread (automatic threads, fewer than 256 variables) and the machine has another core, on the CPU, and no
    /// validation data can stop the full fit early (stacked refits stop with it; refits after it run its share of the
    /// steps it ran).
    /// </summary>
    private bool SecondCoreForRefits(PerturbationFit fit, Device device) =>
        Options.Threads == 0 && TorchRun.Threads(0, fit.Data.VariableCount) == 1 && Environment.ProcessorCount >= 2
        && device.type == DeviceType.CPU && (fit.Validation is null || Options.EarlyStoppingPatience == 0);

    /// <summary>
    /// Trains the full fit (replica 0) on this thread and its calibration refits, stacked, on another: a step costs what
    /// its operations cost to dispatch, so the refits' steps cost nothing on a second core where stacked they add about a
    /// third to a fit (docs/performance.md). Both draw the same relaxation noise as the stacked run (same seed, same
    /// draws). The modules are the caller's to dispose on failure (the models only wrap them).
    /// </summary>
    private IReadOnlyList<GimModel> TrainBesideRefits(PerturbationFit fit, IReadOnlyList<Replica> replicas,
        IReadOnlyList<(CausalModel Causal, InterventionEncoder Encoder)> modules, Device device, ScalarType dtype)
    {
        var (full, refits) = Beside(
            token => TrainModules(fit, replicas.Take(1).ToList(), modules.Take(1).ToList(), device, dtype, token, refitsOnly: false),
            token =>
            {
                // This thread's own libtorch settings: one intra-op thread, the finalizer hold.
                using var run = TorchRun.Start(1, fit.Data.VariableCount);
                return TrainModules(fit, replicas.Skip(1).ToList(), modules.Skip(1).ToList(), device, dtype, token, refitsOnly: true);
            },
            disposeOnFailure: false);
        Tell($"with {refits.Count} calibration refits of {replicas[1].Steps} steps on a second thread");
        return full.Concat(refits).ToList();
    }

    /// <summary>The calibration refits, one after the other, each a fit of its own, on a second thread beside the main fit (<see cref="SecondCoreForRefits"/>).</summary>
    private static IReadOnlyList<GimModel> FitFolds(CalibrationPlan plan, int steps, CancellationToken cancellation)
    {
        GimOptions options = plan.FoldOptions.Clone();
        options.MaxSteps = steps;
        options.CancellationToken = cancellation;
        var models = new List<GimModel>();
        try
        {
            foreach (CalibrationFold fold in plan.Folds) models.Add(new GimTrainer(options).Fit(fold.Train));
            return models;
        }
        catch
        {
            DisposeAll(models);
            throw;
        }
    }

    /// <summary>
    /// Trains <paramref name="first"/> (the full fit first) on this thread and <paramref name="second"/> (refits) on a new
    /// one, each with a token that the other's failure cancels; a failure of either stops the other and is what this
    /// throws (the caller's own cancellation, or a callback's own exception, as thrown). On failure the models that did
    /// come are disposed when <paramref name="disposeOnFailure"/> (otherwise their modules are the caller's to dispose).
    /// Waiting for the second counts as a safe point (<see cref="FinalizerHold.AtSafePoint"/>) and adds to the full fit's
    /// time.
    /// </summary>
    private (IReadOnlyList<GimModel> First, IReadOnlyList<GimModel> Second) Beside(Func<CancellationToken, IReadOnlyList<GimModel>> first,
        Func<CancellationToken, IReadOnlyList<GimModel>> second, bool disposeOnFailure)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Options.CancellationToken);
        IReadOnlyList<GimModel>? secondResult = null;
        ExceptionDispatchInfo? secondFailure = null;
        var worker = new Thread(() =>
        {
            try
            {
                secondResult = second(stop.Token);
            }
            catch (Exception e)
            {
                secondFailure = ExceptionDispatchInfo.Capture(e);
                stop.Cancel();
            }
        }) { IsBackground = true, Name = "GIM calibration refits" };
        worker.Start();
        IReadOnlyList<GimModel> firstResult;
        try
        {
            firstResult = first(stop.Token);
        }
        catch (Exception e)
        {
            stop.Cancel();
            FinalizerHold.AtSafePoint(worker.Join);
            if (disposeOnFailure && secondResult is not null) DisposeAll(secondResult);
            // The caller's cancellation, with the caller's token.
            Options.CancellationToken.ThrowIfCancellationRequested();
            // Stopped because the second failed (this one only saw the cancellation that failure caused): theirs is the
            // error to report. Any other error of this thread (divergence, a callback's own exception) is this one's.
            if (e is OperationCanceledException && secondFailure is { SourceException: not OperationCanceledException })
                secondFailure.Throw();
            throw;
        }
        // This thread may still hold the finalizer (its run's hold): waiting here must not keep the other from breathing.
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        FinalizerHold.AtSafePoint(worker.Join);
        if (secondFailure is not null)
        {
            if (disposeOnFailure) DisposeAll(firstResult);
            Options.CancellationToken.ThrowIfCancellationRequested();
            secondFailure.Throw();
        }
        // The fit lasts until its refits are done.
        firstResult[0].AddFitTime(waiting.Elapsed);
        return (firstResult, secondResult!);
    }

    /// <summary>From this many variables a dense fit's log says that a factored graph (GimOptions.GraphRank) is much faster.</summary>
    private const int DenseGraphHintFrom = 1000;

    /// <summary>
    /// Trains the built modules, the full fit first, or with <paramref name="refitsOnly"/> calibration refits alone (no
    /// validation, progress or checkpoints; the run lasts their steps); the caller disposes them if this throws.
    /// </summary>
    private IReadOnlyList<GimModel> TrainModules(PerturbationFit fit, IReadOnlyList<Replica> replicas,
        IReadOnlyList<(CausalModel Causal, InterventionEncoder Encoder)> modules, Device device, ScalarType dtype,
        CancellationToken cancellation, bool refitsOnly)
    {
        var (train, variables, features) = (fit.Data, fit.Variables, fit.Features);
        PerturbationDataset? validation = refitsOnly ? null : fit.Validation;
        var clock = refitsOnly ? System.Diagnostics.Stopwatch.StartNew() : fit.Clock;
        var (causal, encoder) = modules[0];
        using var generator = new torch.Generator((ulong)Options.SeedOrDefault, device);
        bool cellMode = Options.CellBatchSize > 0 || !causal.HasMomentLikelihood;
        int cellBatch = Options.CellBatchSize > 0 ? Options.CellBatchSize : causal.DefaultCellBatchSize ?? 0;
        if (cellMode && cellBatch == 0)
            throw new ArgumentException($"GimOptions.CellBatchSize must be > 0 for the {Options.CausalModel} causal model: its likelihood has no closed form in terms of a context's moments.");
        // Shift-only interventions on full batches read the covariances only through each replica's weighted pool: K·d² never held.
        bool pooled = !cellMode && causal is LinearCausalModel && Options.Interventions == InterventionKind.Shift && !Options.KnownTargetsChangeInputs
                      && (Options.ContextBatchSize == 0 || Options.ContextBatchSize >= train.Contexts.Count);
        if (!refitsOnly && pooled && Options.GraphRank == 0 && causal.Variables >= DenseGraphHintFrom)
            Tell($"note: a dense graph over {causal.Variables} variables costs O(d³) a step (about 0.5 s at d = 2,000 on 2 cores); " +
                 "GimOptions.GraphRank = 64 (fit --graph-rank 64) trains B = U Vᵀ in O(d² r), several times faster at some cost in accuracy " +
                 "(docs/performance.md, \"Genes by the thousand\").");
        foreach (var (set, role) in new[] { (train, "trains on"), (validation, "validates on") })
            if (!refitsOnly && set is { HasCells: false } && !set.PooledCovariance!.ContextNames.ToHashSet(StringComparer.Ordinal).SetEquals(set.Contexts.Select(c => c.Name)))
                Tell($"note: the statistics' covariance is pooled over {set.PooledCovariance.ContextNames.Count} contexts, not the {set.Contexts.Count} this fit " +
                     $"{role}; " + (Options.KnownTargets == KnownTargetKind.Knockdown
                         ? "with known Knockdown targets each context's covariance differs downstream of its targets, so the pool of other contexts " +
                           "is an approximation: compute the statistics of these contexts alone for the exact likelihood."
                         : "under shift interventions every context shares one within-context covariance, so the pool estimates the same matrix."));
        // Known knockdowns on full batches read the pool and only their targets' rows of each context's covariance: K·r·d, not K·d².
        KnownTargetHead? known = encoder.Known;
        bool knockdownRows = !cellMode && modules.Count == 1 && known is not null && Options.ReadsKnockdownRows(train.VariableCount, train.HasCells)
                             && (Options.ContextBatchSize == 0 || Options.ContextBatchSize >= train.Contexts.Count);
        using var trainTensors = ContextTensors.Create(train, variables, features, Options.Weighting,
            cellMode ? ContextStorage.Cells : pooled ? ContextStorage.Pooled : knockdownRows ? ContextStorage.Rows : ContextStorage.Covariances,
            pooled ? StepData.ReplicaWeights(replicas.Select(r => r.Data).ToList(), train, Options.Weighting) : null, dtype, device,
            knockdownRows ? c => known!.Declared(train.Contexts[c].Features, train.Contexts[c].Name) : null);
        using var validationTensors = validation is null ? null : GimModel.ScoringTensors(validation, causal, Options, variables, features, dtype, device, known: known);
        using var stack = modules.Count == 1 ? null : new ReplicaStack(modules.Select(m => ((LinearCausalModel)m.Causal, m.Encoder)).ToList());
        using var data = StepData.Create(trainTensors, replicas.Select(r => (r.Data, r.Features)).ToList(), modules.Select(m => m.Encoder).ToList(), train, Options.Weighting, dtype, device);

        var objectives = replicas.Select(r => new GimObjective(Options.TargetSparsity, Options.GraphSparsity, Options.ControlTargetWeight,
            Options.InitialTemperature, Options.FinalTemperature, r.Steps, Options.StraightThrough)).ToArray();
        // Every step's temperature, per replica (a refit's schedule ends at its own step count), a block of steps at a time:
        // [block, R, 1, 1], or [block] (whole, a schedule of 10⁸ steps would be gigabytes).
        using var schedule = StepSchedule.Temperatures(objectives, replicas.Select(r => r.Steps).ToArray(), stacked: stack is not null, dtype, device);
        GimObjective objective = objectives[0];
        // Every training context's own intervention for the first part of the steps (a replica with a warm start has none).
        using var free = FreePhase.Create(Options.FreePhase, replicas.Select(r => r.Steps).ToList(), replicas.Select(r => r.Start is not null).ToList(),
            trainTensors.ContextCount, causal.Variables, dtype, device);
        // Frozen tensors (a factored graph's dense weights, a shared dose curve's weight) get no gradient, and Adam skips them.
        using var loop = new AdamLoop((stack?.Parameters ?? causal.parameters().Concat(encoder.parameters())).Concat(free?.Parameters ?? Enumerable.Empty<TorchSharp.Modules.Parameter>()),
            Options.LearningRate, "GIM", Options, hint: ", or raise GimOptions.GraphSparsity");
        var state = new TrainingLoopState();
        string? fingerprint = Options.CheckpointPath is null ? null : TrainingFingerprint.Compute(Options, train, validation, replicas[0].Start);
        if (Options.CheckpointPath is not null && File.Exists(Options.CheckpointPath))
        {
            state = TrainingCheckpoint.Load(Options.CheckpointPath, fingerprint!, causal, encoder, loop.Optimizer, generator, free);
            Tell($"resumed from checkpoint '{Options.CheckpointPath}' at step {state.StepsRun}");
        }
        var model = new GimModel(causal, encoder, variables, features, train.VariableNames, train.FeatureNames, Options,
            state.History, 0, TimeSpan.Zero, device, dtype);
        var frozen = new bool[replicas.Count];
        try
        {
            double temperature = double.NaN;
            double? mainLoss = null;
            loop.Run(state.StepsRun, refitsOnly ? replicas.Max(r => r.Steps) : Options.MaxSteps, cancellation,
                step =>
                {
                    temperature = objective.Temperature(step);
                    causal.train();
                    encoder.train();
                    // Once the refits have run their steps only the full fit is computed (their slices are no longer read).
                    int active = refitsOnly || replicas.Skip(1).Any(r => step < r.Steps) ? replicas.Count : 1;
                    Tensor loss = Loss(objective, causal, stack, active, encoder, data, generator, schedule.At(step), free, free?.WeightsAt(step),
                        cellMode ? cellBatch : 0, out double? main);
                    mainLoss = main;
                    return loss;
                },
                (stepsRun, loss) =>
                {
                    state.StepsRun = stepsRun;
                    // A refit that has run its steps is frozen: its modules keep this state whatever its slices do next.
                    for (int r = refitsOnly ? 0 : 1; r < replicas.Count; r++)
                        if (!frozen[r] && stepsRun >= replicas[r].Steps)
                        {
                            stack!.CopyBack(r);
                            frozen[r] = true;
                        }
                    bool last = stepsRun == Options.MaxSteps;
                    bool evaluate = !refitsOnly && (stepsRun % Options.EvaluateEvery == 0 || last);
                    if (evaluate)
                    {
                        stack?.CopyBack(0);
                        // Targets never declared in training read r̄ of the current strengths, in validation as after the fit.
                        encoder.Known?.SetTypical(trainTensors.Features);
                        // While the full fit's own free phase lasts its heads are not yet what it predicts with: no best state, no
                        // early stop. Stacked calibration refits that have not run their steps (a warm-started full fit's refits
                        // have a free phase of their own) keep training: the full fit keeps or decides its best state as it
                        // would alone, and stops once they are done, so its refits are the ones a fit without stacking trains.
                        bool ownPhaseOver = free is null || stepsRun >= free.Length(0);
                        bool refitsDone = frozen.Skip(1).All(f => f);
                        if (Evaluate(state, model, validationTensors, mainLoss ?? loss, temperature, clock.Elapsed, causal, encoder, ownPhaseOver, refitsDone))
                            return true;
                    }
                    if (Options.CheckpointPath is not null && stepsRun % Options.CheckpointEvery == 0)
                    {
                        state.ElapsedBefore += clock.Elapsed;
                        clock.Restart();
                        TrainingCheckpoint.Save(Options.CheckpointPath, fingerprint!, state, causal, encoder, loop.Optimizer, generator, free);
                    }
                    return false;
                });
            if (stack is not null)
                for (int r = 0; r < replicas.Count; r++)
                    if (!frozen[r]) stack.CopyBack(r);
            if (state.BestState is not null) Restore(causal, encoder, state.BestState);
            // A graph trained through factors is written out dense: the models predict, save and export as dense ones.
            foreach (var (module, _) in modules) (module as LinearCausalModel)?.Materialize();
            // The strength of targets never declared in training: measured on the fitted ones.
            encoder.Known?.SetTypical(trainTensors.Features);
        }
        finally
        {
            DisposeState(state.BestState);
        }

        clock.Stop();
        TimeSpan elapsed = state.ElapsedBefore + clock.Elapsed;
        // A finished run needs no checkpoint; leaving it would make the next Fit with the same path "resume" at the end.
        if (Options.CheckpointPath is not null && File.Exists(Options.CheckpointPath))
            File.Delete(Options.CheckpointPath);
        var models = new List<GimModel>();
        if (!refitsOnly)
        {
            Tell($"trained {state.StepsRun} steps in {elapsed.TotalSeconds:F2} s" +
                 (replicas.Count > 1 ? $", with {replicas.Count - 1} calibration refits of {replicas[1].Steps} steps alongside" : ""));
            models.Add(new(causal, encoder, variables, features, train.VariableNames, train.FeatureNames, Options, state.History, state.StepsRun, elapsed, device, dtype));
        }
        for (int r = refitsOnly ? 0 : 1; r < replicas.Count; r++)
            models.Add(new GimModel(modules[r].Causal, modules[r].Encoder, variables, replicas[r].Features, train.VariableNames, train.FeatureNames,
                replicas[r].Options, Array.Empty<GimTrainingProgress>(), Math.Min(state.StepsRun, replicas[r].Steps), TimeSpan.Zero, device, dtype));
        return models;
    }

    /// <summary>Copies a warm start into the freshly built modules, after checking it fits them and the data.</summary>
    private void LoadStart(LinearGimParameters start, CausalModel causal, InterventionEncoder encoder, PerturbationDataset train,
        Standardizer variables, Standardizer features, ScalarType dtype, Device device)
    {
        if (causal is not LinearCausalModel linear)
            throw new ArgumentException($"A warm start holds a linear causal model; GimOptions.CausalModel is {Options.CausalModel}.", "GimOptions.WarmStart");
        GimParameterIO.Validate(start);
        int width = start.HiddenLayers.Count > 0 ? start.HiddenLayers[0].Weight.GetLength(0) : Options.EncoderWidth;
        if (start.VariableCount != train.VariableCount || start.FeatureCount != train.FeatureCount)
            throw new ArgumentException($"The warm start has {start.VariableCount} variables and {start.FeatureCount} features; the training data have {train.VariableCount} and {train.FeatureCount}.", "GimOptions.WarmStart");
        if (start.Interventions != Options.Interventions || start.HiddenLayers.Count != Options.EncoderDepth || width != Options.EncoderWidth)
            throw new ArgumentException($"The warm start's encoder ({start.Interventions}, depth {start.HiddenLayers.Count}, width {width}) differs from GimOptions " +
                $"({Options.Interventions}, EncoderDepth {Options.EncoderDepth}, EncoderWidth {Options.EncoderWidth}).", "GimOptions.WarmStart");
        // Its numbers are in standardised units: only this data's standardisation gives them their meaning.
        static bool Same(double[] a, double[] b) => a.Length == b.Length && a.Zip(b).All(x => Math.Abs(x.First - x.Second) <= 1e-6 * Math.Max(1, Math.Abs(x.Second)));
        if (!Same(start.VariableMean, variables.Mean) || !Same(start.VariableScale, variables.Scale)
            || !Same(start.FeatureMean, features.Mean) || !Same(start.FeatureScale, features.Scale))
            throw new ArgumentException("The warm start was standardised on other data (its variable or feature means and scales differ from the training data's); fit it on the same training data.", "GimOptions.WarmStart");
        GimParameterIO.Load(start, linear, encoder, dtype, device);
    }

    /// <summary>
    /// Records progress and handles early stopping; true when training should stop. <paramref name="ownPhaseOver"/>: the
    /// full fit's free phase is over (before, no best state and no stop); <paramref name="refitsDone"/>: the stacked
    /// calibration refits have run their steps (before, a full fit that has run out of patience keeps its best state and waits for them).
    /// </summary>
    private bool Evaluate(TrainingLoopState state, GimModel model, ContextTensors? validation, double loss, double temperature,
        TimeSpan sinceStart, CausalModel causal, InterventionEncoder encoder, bool ownPhaseOver, bool refitsDone)
    {
        double? validationLl = validation is null ? null : model.MapLogLikelihood(validation);
        var progress = new GimTrainingProgress(state.StepsRun, Options.MaxSteps, loss, validationLl, temperature, state.ElapsedBefore + sinceStart);
        state.History.Add(progress);
        if (Options.Progress is { } sink) FinalizerHold.Outside(() => sink.Report(progress));
        Tell($"step {state.StepsRun}/{Options.MaxSteps}: loss {loss:F4}" +
            (validationLl is null ? "" : $", validation log-likelihood {validationLl:F4}") + $", temperature {temperature:F3}" + (ownPhaseOver ? "" : " (free phase)"));
        if (validationLl is not double v || Options.EarlyStoppingPatience == 0 || !ownPhaseOver) return false;
        // Once out of patience the full fit's result is decided (its best state), as it would be fitted alone: later
        // evaluations, while stacked refits finish their free phase, change nothing.
        bool decided = state.EvaluationsWithoutImprovement >= Options.EarlyStoppingPatience;
        if (!decided)
        {
            if (v > state.BestValidation + 1e-4)
            {
                state.BestValidation = v;
                state.EvaluationsWithoutImprovement = 0;
                DisposeState(state.BestState);
                state.BestState = Snapshot(causal, encoder);
                return false;
            }
            if (++state.EvaluationsWithoutImprovement < Options.EarlyStoppingPatience) return false;
        }
        if (!refitsDone)
        {
            if (!decided)
                Tell($"no validation improvement in {Options.EarlyStoppingPatience} evaluations at step {state.StepsRun}: the fit keeps its best state " +
                     "and stops when the calibration refits trained with it have run their steps");
            return false;
        }
        Tell($"early stop at step {state.StepsRun}: no validation improvement in {Options.EarlyStoppingPatience} evaluations");
        return true;
    }

    /// <summary>
    /// One step's loss: the relaxed draw, the weighted log-likelihood of the batch (moments, pooled where the interventions
    /// only shift; or sampled cells), the objective, the weight decay; for every replica of <paramref name="stack"/> at once
    /// when there is one (full batch, moments), else for the modules. In the free phase (<paramref name="freeWeight"/> m, null
    /// after it) the heads are blended with <paramref name="free"/>'s interventions.
    /// </summary>
    private Tensor Loss(GimObjective objective, CausalModel causal, ReplicaStack? stack, int active, InterventionEncoder encoder, StepData all,
        torch.Generator generator, Tensor temperature, FreePhase? free, Tensor? freeWeight, int cellBatch, out double? mainLoss)
    {
        ContextTensors tensors = all.Tensors;
        StepData.Inputs data = all.First(active);
        long k = tensors.ContextCount;
        int d = causal.Variables;
        bool fullBatch = Options.ContextBatchSize == 0 || Options.ContextBatchSize >= k;
        Tensor? contexts = fullBatch ? null
            : randperm(k, generator: generator).narrow(0, 0, Options.ContextBatchSize).to(tensors.Features.device);
        long batch = contexts?.shape[0] ?? k;
        // A full batch uses the tensors as they are: gathering all K contexts would only copy them.
        Tensor Select(Tensor t) => contexts is null ? t : t.index_select(0, contexts);
        Tensor weights = fullBatch ? data.Weights : Select(data.Weights) / Select(data.Weights).sum();
        Tensor perturbed = Select(tensors.Perturbed);
        DoseInput? dose = data.Dose is null ? null : new DoseInput(Select(data.Dose.LogDose), Select(data.Dose.Dosed));
        if (stack is not null && active < stack.Count)
        {
            temperature = temperature.narrow(0, 0, active);
            freeWeight = freeWeight?.narrow(0, 0, active);
        }

        var (stackedCausal, stackedEncoder) = stack?.First(active) ?? default;
        EncoderTensors encoderTensors = stackedEncoder ?? encoder.Tensors;
        InterventionParameters heads = InterventionEncoder.Heads(encoderTensors, Select(data.Features), dose, d, encoder.Kind);
        if (freeWeight is not null) heads = free!.Blend(heads, freeWeight, contexts);
        Tensor uniform = rand(new long[] { Options.RelaxationDraws, batch, d }, generator: generator, dtype: heads.Logits.dtype, device: heads.Logits.device);
        // Replicas share the draws (each fit of its own would use the same seed).
        if (stack is not null) uniform = uniform.unsqueeze(1);
        Tensor targets = objective.Targets(heads.Logits, uniform, temperature, perturbed);
        // Known targets read the declared mask and strengths of the step's contexts (the encoder's own; never stacked).
        heads = encoder.WithKnownTargets(heads, Select(data.Features));
        var (gain, shift, logScale) = KnownTargetIntervention.Of(heads, targets, encoder.Known, (causal as LinearCausalModel)?.Bias);

        LinearScmTensors? scm = stackedCausal ?? (causal as LinearCausalModel)?.Tensors;
        // B once for the dense likelihood and its penalty; a factored graph's likelihood never reads B.
        Tensor? graph = scm is not null && scm.CauseFactor is null ? scm.Weights() : null;
        Tensor dataTerm;
        if (cellBatch == 0 && scm is not null && logScale is null && gain is null)
        {
            Tensor pooled = fullBatch ? data.PooledCovariance! : LinearCausalModel.PooledCovariance(weights, Select(tensors.Covariances!));
            dataTerm = LinearCausalModel.WeightedLogLikelihoodFromMoments(scm, Select(tensors.Means), pooled, weights, shift, graph).mean(new long[] { 0 });
        }
        else if (tensors.Rows is not null && scm is not null && gain is not null && logScale is not null)
        {
            // Known knockdowns from the pool and the targets' covariance rows (full batches): O(d³ + K r d²) a step, K·r·d numbers held.
            dataTerm = LinearCausalModel.WeightedLogLikelihoodWithKnockdownRows(scm, tensors.Means, data.PooledCovariance!, weights, shift, logScale, gain,
                tensors.Rows, graph).mean(new long[] { 0 });
        }
        else if (cellBatch == 0 && scm is not null && gain is not null && logScale is not null && Options.ReadsTargetsByLemma(d))
        {
            // Known Knockdown or Hard targets change r rows of each context's system: O(d³ + K r d²) by the lemma, not K·d³.
            dataTerm = LinearCausalModel.WeightedLogLikelihoodWithTargets(scm, Select(tensors.Means), Select(tensors.Covariances!), weights, shift,
                logScale, gain, graph).mean(new long[] { 0 });
        }
        else if (cellBatch == 0)
        {
            dataTerm = GimObjective.DataTerm(scm is null
                ? causal.LogLikelihoodFromMoments(Select(tensors.Means), Select(tensors.Covariances!), shift, logScale)
                : LinearCausalModel.LogLikelihoodFromMoments(scm, Select(tensors.Means), Select(tensors.Covariances!), shift, logScale, gain), weights);
        }
        else
        {
            Tensor cells = SampleCells(tensors, contexts ?? arange(k, device: tensors.Features.device), generator, cellBatch);                  // [batch, m, d]
            dataTerm = GimObjective.DataTerm(causal.LogLikelihood(cells, shift.unsqueeze(-2), logScale?.unsqueeze(-2)).mean(new long[] { -1 }), weights);
        }

        // Per replica ([R] stacked, else a number): the graph penalty and weight decay of each replica's own matrices.
        Tensor loss = objective.Loss(dataTerm, heads.Logits, fullBatch ? all.Controls : ControlTargets.Positions(perturbed), weights,
            scm?.GraphL1(graph) ?? causal.SparsityPenalty());
        if (Options.WeightDecay > 0)
            loss = loss + Options.WeightDecay * encoderTensors.DecayedWeights().Select(t => t.square().sum(new long[] { -2, -1 })).Aggregate((a, b) => a + b);
        // What progress reports is the full model's own loss; training minimises the sum over the replicas.
        mainLoss = stack is null ? null : loss[0].ToDouble();
        return stack is null ? loss : loss.sum();
    }

    /// <summary>
    /// With known targets, the input weights of features constant over the training contexts start (and so stay: their
    /// standardised input is 0 in training, so they get no gradient) at zero. Such a column is typically the indicator of a
    /// gene no training context perturbs; at prediction it is 1, and random initial weights there would add seed-dependent
    /// noise to the off-target heads and to the strengths of the targets it is declared with.
    /// </summary>
    private static void ZeroConstantFeatureWeights(InterventionEncoder encoder, PerturbationDataset train)
    {
        int p = train.FeatureCount;
        var constant = new float[p];
        for (int q = 0; q < p; q++)
            constant[q] = train.Contexts.All(c => c.Features[q] == train.Contexts[0].Features[q]) ? 0f : 1f;
        if (constant.All(v => v == 1)) return;
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        Tensor keep = tensor(constant, dtype: encoder.Skip.weight!.dtype, device: encoder.Skip.weight!.device);
        encoder.Skip.weight!.mul_(keep);
        if (encoder.HiddenLayers.Count > 0) encoder.HiddenLayers[0].weight!.mul_(keep);
        encoder.Known!.Map.weight!.mul_(keep);
    }

    private static Tensor SampleCells(ContextTensors data, Tensor contexts, torch.Generator generator, int m)
    {
        long[] chosen = contexts.cpu().data<long>().ToArray();
        var offsets = new long[chosen.Length];
        var counts = new long[chosen.Length];
        for (int i = 0; i < chosen.Length; i++)
        {
            offsets[i] = data.Offsets[chosen[i]];
            counts[i] = data.Counts[chosen[i]];
        }
        Tensor offset = tensor(offsets).unsqueeze(1);
        Tensor count = tensor(counts).unsqueeze(1).to(ScalarType.Float64);
        // Cells drawn uniformly with replacement within each context.
        Tensor u = rand(new long[] { chosen.Length, m }, generator: generator, dtype: ScalarType.Float64);
        Tensor index = (offset + (u * count).floor().to(ScalarType.Int64).minimum(count.to(ScalarType.Int64) - 1)).reshape(-1);
        Tensor cells = data.Cells!.index_select(0, index.to(data.Cells!.device));
        return cells.reshape(chosen.Length, m, -1);
    }

    private static Dictionary<string, Tensor> Snapshot(CausalModel causal, InterventionEncoder encoder)
    {
        var state = new Dictionary<string, Tensor>();
        using var _ = no_grad();
        foreach (var (name, parameter) in causal.named_parameters())
            state["causal." + name] = parameter.detach().clone().DetachFromDisposeScope();
        foreach (var (name, parameter) in encoder.named_parameters())
            state["encoder." + name] = parameter.detach().clone().DetachFromDisposeScope();
        return state;
    }

    private static void Restore(CausalModel causal, InterventionEncoder encoder, Dictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in causal.named_parameters())
            parameter.copy_(state["causal." + name]);
        foreach (var (name, parameter) in encoder.named_parameters())
            parameter.copy_(state["encoder." + name]);
    }

    private static void DisposeState(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (Tensor t in state.Values) t.Dispose();
        state.Clear();
    }
}

/// <summary>
/// A per-replica value of every step (the relaxation temperature, <see cref="GimObjective.Temperature"/>, a refit's frozen
/// after its own steps; the free phase's weight, <see cref="FreePhase.Weight"/>), computed a block of 4,096 steps at a time
/// into one tensor whose rows the steps read.
/// </summary>
internal sealed class StepSchedule : IDisposable
{
    private const int Block = 4096;
    private readonly Func<int, int, double> _value;
    private readonly int _replicas;
    private readonly bool _stacked;
    private readonly ScalarType _dtype;
    private readonly Device _device;
    private Tensor? _block;
    private int _first = -1;

    /// <param name="value">Replica, step → value.</param>
    /// <param name="replicas">The number of replicas R.</param>
    /// <param name="stacked">Whether the replicas train stacked (values [R, 1, 1]; else one replica, a scalar).</param>
    /// <param name="dtype">The values' type.</param>
    /// <param name="device">Where they live.</param>
    public StepSchedule(Func<int, int, double> value, int replicas, bool stacked, ScalarType dtype, Device device)
    {
        (_value, _replicas, _stacked, _dtype, _device) = (value, replicas, stacked, dtype, device);
    }

    /// <summary>The temperatures of <paramref name="objectives"/> with <paramref name="steps"/> steps each (a replica's frozen after its own).</summary>
    public static StepSchedule Temperatures(GimObjective[] objectives, int[] steps, bool stacked, ScalarType dtype, Device device) =>
        new((i, s) => objectives[i].Temperature(Math.Min(s, steps[i] - 1)), objectives.Length, stacked, dtype, device);

    /// <summary>The values at <paramref name="step"/>: a view, [R, 1, 1] stacked or a scalar.</summary>
    public Tensor At(int step)
    {
        if (_block is null || step < _first || step >= _first + Block)
        {
            _block?.Dispose();
            _first = step - step % Block;
            int r = _replicas;
            var values = new float[Block * r];
            for (int s = 0; s < Block; s++)
                for (int i = 0; i < r; i++)
                    values[s * r + i] = (float)_value(i, _first + s);
            _block = tensor(values, _stacked ? new long[] { Block, r, 1, 1 } : new long[] { Block }, dtype: _dtype, device: _device).DetachFromDisposeScope();
        }
        return _block[step - _first];
    }

    public void Dispose() => _block?.Dispose();
}
