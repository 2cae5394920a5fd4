using System.Diagnostics;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Gim.MLNet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// Fits a Generative Intervention Model (METHOD.md §5): the causal model and the intervention
/// encoder jointly, by maximising the relaxed expected log-likelihood of every training context
/// minus the target- and graph-sparsity penalties, with Adam.
/// </summary>
public sealed class GimTrainer
{
    private readonly GimOptions _options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    public GimTrainer(GimOptions? options = null)
    {
        _options = (options ?? new GimOptions()).Clone();
        _options.Validate();
    }

    /// <summary>Receives one line per evaluation and the summary (ML.NET's channel, a console...).</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Fits a model.</summary>
    /// <param name="train">Training contexts; at least one control, at least 2 cells per context.</param>
    /// <param name="validation">Optional held-out contexts for early stopping (same variables and features).</param>
    /// <param name="start">
    /// Parameters to start from instead of B = 0, b = 0, log s = 0 and the encoder's random initialisation (a warm
    /// start, e.g. the two-stage solution: <c>Peers.GimWarmStart</c>). They must be in the standardised units of
    /// <paramref name="train"/> and match the options: the linear causal model, the encoder's depth, width and heads.
    /// A checkpoint resumes only a run with the same start. Early stopping compares trained states only, never the
    /// start itself.
    /// </param>
    public GimModel Fit(PerturbationDataset train, PerturbationDataset? validation = null, LinearGimParameters? start = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        train.Validate(requireControl: true, minSamplesPerContext: 2);
        if (validation is not null)
        {
            validation.Validate(requireControl: false, minSamplesPerContext: 2);
            if (validation.VariableCount != train.VariableCount || validation.FeatureCount != train.FeatureCount)
                throw new ArgumentException($"The validation data have {validation.VariableCount} variables and {validation.FeatureCount} features; the training data have {train.VariableCount} and {train.FeatureCount}.", nameof(validation));
        }

        using var threads = TorchThreads.Use(_options.Threads, train.VariableCount);
        var clock = Stopwatch.StartNew();
        Device device = TorchDevices.Resolve(_options.Device);
        const ScalarType dtype = ScalarType.Float32;
        int d = train.VariableCount, p = train.FeatureCount;

        Standardizer variables = Standardizer.FitRows(train.Controls.Select(c => c.Samples), d);
        Standardizer features = Standardizer.FitVectors(train.Contexts.Select(c => c.Features), p);

        torch.random.manual_seed(_options.Seed);
        CausalModel causal = CausalModelFactory.Create(_options, d, dtype, device);
        var encoder = new InterventionEncoder(p, d, _options.EncoderDepth, _options.EncoderWidth, _options.Interventions,
            _options.InitialTargetLogit, dtype, device);
        var generator = new torch.Generator((ulong)_options.Seed, device);

        bool cellMode = _options.CellBatchSize > 0 || !causal.HasMomentLikelihood;
        int cellBatch = _options.CellBatchSize > 0 ? _options.CellBatchSize : causal.DefaultCellBatchSize ?? 0;
        if (cellMode && cellBatch == 0)
            throw new ArgumentException($"GimOptions.CellBatchSize must be > 0 for the {_options.CausalModel} causal model: its likelihood has no closed form in terms of a context's moments.");
        using var trainTensors = ContextTensors.Create(train, variables, features, _options.Weighting, keepCells: cellMode, dtype, device);
        using var validationTensors = validation is null ? null
            : ContextTensors.Create(validation, variables, features, ContextWeighting.Equal, keepCells: !causal.HasMomentLikelihood, dtype, device);

        if (start is not null) LoadStart(start, causal, encoder, train, variables, features, dtype, device);
        var parameters = causal.parameters().Concat(encoder.parameters()).ToList();
        using var optimizer = optim.Adam(parameters, lr: _options.LearningRate);
        var state = new TrainingLoopState();
        string? fingerprint = _options.CheckpointPath is null ? null : TrainingFingerprint.Compute(_options, train, validation, start);
        if (_options.CheckpointPath is not null && File.Exists(_options.CheckpointPath))
        {
            state = TrainingCheckpoint.Load(_options.CheckpointPath, fingerprint!, causal, encoder, optimizer, generator);
            Tell($"resumed from checkpoint '{_options.CheckpointPath}' at step {state.StepsRun}");
        }
        var model = new GimModel(causal, encoder, variables, features, train.VariableNames, train.FeatureNames, _options,
            state.History, 0, TimeSpan.Zero, device, dtype);
        try
        {
            for (int step = state.StepsRun; step < _options.MaxSteps; step++)
            {
                _options.CancellationToken.ThrowIfCancellationRequested();
                double temperature = Temperature(step);
                causal.train();
                encoder.train();
                double loss = Step(causal, encoder, optimizer, trainTensors, generator, temperature, cellMode ? cellBatch : 0, step);
                FinalizerHold.Breathe();
                state.StepsRun = step + 1;
                bool last = state.StepsRun == _options.MaxSteps;
                bool evaluate = state.StepsRun % _options.EvaluateEvery == 0 || last;
                if (evaluate && Evaluate(state, model, validationTensors, loss, temperature, clock.Elapsed, causal, encoder))
                    break;
                if (_options.CheckpointPath is not null && (state.StepsRun % _options.CheckpointEvery == 0))
                {
                    state.ElapsedBefore += clock.Elapsed;
                    clock.Restart();
                    TrainingCheckpoint.Save(_options.CheckpointPath, fingerprint!, state, causal, encoder, optimizer, generator);
                }
            }
            if (state.BestState is not null) Restore(causal, encoder, state.BestState);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            DisposeState(state.BestState);
        }

        clock.Stop();
        TimeSpan elapsed = state.ElapsedBefore + clock.Elapsed;
        // A finished run needs no checkpoint; leaving it would make the next Fit with the same path "resume" at the end.
        if (_options.CheckpointPath is not null && File.Exists(_options.CheckpointPath))
            File.Delete(_options.CheckpointPath);
        Tell($"trained {state.StepsRun} steps in {elapsed.TotalSeconds:F2} s");
        return new GimModel(causal, encoder, variables, features, train.VariableNames, train.FeatureNames, _options,
            state.History, state.StepsRun, elapsed, device, dtype);
    }

