using Gim.MLNet.Data;
using Gim.MLNet.Data.Sachs;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Scoring.Sachs;

/// <summary>The shared scoring of the three Sachs tasks gives the known values on predictors that know the answer.</summary>
public class SachsTasksTests
{
    private static readonly PerturbationDataset Data = SachsDataset.Load();

    [Test]
    public void Predicting_the_held_out_cells_themselves_scores_zero_distance_and_perfect_pearson_delta()
    {
        var (train, test) = SachsDataset.Split(Data, seed: 3);
        using var oracle = new LookupPredictor(test, nominalTargets: false);

        SachsCellScores scores = SachsTasks.ScoreCells(oracle, train, test, seed: 0);

        Assert.That(scores.PerCondition.Select(s => s.Condition), Is.EqualTo(SachsDataset.ConditionNames));
        Assert.That(scores.Mmd, Is.EqualTo(0).Within(1e-9));
        Assert.That(scores.Energy, Is.EqualTo(0).Within(1e-9));
        Assert.That(scores.MeanRmse, Is.EqualTo(0).Within(1e-9));
        Assert.That(scores.PearsonDelta, Is.EqualTo(1).Within(1e-9));
        // The control's Pearson delta is undefined (its shift from itself is noise) and left out of the mean.
        Assert.That(double.IsNaN(scores.PerCondition[0].PearsonDelta), Is.True);
        Assert.That(scores.PerCondition.Select(s => s.PredictedShift), Is.EqualTo(scores.PerCondition.Select(s => s.ObservedShift)).Within(1e-9));
    }

    [Test]
    public void Predicting_the_control_everywhere_scores_no_predicted_shift_and_an_error_equal_to_the_observed_shift()
    {
        var (train, test) = SachsDataset.Split(Data, seed: 3);
        using var control = new FixedPredictor(train.Controls.Single().Samples, Data.VariableNames, Data.FeatureCount);

        SachsCellScores scores = SachsTasks.ScoreCells(control, train, test, seed: 0);

        foreach (SachsConditionScore s in scores.PerCondition)
        {
            Assert.That(s.PredictedShift, Is.EqualTo(0).Within(1e-6), s.Condition);
            Assert.That(s.MeanRmse, Is.EqualTo(s.ObservedShift).Within(1e-6), s.Condition);
        }
        // G06976 moves the cells by several control SDs: far from a no-effect prediction.
        Assert.That(scores.PerCondition.Single(s => s.Condition == "cd3cd28+g0076").Mmd, Is.GreaterThan(10 * scores.PerCondition[0].Mmd));
    }

    [Test]
    public void Nominal_targets_as_pi_score_auroc_and_auprc_one_and_a_model_without_targets_scores_null()
    {
        using var knowsTargets = new LookupPredictor(Data, nominalTargets: true);
        using var noTargets = new LookupPredictor(Data, nominalTargets: false);

        SachsTargetScore? score = SachsTasks.ScoreTargets(knowsTargets, Data);

        Assert.That(score, Is.Not.Null);
        Assert.That(score!.Conditions, Is.EqualTo(SachsDataset.TargetedConditions));
        Assert.That(score.Probabilities.Length, Is.EqualTo(7));
        Assert.That(score.Nominal.Sum(row => row.Count(t => t)), Is.EqualTo(7));
        Assert.That(score.Auroc, Is.EqualTo(1));
        Assert.That(score.Auprc, Is.EqualTo(1).Within(1e-12));
        Assert.That(SachsTasks.ScoreTargets(noTargets, Data), Is.Null);
    }

    [Test]
    public void The_consensus_graph_scores_perfectly_the_empty_graph_has_shd_17_and_the_reversed_graph_misses_every_direction()
    {
        bool[,] consensus = SachsDataset.ConsensusGraph();
        int d = consensus.GetLength(0);
        var exact = new double[d, d];
        var reversed = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                exact[i, j] = consensus[i, j] ? 0.8 : 0;
                reversed[j, i] = consensus[i, j] ? 0.8 : 0;
            }

        SachsGraphScore perfect = SachsTasks.ScoreGraph(exact);
        SachsGraphScore empty = SachsTasks.ScoreGraph(new double[d, d]);
        SachsGraphScore backwards = SachsTasks.ScoreGraph(reversed);

        Assert.That((perfect.Auroc, perfect.SkeletonAuroc, perfect.Shd, perfect.ShdTopK, perfect.PredictedEdges), Is.EqualTo((1.0, 1.0, 0, 0, 17)));
        Assert.That(perfect.Threshold, Is.EqualTo(SachsTasks.DefaultGraphThreshold));
        Assert.That((empty.Shd, empty.PredictedEdges, empty.Auroc), Is.EqualTo((17, 0, 0.5)));
        // A reversal costs 1 per pair; the skeleton is still right.
        Assert.That((backwards.Shd, backwards.ShdTopK, backwards.SkeletonAuroc), Is.EqualTo((17, 17, 1.0)));
        Assert.That(backwards.Auroc, Is.LessThan(0.5));
    }

    [Test]
    public void A_graph_of_the_wrong_size_is_refused_with_both_sizes_named()
    {
        var e = Assert.Throws<ArgumentException>(() => SachsTasks.ScoreGraph(new double[10, 10]));
        Assert.That(e!.Message, Does.Contain("10×10").And.Contain("11×11"));
    }
}
