using Gim.MLNet.Scoring;

namespace Gim.MLNet;

/// <summary>How <see cref="PerturbationCatalog.SearchHyperparameters{TParams}"/> picks trials from the candidates.</summary>
public enum SearchStrategy
{
    /// <summary>Every candidate, in order (or the first <see cref="HyperparameterSearchOptions.MaxTrials"/>).</summary>
    Grid,

    /// <summary><see cref="HyperparameterSearchOptions.MaxTrials"/> candidates drawn without replacement (seeded).</summary>
    Random,
}

/// <summary>Settings of <see cref="PerturbationCatalog.SearchHyperparameters{TParams}"/>.</summary>
public sealed class HyperparameterSearchOptions
{
    /// <summary>
    /// Columns and metrics of the validation scoring; its context and control settings also drive the split
    /// (control contexts always stay in training, and define the evaluation space).
    /// </summary>
    public PerturbationEvaluationOptions Evaluation { get; set; } = new();

    /// <summary>The metric that ranks trials (a <see cref="PerturbationMetrics"/> name, including fit/predict seconds). Default "mmd".</summary>
    public string Metric { get; set; } = PerturbationMetrics.Mmd;

    /// <summary>True to maximise <see cref="Metric"/>, false to minimise; null (default) follows <see cref="PerturbationMetrics.IsLowerBetter"/>.</summary>
    public bool? Maximize { get; set; }

    /// <summary>Grid (default) or random search over the candidates.</summary>
    public SearchStrategy Strategy { get; set; } = SearchStrategy.Grid;

    /// <summary>At most this many trials; 0 (default) means every candidate for Grid and 10 for Random.</summary>
    public int MaxTrials { get; set; }

    /// <summary>Fraction of the perturbation groups (of the non-control contexts when there is no group column) held out for validation (at least one, never all). Default 0.2.</summary>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>
    /// The perturbation of each row's context (e.g. the drug), so validation holds out whole perturbations: a drug is
    /// never trained at one dose and validated at another. Null (default): each context is its own group.
    /// </summary>
    public string? GroupColumnName { get; set; }

    /// <summary>Seed of the split and of random search; null takes one from the MLContext.</summary>
    public int? Seed { get; set; }

    /// <summary>Optional sink for progress (each trial is a "method" of the underlying comparison).</summary>
    public IProgress<ComparisonProgress>? Progress { get; set; }

    /// <summary>Stops the search between fits and while predictions are read (<see cref="OperationCanceledException"/>).</summary>
    public CancellationToken CancellationToken { get; set; }
}
