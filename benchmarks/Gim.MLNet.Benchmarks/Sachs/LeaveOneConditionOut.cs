using Gim.MLNet.Benchmarks.Compare;
using Gim.MLNet.Data;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Sachs;

/// <summary>
/// The sanity check of BENCHMARK.md §4: hold out each perturbed condition in turn, fit on the training cells of
/// the other 8 and predict its held-out cells. The held-out reagent's indicator is constant (0) in training, so
/// no method can learn what it does; the prediction should stay near the control. Not an OOD benchmark.
/// </summary>
internal static class LeaveOneConditionOut
{
    /// <summary>
    /// Rows (task, metric, value): the averages over the held-out conditions (task loco_sanity), and per held-out
    /// condition the error and the share of the observed shift that the prediction reproduces.
    /// </summary>
    public static IEnumerable<(string Task, string Metric, double Value)> Run(Func<IBenchmarkMethod> create, PerturbationDataset train, PerturbationDataset test, int seed)
    {
        var scores = new List<SachsConditionScore>();
        foreach (PerturbationContext heldOut in train.Perturbed)
        {
            var rest = new PerturbationDataset(train.Contexts.Where(c => c.Name != heldOut.Name).ToList(), train.VariableNames, train.FeatureNames);
            var target = new PerturbationDataset(test.Contexts.Where(c => c.Name == heldOut.Name).ToList(), test.VariableNames, test.FeatureNames);
            using IBenchmarkMethod method = create();
            method.Fit(rest);
            scores.AddRange(SachsTasks.ScoreCells(SachsMethods.Predictor(method), rest, target, seed).PerCondition);
        }
        yield return ("loco_sanity", "mean_rmse", scores.Average(s => s.MeanRmse));
        yield return ("loco_sanity", "mmd", scores.Average(s => s.Mmd));
        // Both shifts are RMSEs from the control mean in control SDs; a ratio near 0 means "fell back to the control".
        yield return ("loco_sanity", "predicted_shift", scores.Average(s => s.PredictedShift));
        yield return ("loco_sanity", "observed_shift", scores.Average(s => s.ObservedShift));
        yield return ("loco_sanity", "shift_ratio", scores.Average(s => s.PredictedShift / s.ObservedShift));
        foreach (SachsConditionScore s in scores)
        {
            yield return ("loco_rmse_by_condition", s.Condition, s.MeanRmse);
            yield return ("loco_shift_ratio_by_condition", s.Condition, s.PredictedShift / s.ObservedShift);
        }
    }
}
