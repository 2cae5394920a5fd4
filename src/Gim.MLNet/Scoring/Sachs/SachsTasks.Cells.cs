using Gim.MLNet.Data;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Scoring;

/// <summary>
/// The scoring of the three Sachs tasks of BENCHMARK.md §4, shared by the benchmarks and the samples so both
/// report the same numbers: (a) held-out cells, (b) nominal-target recovery, (c) consensus-graph recovery.
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

        Standardizer units = Standardizer.FitRows(train.Controls.Select(c => c.Samples), train.VariableCount);
        // Standardised by its own statistics, the control mean is the origin; computed anyway so the code states it.
        double[] controlMean = MeanMetrics.ColumnMeans(units.Transform(Stack(train.Controls.Select(c => c.Samples).ToList(), train.VariableCount)));
        var scores = new List<SachsConditionScore>(test.Contexts.Count);
        for (int c = 0; c < test.Contexts.Count; c++)
        {
            PerturbationContext context = test.Contexts[c];
            float[,] observed = units.Transform(context.Samples);
            float[,] predicted = units.Transform(model.Sample(context.Features, context.SampleCount, unchecked(seed * 100_003 + c)));
            double[] predictedMean = MeanMetrics.ColumnMeans(predicted);
            double[] observedMean = MeanMetrics.ColumnMeans(observed);
            scores.Add(new SachsConditionScore(
                context.Name,
                context.IsControl,
                context.SampleCount,
                DistributionDistances.MmdMultiScale(predicted, observed),
                DistributionDistances.Energy(predicted, observed),
                MeanMetrics.Rmse(predictedMean, observedMean),
                context.IsControl ? double.NaN : MeanMetrics.PearsonDelta(predictedMean, observedMean, controlMean),
                MeanMetrics.Rmse(predictedMean, controlMean),
                MeanMetrics.Rmse(observedMean, controlMean)));
        }
        return new SachsCellScores(scores);
    }

    private static float[,] Stack(IReadOnlyList<float[,]> blocks, int columns)
    {
        var result = new float[blocks.Sum(b => b.GetLength(0)), columns];
        int row = 0;
        foreach (float[,] block in blocks)
            for (int i = 0; i < block.GetLength(0); i++, row++)
                for (int j = 0; j < columns; j++)
                    result[row, j] = block[i, j];
        return result;
    }
}
