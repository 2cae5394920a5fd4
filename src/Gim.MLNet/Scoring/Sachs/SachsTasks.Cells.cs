using Gim.MLNet.Data;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Scoring;

/// <summary>
/// The scoring of the three Sachs tasks of BENCHMARK.md §4, shared by the benchmarks and the samples so both
/// report the same numbers: (a) held-out cells, (b) nominal-target recovery, (c) consensus-graph recovery.
/// Cells are scored by the library's one scorer (<see cref="PerturbationScorer"/>).
/// </summary>
public static partial class SachsTasks
{
    /// <summary>
    /// Task (a): for every condition of <paramref name="test"/>, draws as many cells as it holds from the model
    /// and compares them with the held-out cells, in control-standardised units (mean and SD of the control cells
    /// of <paramref name="train"/>, the only control statistics a model may have seen).
    /// </summary>
    /// <param name="model">A fitted model (GIM or a peer).</param>
    /// <param name="train">The data the model was fitted on; its control cells define the units.</param>
    /// <param name="test">The held-out cells, grouped by condition (same variables and features).</param>
    /// <param name="seed">Seed of the model's draws (condition c uses seed · 100003 + c).</param>
    public static SachsCellScores ScoreCells(PerturbationModel model, PerturbationDataset train, PerturbationDataset test, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (!train.Controls.Any()) throw new ArgumentException("The training data have no control condition, so there are no control units.", nameof(train));
        if (test.VariableCount != train.VariableCount || test.FeatureCount != train.FeatureCount)
            throw new ArgumentException($"The test data have {test.VariableCount} variables and {test.FeatureCount} features; the training data {train.VariableCount} and {train.FeatureCount}.", nameof(test));

        var options = new ScoringOptions
        {
            ControlStatistics = ControlStatistics.FromControls(train),
            UnbiasedMmd = false,
            MedianHeuristicMmd = false,
        };
        IReadOnlyList<ScoredContext> contexts = ModelComparison.Predict(model, test, seed, CancellationToken.None)
            .Select(c => c with { TargetProbabilities = null }).ToList();
        PerturbationEvaluation evaluation = PerturbationScorer.Score(contexts, options);
        var scores = new List<SachsConditionScore>(test.Contexts.Count);
        for (int c = 0; c < contexts.Count; c++)
        {
            ContextEvaluation e = evaluation.PerContext[c];
            // In control-standardised units the control mean is the origin: a mean's RMSE from it is its shift.
            double Shift(float[,] cells) => MeanMetrics.Rmse(MeanMetrics.ColumnMeans(evaluation.ControlStatistics.Standardize(cells)), new double[test.VariableCount]);
            scores.Add(new SachsConditionScore(e.Context, e.IsControl, e.Rows, e.Mmd, e.Energy, e.MeanRmse, e.PearsonDelta,
                Shift(contexts[c].Predicted), Shift(contexts[c].Observed)));
        }
        return new SachsCellScores(scores);
    }
}
