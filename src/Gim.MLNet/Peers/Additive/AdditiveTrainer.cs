using Gim.MLNet.Data;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Fits the Additive peer: each feature's per-unit effect is the mean, over the training contexts in which it is the only
/// nonzero feature (the "singles"), of their mean shift (mean cell in control standard deviations) divided by the
/// feature's value there; contexts with several active features (pairs) or none are not used. A feature with the same
/// value in every training context (a constant covariate such as the MOI) names no perturbation: it is not counted as
/// active and has no effect. A prediction adds the
/// effects of the query's features times their values: with 0/1 indicator features (one per perturbed gene), a pair is
/// the control plus its two singles' effects.
/// </summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class AdditiveTrainer(AdditiveOptions? options = null) : PerturbationTrainer<AdditiveOptions, AdditiveModel>(options)
{
    private protected override AdditiveModel Train(PerturbationFit fit)
    {
        PerturbationDataset data = fit.Data;
        ContextSummaries summaries = ContextSummaries.Create(data, fit.Variables, fit.Features);
        int p = data.FeatureCount, d = data.VariableCount;
        var effect = new double[p, d];
        var singles = new int[p];
        int used = 0, unused = 0;
        bool[] varies = Enumerable.Range(0, p).Select(q => data.Contexts.Any(c => c.Features[q] != data.Contexts[0].Features[q])).ToArray();
        for (int c = 0; c < data.Contexts.Count; c++)
        {
            PerturbationContext context = data.Contexts[c];
            if (context.IsControl) continue;
            int[] active = Enumerable.Range(0, p).Where(q => varies[q] && context.Features[q] != 0).ToArray();
            if (active.Length != 1)
            {
                unused++;
                continue;
            }
            int feature = active[0];
            double amount = context.Features[feature];
            for (int j = 0; j < d; j++) effect[feature, j] += summaries.Means[c, j] / amount;
            singles[feature]++;
            used++;
        }
        var seen = new bool[p];
        for (int q = 0; q < p; q++)
        {
            seen[q] = singles[q] > 0;
            for (int j = 0; j < d && seen[q]; j++) effect[q, j] /= singles[q];
        }
        int seenCount = seen.Count(s => s);
        if (Options.Unseen == AdditiveUnseen.SingleMean && seenCount > 0)
            for (int q = 0; q < p; q++)
                if (!seen[q])
                    for (int j = 0; j < d; j++)
                        effect[q, j] = Enumerable.Range(0, p).Where(s => seen[s]).Average(s => effect[s, j]);
        Tell($"Additive: {seenCount} of {p} features seen alone ({used} single-perturbation contexts); {unused} perturbed context(s) with " +
             $"several or no active features not used{(seenCount < p ? $"; the {p - seenCount} unseen feature(s) contribute {(Options.Unseen == AdditiveUnseen.None || seenCount == 0 ? "nothing" : "the mean single effect")}" : "")}");
        if (seenCount == 0 && unused > 0)
            Tell("warning: Additive found no perturbed context with exactly one active feature, so it predicts the control for every " +
                 "perturbation. It needs one 0/1 feature per perturbation (CombinationLabels makes them from labels such as \"A+B\"), with the singles measured.");
        return new AdditiveModel(data, fit.Variables, fit.Features, effect, seen, fit.Controls(), fit.Clock.Elapsed);
    }
}