    /// <summary>Passes a line to <see cref="Log"/>, with the finalizer thread free: user code may wait for finalizers.</summary>
    private void Tell(string message)
    {
        if (Log is { } log) FinalizerHold.Outside(() => log(message));
    }

    /// <summary>Copies a warm start into the freshly built modules, after checking it fits them and the data.</summary>
    private void LoadStart(LinearGimParameters start, CausalModel causal, InterventionEncoder encoder, PerturbationDataset train,
        Standardizer variables, Standardizer features, ScalarType dtype, Device device)
    {
        if (causal is not LinearCausalModel linear)
            throw new ArgumentException($"A warm start holds a linear causal model; GimOptions.CausalModel is {_options.CausalModel}.", nameof(start));
        GimParameterIO.Validate(start);
        int width = start.HiddenLayers.Count > 0 ? start.HiddenLayers[0].Weight.GetLength(0) : _options.EncoderWidth;
        if (start.VariableCount != train.VariableCount || start.FeatureCount != train.FeatureCount)
            throw new ArgumentException($"The warm start has {start.VariableCount} variables and {start.FeatureCount} features; the training data have {train.VariableCount} and {train.FeatureCount}.", nameof(start));
        if (start.Interventions != _options.Interventions || start.HiddenLayers.Count != _options.EncoderDepth || width != _options.EncoderWidth)
            throw new ArgumentException($"The warm start's encoder ({start.Interventions}, depth {start.HiddenLayers.Count}, width {width}) differs from GimOptions " +
                $"({_options.Interventions}, EncoderDepth {_options.EncoderDepth}, EncoderWidth {_options.EncoderWidth}).", nameof(start));
        // Its numbers are in standardised units: only this data's standardisation gives them their meaning.
        static bool Same(double[] a, double[] b) => a.Length == b.Length && a.Zip(b).All(x => Math.Abs(x.First - x.Second) <= 1e-6 * Math.Max(1, Math.Abs(x.Second)));
        if (!Same(start.VariableMean, variables.Mean) || !Same(start.VariableScale, variables.Scale)
            || !Same(start.FeatureMean, features.Mean) || !Same(start.FeatureScale, features.Scale))
            throw new ArgumentException("The warm start was standardised on other data (its variable or feature means and scales differ from the training data's); fit it on the same training data.", nameof(start));
        GimParameterIO.Load(start, linear, encoder, dtype, device);
    }

