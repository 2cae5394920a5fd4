namespace Gim.MLNet.Scoring;

/// <summary>One context as the scorer sees it: its observed cells and the method's predicted draws (original units), and what is known of its targets.</summary>
/// <param name="Name">The context's name.</param>
/// <param name="IsControl">Whether it is a control context (its cells define the evaluation space when no statistics are given).</param>
/// <param name="Observed">The observed cells, rows × variables.</param>
/// <param name="Predicted">The predicted draws, rows × variables (usually as many as observed).</param>
/// <param name="TargetProbabilities">The method's mean target probability per variable; null for a method without targets.</param>
/// <param name="TrueTargets">The context's true targets, one flag per variable, when known here (else from <see cref="ScoringOptions.TrueTargets"/>).</param>
/// <param name="LogDensities">The method's log density of each observed cell (original units); null for a method without a density.</param>
/// <param name="PredictedMean">The method's predicted mean (original units), with <paramref name="MeanStandardDeviation"/>; null without one.</param>
/// <param name="MeanStandardDeviation">The method's standard deviation of that mean (original units); null for a method without one.</param>
/// <param name="Reference">
/// The mean cell of this context's own control (original units), e.g. the vehicle cells of its cell line: the origin of
/// its shifts (Pearson delta, the top-k most shifted variables). Null: its level's control by
/// <see cref="ScoringOptions.CovariateControls"/> where set (from <paramref name="Features"/>), else the control mean of the space.
/// </param>
/// <param name="Features">The context's raw features: what <see cref="ScoringOptions.CovariateControls"/> finds its level by. Null where not needed.</param>
public sealed record ScoredContext(string Name, bool IsControl, float[,] Observed, float[,] Predicted,
    double[]? TargetProbabilities = null, bool[]? TrueTargets = null, double[]? LogDensities = null,
    double[]? PredictedMean = null, double[]? MeanStandardDeviation = null, double[]? Reference = null, float[]? Features = null);
