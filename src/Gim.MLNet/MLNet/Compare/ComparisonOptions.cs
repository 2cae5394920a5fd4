using Gim.MLNet.Scoring;

namespace Gim.MLNet;

/// <summary>Settings of <see cref="PerturbationCatalog.Compare"/>.</summary>
public sealed class ComparisonOptions
{
    /// <summary>
    /// Columns and metrics of the evaluation of every split. When its <see cref="ScoringOptions.ControlStatistics"/>
    /// is null, Compare computes them once from the control rows of the training data, so every method and split is
    /// scored in the same space (test splits usually have no control rows).
    /// </summary>
    public PerturbationEvaluationOptions Evaluation { get; set; } = new();

    /// <summary>Optional sink for progress: one report when each fit and each split starts and ends.</summary>
    public IProgress<ComparisonProgress>? Progress { get; set; }

    /// <summary>
    /// Checked before every fit and split and while predictions are read; cancelling throws
    /// <see cref="OperationCanceledException"/> (no partial leaderboard). A running Fit stops only if the estimator
    /// itself observes a token (e.g. <see cref="Modeling.PerturbationOptions.CancellationToken"/>).
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Keep each split's full <see cref="PerturbationEvaluation"/> (per-context rows) in the leaderboard rows. Default true.</summary>
    public bool KeepEvaluations { get; set; } = true;
}
