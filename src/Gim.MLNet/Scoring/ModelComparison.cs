using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Runtime;

namespace Gim.MLNet.Scoring;

/// <summary>Settings of <see cref="ModelComparison.Run"/>.</summary>
public sealed class ModelComparisonOptions
{
    /// <summary>
    /// Control statistics, true targets and metric settings of the scoring. When its control statistics are null they
    /// come from the training data's control cells, so every method and split is scored in the same space.
    /// </summary>
    public ScoringOptions Scoring { get; set; } = new();

    /// <summary>Seed of the draws: context c (0-based, in the split's order) is predicted with seed · 100003 + c. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>The true graph (cause × effect, non-zero = edge): with it, every method with a graph gets the graph metrics under the split "graph". Default null.</summary>
    public double[,]? TrueGraph { get; set; }

    /// <summary>|B_ij| above this counts as an edge for the SHD. Default 0.3, as GIM's graph read-out (docs/method.md).</summary>
    public double GraphThreshold { get; set; } = 0.3;

    /// <summary>
    /// Names of the features that encode covariates such as the cell line (<c>cell_type=LineB</c>, ...). With them each
    /// test context's shifts (Pearson delta, the top-k most shifted variables) are measured from the control of its own
    /// covariate level in the training data — that line's vehicle cells (<see cref="CovariateLevels"/>; it sets
    /// <see cref="ScoringOptions.CovariateControls"/> where that is null) — instead of the pooled control, so a drug in
    /// line B is scored on the drug's effect, not the line's; a test context of a level the training data lack is refused
    /// before any fit. Give the same names to the
    /// baselines (<c>ControlOptions.CovariateFeatures</c>, TrainingMean's, LinearFeatures') so that they predict from that
    /// control too. Null (default): every context against the pooled control.
    /// </summary>
    public IReadOnlyList<string>? CovariateFeatures { get; set; }

    /// <summary>Optional sink for progress: one report when each fit and each split starts and ends.</summary>
    public IProgress<ComparisonProgress>? Progress { get; set; }

    /// <summary>Optional log of every progress report, as a line.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Checked before every fit and split; cancelling throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Keep each split's full <see cref="PerturbationEvaluation"/> (per-context rows) in the leaderboard rows. Default true.</summary>
    public bool KeepEvaluations { get; set; } = true;
}

/// <summary>
/// Compares fitted-in-process models (GIM, its peers, any <see cref="PerturbationModel"/>) on the same training data and
/// test splits: each method is fitted (timed), draws as many cells per test context as were observed (timed), and is
/// scored by <see cref="PerturbationScorer"/>. The ML.NET layer's <c>Compare</c> does the same through estimators and
/// ONNX; this one draws with the models' own samplers, so results replay exactly for a seed (the benchmarks use it).
/// Prediction runs with the finalizer thread held (docs/robustness.md), so a custom model's <c>Sample</c> must not
/// wait for pending finalizers. Fit and predict times exclude the density evaluation behind nlpd.
/// </summary>
public static class ModelComparison
{
    /// <summary>Runs the comparison and returns one leaderboard row per method, in the given order.</summary>
    /// <param name="methods">Named methods: how to fit each on the training data (a failure is recorded in its row).</param>
    /// <param name="train">The training data (with control contexts: their cells define the evaluation space unless given).</param>
    /// <param name="testSplits">Named test data, e.g. "pood" and "food".</param>
    /// <param name="options">Scoring, seed, true graph, progress; null for the defaults.</param>
    /// <exception cref="ArgumentException">No methods or splits, duplicate names, or no control statistics.</exception>
    public static Leaderboard Run(IEnumerable<KeyValuePair<string, Func<PerturbationDataset, PerturbationModel>>> methods,
        PerturbationDataset train, IEnumerable<KeyValuePair<string, PerturbationDataset>> testSplits, ModelComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(testSplits);
        options ??= new ModelComparisonOptions();
        ArgumentNullException.ThrowIfNull(options.Scoring, "options.Scoring");
        var methodList = methods.ToList();
        var splits = testSplits.ToList();
        ComparisonEngine.CheckInputs(methodList.Select(m => m.Key).ToList(), "method", splits.Select(s => (s.Key, (object?)s.Value)).ToList());
        foreach (var (name, data) in splits)
        {
            if (data.VariableCount != train.VariableCount || data.FeatureCount != train.FeatureCount)
                throw new ArgumentException($"Compare: split '{name}' has {data.VariableCount} variables and {data.FeatureCount} features; the training data have {train.VariableCount} and {train.FeatureCount}.");
            try
            {
                data.Validate(requireControl: false, minSamplesPerContext: 1);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Compare: split '{name}': {e.Message}", e);
            }
        }
        if (options.TrueGraph is double[,] truth && (truth.GetLength(0) != train.VariableCount || truth.GetLength(1) != train.VariableCount))
            throw new ArgumentException($"Compare: options.TrueGraph is {truth.GetLength(0)}×{truth.GetLength(1)}; the data have {train.VariableCount} variables, so expected {train.VariableCount}×{train.VariableCount} (cause × effect).");
        if (!(options.GraphThreshold >= 0) || !double.IsFinite(options.GraphThreshold))
            throw new ArgumentOutOfRangeException("options.GraphThreshold", options.GraphThreshold, "Compare: options.GraphThreshold must be a finite value ≥ 0.");

        ScoringOptions scoring = options.Scoring.Clone();
        if (options.CovariateFeatures is { Count: > 0 } covariates)
        {
            try
            {
                scoring.CovariateControls ??= CovariateControls.FromData(train, covariates);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Compare: options.CovariateFeatures: {e.Message}", e);
            }
            // A test context whose level the training data lack fails here, before any fit.
            foreach (var (name, data) in splits)
                foreach (PerturbationContext context in data.Contexts.Where(c => !c.IsControl))
                    try
                    {
                        scoring.CovariateControls.ReferenceOf(context.Features, context.Name);
                    }
                    catch (ArgumentException e)
                    {
                        throw new ArgumentException($"Compare: split '{name}': {e.Message}", e);
                    }
        }
        scoring.CancellationToken = options.CancellationToken;
        scoring.Validate();
        scoring.ControlStatistics ??= ControlStatistics.FromControls(train);
        scoring.PerturbedReference ??= PerturbedMean(train);
        int seed = options.Seed;
        var compared = methodList.Select(m => new ComparisonEngine.Method<PerturbationModel>(m.Key,
            () => (m.Value ?? throw new ArgumentNullException(nameof(methods), $"Method '{m.Key}' is null."))(train))).ToList();
        return ComparisonEngine.Run(compared, splits.Select(s => s.Key).ToList(),
            (model, s) => Predict(model, splits[s].Value, seed, options.CancellationToken),
            scoring, options.Progress, options.Log, options.KeepEvaluations,
            options.TrueGraph is double[,] trueGraph ? model => model.Graph() is double[,] graph ? GraphScorer.Score(graph, trueGraph, options.GraphThreshold) : null : null,
            (model, s, predicted) => WithDensities(model, splits[s].Value, predicted, options.Log));
    }

