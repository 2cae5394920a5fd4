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
/// the control plus its two singles' effects. With <see cref="AdditiveOptions.CovariateFeatures"/> all of this happens
/// within each covariate level, the shifts measured from the level's own control.
/// </summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class AdditiveTrainer(AdditiveOptions? options = null) : PerturbationTrainer<AdditiveOptions, AdditiveModel>(options)
{
    private protected override AdditiveModel Train(PerturbationFit fit)
    {
        PerturbationDataset data = fit.Data;
        ContextSummaries summaries = ContextSummaries.Create(data, fit.Variables, fit.Features);
        int p = data.FeatureCount, d = data.VariableCount;
        var (cells, levels, covariates) = ControlLevels.Fit(fit, Options.CovariateFeatures);
        int levelCount = levels?.Count ?? 1;
        var isCovariate = new bool[p];
        if (covariates is not null)
            foreach (int q in CovariateLevels.Columns(data.FeatureNames, Options.CovariateFeatures!)) isCovariate[q] = true;
        bool[] varies = Enumerable.Range(0, p).Select(q => !isCovariate[q] && data.Contexts.Any(c => c.Features[q] != data.Contexts[0].Features[q])).ToArray();

        // Each level's singles: their mean shift from the level's control, per unit of their one active feature.
        var effect = Enumerable.Range(0, levelCount).Select(_ => new double[p, d]).ToArray();
        var singles = new int[levelCount, p];
        int used = 0, unused = 0;
        for (int c = 0; c < data.Contexts.Count; c++)
        {
            PerturbationContext context = data.Contexts[c];
            if (context.IsControl || covariates?.IsLevelControl(c) == true) continue;
            int[] active = Enumerable.Range(0, p).Where(q => varies[q] && context.Features[q] != 0).ToArray();
            if (active.Length != 1)
            {
                unused++;
                continue;
            }
            int level = covariates?.LevelOfContext(c) ?? 0;
            double[]? offset = levels?.Offsets[level];
            int feature = active[0];
            double amount = context.Features[feature];
            for (int j = 0; j < d; j++) effect[level][feature, j] += (summaries.Means[c, j] - (offset?[j] ?? 0)) / amount;
            singles[level, feature]++;
            used++;
        }
        var seen = new bool[levelCount][];
        for (int l = 0; l < levelCount; l++)
        {
            seen[l] = new bool[p];
            for (int q = 0; q < p; q++)
            {
                seen[l][q] = singles[l, q] > 0;
                for (int j = 0; j < d && seen[l][q]; j++) effect[l][q, j] /= singles[l, q];
            }
        }
        // A single measured in other levels only: its mean effect there.
        var known = seen.Select(s => (bool[])s.Clone()).ToArray();
        int transferred = 0;
        for (int l = 0; l < levelCount; l++)
            for (int q = 0; q < p; q++)
            {
                int[] others = Enumerable.Range(0, levelCount).Where(m => seen[m][q]).ToArray();
                if (seen[l][q] || others.Length == 0) continue;
                for (int j = 0; j < d; j++) effect[l][q, j] = others.Average(m => effect[m][q, j]);
                known[l][q] = true;
                transferred++;
            }
        if (Options.Unseen == AdditiveUnseen.SingleMean)
            for (int l = 0; l < levelCount; l++)
            {
                int[] measured = Enumerable.Range(0, p).Where(q => known[l][q]).ToArray();
                if (measured.Length == 0) continue;
                for (int q = 0; q < p; q++)
                    if (!known[l][q] && !isCovariate[q] && !(!varies[q] && data.Contexts[0].Features[q] != 0))   // not a constant such as the MOI
                        for (int j = 0; j < d; j++) effect[l][q, j] = measured.Average(s => effect[l][s, j]);
            }
        int perturbations = p - isCovariate.Count(c => c);
        int seenCount = Enumerable.Range(0, p).Count(q => Enumerable.Range(0, levelCount).Any(l => seen[l][q]));
        Tell($"Additive: {seenCount} of {perturbations} features seen alone ({used} single-perturbation contexts){(levels is null ? "" : $" over {levelCount} covariate levels ({transferred} level × feature effect(s) taken from other levels)")}; " +
             $"{unused} perturbed context(s) with several or no active features not used{(seenCount < perturbations ? $"; the {perturbations - seenCount} unseen feature(s) contribute {(Options.Unseen == AdditiveUnseen.None || seenCount == 0 ? "nothing" : "the mean single effect")}" : "")}");
        if (seenCount == 0 && unused > 0)
            Tell("warning: Additive found no perturbed context with exactly one active feature, so it predicts the control for every " +
                 "perturbation. It needs one 0/1 feature per perturbation (CombinationLabels makes them from labels such as \"A+B\"), with the singles measured" +
                 (levels is null ? "" : ", and the covariate indicators named in AdditiveOptions.CovariateFeatures") + ".");
        if (levels is null || covariates is null)
            return new AdditiveModel(data, fit.Variables, fit.Features, effect[0], seen[0], cells, fit.Clock.Elapsed);
        int controlLevel = covariates.LevelOfContext(data.Contexts.ToList().FindIndex(c => c.IsControl));
        return new AdditiveModel(data, fit.Variables, fit.Features, effect[controlLevel], seen[controlLevel], cells, fit.Clock.Elapsed, levels, effect);
    }
}
