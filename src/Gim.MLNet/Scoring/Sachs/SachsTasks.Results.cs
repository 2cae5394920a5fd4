using Gim.MLNet.Data;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Scoring;

public static partial class SachsTasks
{
    /// <summary>Task (a), held-out cells, as it is named in result tables.</summary>
    public const string HeldOutCellsTask = "heldout_cells";

    /// <summary>Task (a) per condition: the metric is the condition's name, the value its MMD².</summary>
    public const string HeldOutMmdByConditionTask = "heldout_mmd_by_condition";

    /// <summary>Task (b), nominal-target recovery.</summary>
    public const string TargetsTask = "targets";

    /// <summary>Task (c), consensus-graph recovery.</summary>
    public const string GraphTask = "graph";

    /// <summary>The leave-one-condition-out sanity check, averaged over the held-out conditions.</summary>
    public const string LeaveOneOutTask = "loco_sanity";

    /// <summary>The leave-one-condition-out check per condition: the metric is the condition's name, the value the mean RMSE.</summary>
    public const string LeaveOneOutRmseByConditionTask = "loco_rmse_by_condition";

    /// <summary>The leave-one-condition-out check per condition: the metric is the condition's name, the value the shift ratio.</summary>
    public const string LeaveOneOutShiftRatioByConditionTask = "loco_shift_ratio_by_condition";

    /// <summary>AUROC (of targets, or of the graph's edges).</summary>
    public const string Auroc = "auroc";

    /// <summary>AUPRC (of targets, or of the graph's edges).</summary>
    public const string Auprc = "auprc";

    /// <summary>AUROC of the graph's skeleton (edges without direction).</summary>
    public const string SkeletonAuroc = "skeleton_auroc";

    /// <summary>Edges with |B| above the threshold.</summary>
    public const string Edges = "edges";

    /// <summary>SHD of the 17 largest edges.</summary>
    public const string ShdTop17 = "shd_top17";

    /// <summary>RMSE of the predicted mean from the control mean (control SDs).</summary>
    public const string PredictedShift = "predicted_shift";

    /// <summary>RMSE of the observed mean from the control mean (control SDs).</summary>
    public const string ObservedShift = "observed_shift";

    /// <summary>Predicted over observed shift: near 0, the method fell back to the control; near 1, it invented an effect of full size.</summary>
    public const string ShiftRatio = "shift_ratio";

    /// <summary>
    /// Tasks (a)–(c) for one fitted model as (task, metric, value) rows: the held-out cells' averages and per-condition
    /// MMD², the nominal-target scores (methods with targets), the graph scores (methods with a graph).
    /// </summary>
    /// <param name="model">The model fitted on <paramref name="train"/>.</param>
    /// <param name="train">Its training data (control units).</param>
    /// <param name="test">The held-out cells.</param>
    /// <param name="all">Any Sachs data set holding the targeted conditions (their features).</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <param name="graphThreshold">|B| threshold of the SHD.</param>
    public static IReadOnlyList<(string Task, string Metric, double Value)> Results(PerturbationModel model, PerturbationDataset train,
        PerturbationDataset test, PerturbationDataset all, int seed, double graphThreshold = DefaultGraphThreshold)
    {
        var rows = new List<(string, string, double)>();
        SachsCellScores cells = ScoreCells(model, train, test, seed);
        rows.Add((HeldOutCellsTask, PerturbationMetrics.Mmd, cells.Mmd));
        rows.Add((HeldOutCellsTask, PerturbationMetrics.Energy, cells.Energy));
        rows.Add((HeldOutCellsTask, PerturbationMetrics.MeanRmse, cells.MeanRmse));
        rows.Add((HeldOutCellsTask, PerturbationMetrics.PearsonDelta, cells.PearsonDelta));
        foreach (SachsConditionScore s in cells.PerCondition)
            rows.Add((HeldOutMmdByConditionTask, s.Condition, s.Mmd));
        if (ScoreTargets(model, all) is SachsTargetScore targets)
        {
            rows.Add((TargetsTask, Auroc, targets.Auroc));
            rows.Add((TargetsTask, Auprc, targets.Auprc));
        }
        if (model.Graph() is double[,] graph)
        {
            SachsGraphScore g = ScoreGraph(graph, graphThreshold);
            rows.Add((GraphTask, Auroc, g.Auroc));
            rows.Add((GraphTask, Auprc, g.Auprc));
            rows.Add((GraphTask, SkeletonAuroc, g.SkeletonAuroc));
            rows.Add((GraphTask, PerturbationMetrics.Shd, g.Shd));
            rows.Add((GraphTask, Edges, g.PredictedEdges));
            rows.Add((GraphTask, ShdTop17, g.ShdTopK));
        }
        return rows;
    }

    /// <summary>
    /// The sanity check of BENCHMARK.md §4: hold out each perturbed condition in turn, fit on the training cells of
    /// the other 8 and predict its held-out cells. The held-out reagent's indicator is constant (0) in training, so
    /// no method can learn what it does; the prediction should stay near the control. Not an OOD benchmark.
    /// </summary>
    /// <param name="fit">Fits the method on training data.</param>
    /// <param name="train">The training cells of every condition.</param>
    /// <param name="test">The held-out cells of every condition.</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <returns>Rows (task, metric, value): the averages over the held-out conditions and, per condition, the error and the shift ratio.</returns>
    public static IReadOnlyList<(string Task, string Metric, double Value)> LeaveOneConditionOut(Func<PerturbationDataset, PerturbationModel> fit,
        PerturbationDataset train, PerturbationDataset test, int seed)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var scores = new List<SachsConditionScore>();
        foreach (PerturbationContext heldOut in train.Perturbed)
        {
            var rest = new PerturbationDataset(train.Contexts.Where(c => c.Name != heldOut.Name).ToList(), train.VariableNames, train.FeatureNames);
            var target = new PerturbationDataset(test.Contexts.Where(c => c.Name == heldOut.Name).ToList(), test.VariableNames, test.FeatureNames);
            using PerturbationModel model = fit(rest);
            scores.AddRange(ScoreCells(model, rest, target, seed).PerCondition);
        }
        var rows = new List<(string, string, double)>
        {
            (LeaveOneOutTask, PerturbationMetrics.MeanRmse, scores.Average(s => s.MeanRmse)),
            (LeaveOneOutTask, PerturbationMetrics.Mmd, scores.Average(s => s.Mmd)),
            // Both shifts are RMSEs from the control mean in control SDs; a ratio near 0 means "fell back to the control".
            (LeaveOneOutTask, PredictedShift, scores.Average(s => s.PredictedShift)),
            (LeaveOneOutTask, ObservedShift, scores.Average(s => s.ObservedShift)),
            (LeaveOneOutTask, ShiftRatio, scores.Average(s => s.PredictedShift / s.ObservedShift)),
        };
        foreach (SachsConditionScore s in scores)
        {
            rows.Add((LeaveOneOutRmseByConditionTask, s.Condition, s.MeanRmse));
            rows.Add((LeaveOneOutShiftRatioByConditionTask, s.Condition, s.PredictedShift / s.ObservedShift));
        }
        return rows;
    }
}