    /// <summary>
    /// Adds the model's log density of each observed cell, for the nlpd (outside the predict timer: only some methods
    /// have a density, and sampling is what every method is timed on). A model whose density fails gets NaN, so its
    /// nlpd reads NaN instead of its sample metrics being lost.
    /// </summary>
    private static IReadOnlyList<ScoredContext> WithDensities(PerturbationModel model, PerturbationDataset split,
        IReadOnlyList<ScoredContext> predicted, Action<string>? log)
    {
        var densities = new double[predicted.Count][];
        try
        {
            using var hold = FinalizerHold.Enter();
            for (int c = 0; c < predicted.Count; c++)
            {
                FinalizerHold.Breathe();
                PerturbationContext context = split.Contexts[c];
                if (model.LogDensity(context.Features, context.Samples) is not { } logDensity) return predicted;
                densities[c] = logDensity;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log?.Invoke($"log density failed ({ComparisonEngine.Describe(e)}); nlpd is NaN");
            for (int c = 0; c < predicted.Count; c++)
                densities[c] = Enumerable.Repeat(double.NaN, predicted[c].Observed.GetLength(0)).ToArray();
        }
        return predicted.Select((context, c) => context with { LogDensities = densities[c] }).ToList();
    }

    /// <summary>The mean over the perturbed contexts of their mean cells (original units); null when there is none.</summary>
    internal static double[]? PerturbedMean(PerturbationDataset data)
    {
        var perturbed = data.Perturbed.ToList();
        if (perturbed.Count == 0) return null;
        var mean = new double[data.VariableCount];
        foreach (PerturbationContext context in perturbed)
            for (int j = 0; j < data.VariableCount; j++)
            {
                double sum = 0;
                for (int i = 0; i < context.SampleCount; i++) sum += context.Samples[i, j];
                mean[j] += sum / context.SampleCount / perturbed.Count;
            }
        return mean;
    }

    /// <summary>A model's draws for every context of a split (as many as observed), with its target probabilities when it has them.</summary>
    internal static IReadOnlyList<ScoredContext> Predict(PerturbationModel model, PerturbationDataset split, int seed, CancellationToken token)
    {
        // One hold for the whole split: every TorchSharp call inside then skips parking the finalizer thread anew
        // (docs/robustness.md: about 0.5 ms per call otherwise). A custom model must therefore not wait for pending
        // finalizers inside Sample (GC.WaitForPendingFinalizers would wait for the held thread).
        using var hold = FinalizerHold.Enter();
        var contexts = new List<ScoredContext>(split.Contexts.Count);
        for (int c = 0; c < split.Contexts.Count; c++)
        {
            token.ThrowIfCancellationRequested();
            FinalizerHold.Breathe();
            PerturbationContext context = split.Contexts[c];
            float[,] predicted = model.Sample(context.Features, context.SampleCount, unchecked(seed * 100_003 + c));
            double[]? pi = model.TargetProbabilities(context.Features)?.Select(p => (double)p).ToArray();
            double[]? sd = model.PredictMeanStandardDeviation(context.Features)?.Select(v => (double)v).ToArray();
            double[]? mean = sd is null ? null : model.PredictMean(context.Features).Select(v => (double)v).ToArray();
            contexts.Add(new ScoredContext(context.Name, context.IsControl, context.Samples, predicted, pi, PredictedMean: mean, MeanStandardDeviation: sd,
                Features: context.Features));
        }
        return contexts;
    }
}