    /// <summary>Records progress and handles early stopping; true when training should stop.</summary>
    private bool Evaluate(TrainingLoopState state, GimModel model, ContextTensors? validation, double loss, double temperature,
        TimeSpan sinceStart, CausalModel causal, InterventionEncoder encoder)
    {
        double? validationLl = validation is null ? null : model.MapLogLikelihood(validation);
        var progress = new GimTrainingProgress(state.StepsRun, _options.MaxSteps, loss, validationLl, temperature, state.ElapsedBefore + sinceStart);
        state.History.Add(progress);
        if (_options.Progress is { } sink) FinalizerHold.Outside(() => sink.Report(progress));
        Tell($"step {state.StepsRun}/{_options.MaxSteps}: loss {loss:F4}" +
            (validationLl is null ? "" : $", validation log-likelihood {validationLl:F4}") + $", temperature {temperature:F3}");
        if (validationLl is not double v || _options.EarlyStoppingPatience == 0) return false;
        if (v > state.BestValidation + 1e-4)
        {
            state.BestValidation = v;
            state.EvaluationsWithoutImprovement = 0;
            DisposeState(state.BestState);
            state.BestState = Snapshot(causal, encoder);
            return false;
        }
        if (++state.EvaluationsWithoutImprovement < _options.EarlyStoppingPatience) return false;
        Tell($"early stop at step {state.StepsRun}: no validation improvement in {_options.EarlyStoppingPatience} evaluations");
        return true;
    }

    private double Step(CausalModel causal, InterventionEncoder encoder, optim.Optimizer optimizer, ContextTensors data,
        torch.Generator generator, double temperature, int cellBatch, int step)
    {
        using var scope = TorchScope.Enter();
        optimizer.zero_grad();
        long k = data.ContextCount;
        int d = causal.Variables;
        bool fullBatch = _options.ContextBatchSize == 0 || _options.ContextBatchSize >= k;
        Tensor contexts = fullBatch
            ? arange(k, device: data.Features.device)
            : randperm(k, generator: generator).narrow(0, 0, _options.ContextBatchSize).to(data.Features.device);
        long batch = contexts.shape[0];
        // A full batch uses the tensors as they are: gathering all K contexts would only copy them.
        Tensor Select(Tensor t) => fullBatch ? t : t.index_select(0, contexts);
        Tensor weights = fullBatch ? data.Weights : Select(data.Weights) / Select(data.Weights).sum();
        Tensor perturbed = Select(data.Perturbed);

        InterventionParameters heads = encoder.forward(Select(data.Features));
        Tensor uniform = rand(new long[] { _options.RelaxationDraws, batch, d }, generator: generator, dtype: heads.Logits.dtype, device: heads.Logits.device);
        Tensor targets = BinaryConcrete.Sample(heads.Logits, uniform, temperature, _options.StraightThrough) * perturbed;
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

        Tensor dataTerm = (logLikelihood.mean(new long[] { 0 }) * weights).sum();
        Tensor targetPenalty = (heads.Logits.sigmoid().mean(new long[] { -1 }) * weights).sum();
        Tensor loss = -dataTerm + _options.TargetSparsity * targetPenalty + _options.GraphSparsity * causal.SparsityPenalty();
        if (_options.ControlTargetWeight > 0)
            loss = loss + _options.ControlTargetWeight * ControlTargets.NegativeLogLikelihood(heads.Logits, perturbed, weights);
        if (_options.WeightDecay > 0)
            loss = loss + _options.WeightDecay * encoder.parameters().Where(t => t.dim() == 2).Select(t => t.square().sum()).Aggregate((a, b) => a + b);

        double value = loss.ToDouble();
        if (!double.IsFinite(value))
            throw new InvalidOperationException(
                $"GIM training diverged: the loss became {value} at step {step + 1}. Lower GimOptions.LearningRate (now {_options.LearningRate}), " +
                "check the measurements for extreme values or near-constant variables, or raise GimOptions.GraphSparsity.");
        loss.backward();
        optimizer.step();
        return value;
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

    private double Temperature(int step)
    {
        if (_options.MaxSteps <= 1) return _options.FinalTemperature;
        double fraction = (double)step / (_options.MaxSteps - 1);
        return _options.InitialTemperature * Math.Pow(_options.FinalTemperature / _options.InitialTemperature, fraction);
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
