using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Fits the TrainingMean peer: the mean, over the perturbed training contexts (each counting once), of their mean
/// cell in control standard deviations. Controls are excluded, so it is the shift of "a typical perturbation"; with
/// no perturbed context at all there is no evidence of any effect, and the shift is zero (it predicts the control).
/// With <see cref="TrainingMeanOptions.CovariateFeatures"/>, per covariate level: the level's control offset plus the
/// mean, over the level's perturbed contexts other than its own control, of their shift from that control.
/// </summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class TrainingMeanTrainer(TrainingMeanOptions? options = null) : PerturbationTrainer<TrainingMeanOptions, TrainingMeanModel>(options)
{
    private protected override TrainingMeanModel Train(PerturbationFit fit)
    {
        ContextSummaries summaries = ContextSummaries.Create(fit.Data, fit.Variables, fit.Features);
        int d = fit.Data.VariableCount;
        var (cells, levels, covariates) = ControlLevels.Fit(fit, Options.CovariateFeatures);
        if (levels is null || covariates is null)
        {
            int[] perturbed = Enumerable.Range(0, fit.Data.Contexts.Count).Where(c => !fit.Data.Contexts[c].IsControl).ToArray();
            float[] shift = MeanShift(summaries, perturbed, d, offset: null).Select(v => (float)v).ToArray();
            return new TrainingMeanModel(fit.Data, fit.Variables, fit.Features, shift, cells, fit.Clock.Elapsed);
        }
        int[][] drugs = Enumerable.Range(0, covariates.Count).Select(l => Enumerable.Range(0, fit.Data.Contexts.Count)
            .Where(c => covariates.LevelOfContext(c) == l && !fit.Data.Contexts[c].IsControl && !covariates.IsLevelControl(c)).ToArray()).ToArray();
        // Each context's shift from its own level's control; a level without perturbations gets the mean over every level's.
        double[] overall = MeanShift(summaries, drugs.SelectMany(c => c).ToArray(), d, c => levels.Offsets[covariates.LevelOfContext(c)]);
        var values = new double[covariates.Count][];
        for (int l = 0; l < covariates.Count; l++)
        {
            double[] beyond = drugs[l].Length > 0 ? MeanShift(summaries, drugs[l], d, c => levels.Offsets[l]) : overall;
            values[l] = beyond.Select((v, j) => v + levels.Offsets[l][j]).ToArray();
        }
        int controlLevel = covariates.LevelOfContext(fit.Data.Contexts.ToList().FindIndex(c => c.IsControl));
        return new TrainingMeanModel(fit.Data, fit.Variables, fit.Features, values[controlLevel].Select(v => (float)v).ToArray(), cells, fit.Clock.Elapsed,
            levels, values);
    }

    /// <summary>The mean over <paramref name="contexts"/> of their mean (minus <paramref name="offset"/>'s), standardised units; zero for none.</summary>
    private static double[] MeanShift(ContextSummaries summaries, int[] contexts, int d, Func<int, double[]>? offset)
    {
        var shift = new double[d];
        foreach (int c in contexts)
        {
            double[]? o = offset?.Invoke(c);
            for (int j = 0; j < d; j++) shift[j] += (summaries.Means[c, j] - (o?[j] ?? 0)) / contexts.Length;
        }
        return shift;
    }
}
