using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Runtime;

namespace Gim.MLNet.Peers;

/// <summary>
/// Fits the LinearFeatures peer: ridge regression of every training context's mean shift (its mean cell in control
/// standard deviations; controls included, whose shift is zero) on its standardised features. λ is the penalty with
/// the least squared error on held-out perturbation groups (<see cref="LinearFeaturesOptions.Folds"/>), then the map
/// is refitted on every training context. With <see cref="LinearFeaturesOptions.CovariateFeatures"/> the shifts are
/// measured from each context's own covariate level's control, and the level's offset is added back at prediction.
/// </summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class LinearFeaturesTrainer(LinearFeaturesOptions? options = null) : PerturbationTrainer<LinearFeaturesOptions, LinearFeaturesModel>(options)
{
    private protected override LinearFeaturesModel Train(PerturbationFit fit)
    {
        PerturbationDataset data = fit.Data;
        ContextSummaries summaries = ContextSummaries.Create(data, fit.Variables, fit.Features);
        double[,] x = summaries.Features, y = summaries.Means;
        var (cells, levels, covariates) = ControlLevels.Fit(fit, Options.CovariateFeatures);
        if (levels is not null && covariates is not null)
        {
            // Each context's shift from its own level's control; the prediction adds the level's offset back.
            for (int c = 0; c < data.Contexts.Count; c++)
                for (int j = 0; j < y.GetLength(1); j++) y[c, j] -= levels.Offsets[covariates.LevelOfContext(c)][j];
        }
        var (penalty, errors) = ChoosePenalty(data, x, y);
        Tell($"LinearFeatures: λ = {penalty:G3} (held-out squared error per context and variable: {string.Join(", ", errors.Select(e => $"λ {e.Key:G3} → {e.Value:G4}"))})");
        var (weight, intercept) = RidgeRegression.Fit(x, y, penalty);
        return new LinearFeaturesModel(data, fit.Variables, fit.Features, weight, intercept, penalty, errors, cells, levels, fit.Clock.Elapsed);
    }

    /// <summary>The penalty with the least held-out error (the larger on a tie), and every penalty's error.</summary>
    private (double Penalty, IReadOnlyDictionary<double, double> Errors) ChoosePenalty(PerturbationDataset data, double[,] x, double[,] y)
    {
        double[] penalties = Options.Penalties.OrderBy(l => l).ToArray();
        var groups = data.Perturbed.Select(c => c.Group).Distinct(StringComparer.Ordinal).ToList();
        if (groups.Count < 2)
            return (penalties[penalties.Length / 2], new Dictionary<double, double>());
        IReadOnlyDictionary<string, int> fold = PerturbationSplits.AssignFolds(groups, Math.Min(Options.Folds, groups.Count), Options.SeedOrDefault);
        int folds = fold.Values.Max() + 1, d = y.GetLength(1), p = x.GetLength(1);
        var errors = new Dictionary<double, double>();
        foreach (double penalty in penalties)
        {
            double squared = 0;
            int held = 0;
            for (int f = 0; f < folds; f++)
            {
                Options.CancellationToken.ThrowIfCancellationRequested();
                int[] train = Enumerable.Range(0, data.Contexts.Count).Where(c => data.Contexts[c].IsControl || fold[data.Contexts[c].Group] != f).ToArray();
                int[] test = Enumerable.Range(0, data.Contexts.Count).Where(c => !data.Contexts[c].IsControl && fold[data.Contexts[c].Group] == f).ToArray();
                var (weight, intercept) = RidgeRegression.Fit(Rows(x, train), Rows(y, train), penalty);
                foreach (int c in test)
                    for (int j = 0; j < d; j++)
                    {
                        double predicted = intercept[j];
                        for (int a = 0; a < p; a++) predicted += x[c, a] * weight[a, j];
                        squared += (predicted - y[c, j]) * (predicted - y[c, j]);
                    }
                held += test.Length;
            }
            errors[penalty] = squared / (held * d);
        }
        double best = errors.Values.Min();
        return (penalties.Last(l => errors[l] <= best), errors);
    }

    private static double[,] Rows(double[,] m, int[] rows)
    {
        var result = new double[rows.Length, m.GetLength(1)];
        for (int r = 0; r < rows.Length; r++)
            for (int j = 0; j < m.GetLength(1); j++) result[r, j] = m[rows[r], j];
        return result;
    }
}
