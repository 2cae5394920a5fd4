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

    private protected override GimModel Train(PerturbationFit fit)
    {
        PerturbationDataset train = fit.Data;
        // The warm start may itself train (the two-stage fit): done before this run's threads and seed are set.
        LinearGimParameters? start = Options.WarmStart?.Parameters(train, Options);
        GimModel model = TrainOnce(fit, start);
        if (Options.CalibrationFolds == 0) return model;
        try
        {
            // The refits are fits of their own (threads, seed): after this run's block, not inside it.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            model.Calibration = NoveltyCalibrator.Fit(model, train, Options, Tell);
            model.AddFitTime(clock.Elapsed);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private GimModel TrainOnce(PerturbationFit fit, LinearGimParameters? start)
    {
        PerturbationDataset train = fit.Data;
        using var run = TorchRun.Start(Options.Threads, train.VariableCount, Options.SeedOrDefault);
        Device device = TorchDevices.Resolve(Options.Device, "GimOptions.Device");
        const ScalarType dtype = ScalarType.Float32;
        int d = train.VariableCount, p = train.FeatureCount;

        DoseSlot? dose = ResolveDose(fit, out double initialHalfDose);
        CausalModel causal = CausalModelFactory.Create(Options, d, dtype, device);
        InterventionEncoder? encoder = null;
        try
        {
            encoder = new InterventionEncoder(p, d, Options.EncoderDepth, Options.EncoderWidth, Options.Interventions,
                Options.InitialTargetLogit, dtype, device, dose, initialHalfDose, Options.DoseCurveFromFeatures);
            return TrainModules(fit, start, device, dtype, causal, encoder);
        }
        catch
        {
            // The model owns the modules once built; until then (a bad setting, a checkpoint of another run) they are ours.
            encoder?.Dispose();
            causal.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The dose slot of <see cref="GimOptions.DoseFeature"/> (null when none is named) and the curve's starting K, the
    /// median dose of the perturbed training contexts; throws naming the option, context or value that does not fit.
    /// </summary>
    private DoseSlot? ResolveDose(PerturbationFit fit, out double initialHalfDose)
    {
        initialHalfDose = 1;
        if (Options.DoseFeature is not { } name) return null;
        PerturbationDataset train = fit.Data;
        int q = train.FeatureNames.ToList().IndexOf(name);
        if (q < 0)
            throw new ArgumentException($"GimOptions.DoseFeature is '{name}', which is not one of the {train.FeatureCount} features " +
                $"({string.Join(", ", train.FeatureNames.Take(8))}{(train.FeatureCount > 8 ? ", ..." : "")}).", "GimOptions.DoseFeature");
        foreach (var (data, role) in new[] { (train, "training"), (fit.Validation, "validation") })
            foreach (PerturbationContext c in data?.Contexts ?? Enumerable.Empty<PerturbationContext>())
                if (!(c.Features[q] >= 0) || float.IsInfinity(c.Features[q]))
                    throw new ArgumentException($"{role} context '{c.Name}' has dose feature '{name}' = {c.Features[q]}; GimOptions.DoseFeature expects " +
                        "a finite concentration ≥ 0 (0 for the vehicle). Give the dose itself, not its logarithm.", "GimOptions.DoseFeature");
        List<PerturbationContext> undosed = train.Contexts.Where(c => !c.IsControl && c.Features[q] == 0).ToList();
        if (undosed.Count > 0)
            throw new ArgumentException($"{undosed.Count} perturbed training context(s) have dose feature '{name}' = 0 (first: '{undosed[0].Name}'); with a " +
                "dose path a perturbation at dose 0 does nothing. Mark vehicle contexts as controls, give each perturbation its dose, or leave " +
                "GimOptions.DoseFeature unset if some perturbations have none.", "GimOptions.DoseFeature");
        double[] doses = train.Contexts.Where(c => !c.IsControl).Select(c => (double)c.Features[q]).Order().ToArray();
        initialHalfDose = doses[doses.Length / 2];
        return new DoseSlot(q, fit.Features.Mean[q], fit.Features.Scale[q]);
    }

    /// <summary>Trains the built modules; the caller disposes them if this throws.</summary>
    private GimModel TrainModules(PerturbationFit fit, LinearGimParameters? start, Device device, ScalarType dtype, CausalModel causal,
        InterventionEncoder encoder)
    {
        var (train, validation, variables, features, clock) = (fit.Data, fit.Validation, fit.Variables, fit.Features, fit.Clock);
        using var generator = new torch.Generator((ulong)Options.SeedOrDefault, device);
        bool cellMode = Options.CellBatchSize > 0 || !causal.HasMomentLikelihood;
        int cellBatch = Options.CellBatchSize > 0 ? Options.CellBatchSize : causal.DefaultCellBatchSize ?? 0;
        if (cellMode && cellBatch == 0)
            throw new ArgumentException($"GimOptions.CellBatchSize must be > 0 for the {Options.CausalModel} causal model: its likelihood has no closed form in terms of a context's moments.");
        using var trainTensors = ContextTensors.Create(train, variables, features, Options.Weighting, keepCells: cellMode, dtype, device);
        using var validationTensors = validation is null ? null
            : ContextTensors.Create(validation, variables, features, ContextWeighting.Equal, keepCells: !causal.HasMomentLikelihood, dtype, device);

        if (start is not null) LoadStart(start, causal, encoder, train, variables, features, dtype, device);
        var objective = new GimObjective(Options.TargetSparsity, Options.GraphSparsity, Options.ControlTargetWeight,
            Options.InitialTemperature, Options.FinalTemperature, Options.MaxSteps, Options.StraightThrough);
        using var loop = new AdamLoop(causal.parameters().Concat(encoder.parameters()), Options.LearningRate, "GIM", Options,
            hint: ", or raise GimOptions.GraphSparsity");
        var state = new TrainingLoopState();
        string? fingerprint = Options.CheckpointPath is null ? null : TrainingFingerprint.Compute(Options, train, validation, start);
        if (Options.CheckpointPath is not null && File.Exists(Options.CheckpointPath))
        {
            state = TrainingCheckpoint.Load(Options.CheckpointPath, fingerprint!, causal, encoder, loop.Optimizer, generator);
            Tell($"resumed from checkpoint '{Options.CheckpointPath}' at step {state.StepsRun}");
        }
        var model = new GimModel(causal, encoder, variables, features, train.VariableNames, train.FeatureNames, Options,
            state.History, 0, TimeSpan.Zero, device, dtype);
        try
        {
            double temperature = double.NaN;
            loop.Run(state.StepsRun, Options.MaxSteps, Options.CancellationToken,
                step =>
                {
                    temperature = objective.Temperature(step);
                    causal.train();
                    encoder.train();
                    return Loss(objective, causal, encoder, trainTensors, generator, temperature, cellMode ? cellBatch : 0);
                },
                (stepsRun, loss) =>
                {
                    state.StepsRun = stepsRun;
                    bool last = stepsRun == Options.MaxSteps;
                    bool evaluate = stepsRun % Options.EvaluateEvery == 0 || last;
                    if (evaluate && Evaluate(state, model, validationTensors, loss, temperature, clock.Elapsed, causal, encoder))
                        return true;
                    if (Options.CheckpointPath is not null && stepsRun % Options.CheckpointEvery == 0)
                    {
                        state.ElapsedBefore += clock.Elapsed;
                        clock.Restart();
                        TrainingCheckpoint.Save(Options.CheckpointPath, fingerprint!, state, causal, encoder, loop.Optimizer, generator);
                    }
                    return false;
                });
            if (state.BestState is not null) Restore(causal, encoder, state.BestState);
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
        Tell($"trained {state.StepsRun} steps in {elapsed.TotalSeconds:F2} s");
        return new GimModel(causal, encoder, variables, features, train.VariableNames, train.FeatureNames, Options,
            state.History, state.StepsRun, elapsed, device, dtype);
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

    /// <summary>Records progress and handles early stopping; true when training should stop.</summary>
    private bool Evaluate(TrainingLoopState state, GimModel model, ContextTensors? validation, double loss, double temperature,
        TimeSpan sinceStart, CausalModel causal, InterventionEncoder encoder)
    {
        double? validationLl = validation is null ? null : model.MapLogLikelihood(validation);
        var progress = new GimTrainingProgress(state.StepsRun, Options.MaxSteps, loss, validationLl, temperature, state.ElapsedBefore + sinceStart);
        state.History.Add(progress);
        if (Options.Progress is { } sink) FinalizerHold.Outside(() => sink.Report(progress));
        Tell($"step {state.StepsRun}/{Options.MaxSteps}: loss {loss:F4}" +
            (validationLl is null ? "" : $", validation log-likelihood {validationLl:F4}") + $", temperature {temperature:F3}");
        if (validationLl is not double v || Options.EarlyStoppingPatience == 0) return false;
        if (v > state.BestValidation + 1e-4)
        {
            state.BestValidation = v;
            state.EvaluationsWithoutImprovement = 0;
            DisposeState(state.BestState);
            state.BestState = Snapshot(causal, encoder);
            return false;
        }
        if (++state.EvaluationsWithoutImprovement < Options.EarlyStoppingPatience) return false;
        Tell($"early stop at step {state.StepsRun}: no validation improvement in {Options.EarlyStoppingPatience} evaluations");
        return true;
    }

    /// <summary>One step's loss: the relaxed draw, the likelihood of the batch (moments or sampled cells), the objective, the weight decay.</summary>
    private Tensor Loss(GimObjective objective, CausalModel causal, InterventionEncoder encoder, ContextTensors data,
        torch.Generator generator, double temperature, int cellBatch)
    {
        long k = data.ContextCount;
        int d = causal.Variables;
        bool fullBatch = Options.ContextBatchSize == 0 || Options.ContextBatchSize >= k;
        Tensor contexts = fullBatch
            ? arange(k, device: data.Features.device)
            : randperm(k, generator: generator).narrow(0, 0, Options.ContextBatchSize).to(data.Features.device);
        long batch = contexts.shape[0];
        // A full batch uses the tensors as they are: gathering all K contexts would only copy them.
        Tensor Select(Tensor t) => fullBatch ? t : t.index_select(0, contexts);
        Tensor weights = fullBatch ? data.Weights : Select(data.Weights) / Select(data.Weights).sum();
        Tensor perturbed = Select(data.Perturbed);

        InterventionParameters heads = encoder.forward(Select(data.Features));
        Tensor uniform = rand(new long[] { Options.RelaxationDraws, batch, d }, generator: generator, dtype: heads.Logits.dtype, device: heads.Logits.device);
        Tensor targets = objective.Targets(heads.Logits, uniform, temperature, perturbed);
        Tensor shift = targets * heads.Shift;
        Tensor? logScale = heads.LogScale is null ? null : targets * heads.LogScale;

        Tensor logLikelihood; // [M, batch]
        if (cellBatch == 0)
        {
            logLikelihood = causal.LogLikelihoodFromMoments(Select(data.Means), Select(data.Covariances!), shift, logScale);
        }
        else
        {
            Tensor cells = SampleCells(data, contexts, generator, cellBatch);                  // [batch, m, d]
            logLikelihood = causal.LogLikelihood(cells, shift.unsqueeze(-2), logScale?.unsqueeze(-2)).mean(new long[] { -1 });
        }

        Tensor loss = objective.Loss(logLikelihood, heads.Logits, perturbed, weights, causal);
        if (Options.WeightDecay > 0)
            loss = loss + Options.WeightDecay * encoder.parameters().Where(t => t.dim() == 2 && t.requires_grad).Select(t => t.square().sum()).Aggregate((a, b) => a + b);
        return loss;
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
