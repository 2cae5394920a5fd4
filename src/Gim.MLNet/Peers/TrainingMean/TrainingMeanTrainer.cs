using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Fits the TrainingMean peer: the mean, over the perturbed training contexts (each counting once), of their mean
/// cell in control standard deviations. Controls are excluded, so it is the shift of "a typical perturbation"; with
/// no perturbed context at all there is no evidence of any effect, and the shift is zero (it predicts the control).
/// </summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class TrainingMeanTrainer(TrainingMeanOptions? options = null) : PerturbationTrainer<TrainingMeanOptions, TrainingMeanModel>(options)
{
    private protected override TrainingMeanModel Train(PerturbationFit fit)
    {
        ContextSummaries summaries = ContextSummaries.Create(fit.Data, fit.Variables, fit.Features);
        int[] perturbed = Enumerable.Range(0, fit.Data.Contexts.Count).Where(c => !fit.Data.Contexts[c].IsControl).ToArray();
        int d = fit.Data.VariableCount;
        var shift = new double[d];
        foreach (int c in perturbed)
            for (int j = 0; j < d; j++) shift[j] += summaries.Means[c, j] / perturbed.Length;
        return new TrainingMeanModel(fit.Data, fit.Variables, fit.Features, shift.Select(v => (float)v).ToArray(), fit.Controls(), fit.Clock.Elapsed);
    }
}
