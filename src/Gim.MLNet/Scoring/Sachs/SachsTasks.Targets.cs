using Gim.MLNet.Data;
using Gim.MLNet.Data.Sachs;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Scoring;

public static partial class SachsTasks
{
    /// <summary>
    /// Task (b): the model's target probabilities for each of <see cref="SachsDataset.TargetedConditions"/> (read
    /// from the features of that condition in <paramref name="data"/>), scored against the nominal targets.
    /// </summary>
    /// <param name="model">A fitted model.</param>
    /// <param name="data">Any Sachs data set holding the targeted conditions (only their features are used).</param>
    /// <returns>The scores, or null when the model has no notion of targets.</returns>
    public static SachsTargetScore? ScoreTargets(PerturbationModel model, PerturbationDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!model.VariableNames.SequenceEqual(SachsDataset.VariableNames))
            throw new ArgumentException($"The model's variables are {string.Join(", ", model.VariableNames)}; the Sachs variables are {string.Join(", ", SachsDataset.VariableNames)}.", nameof(model));
        IReadOnlyList<string> conditions = SachsDataset.TargetedConditions;
        bool[,] mask = SachsDataset.NominalTargetMask(conditions);
        int d = SachsDataset.VariableNames.Count;
        var probabilities = new float[conditions.Count][];
        var nominal = new bool[conditions.Count][];
        var scores = new List<double>();
        var labels = new List<bool>();
        for (int c = 0; c < conditions.Count; c++)
        {
            PerturbationContext context = data.Contexts.FirstOrDefault(x => x.Name == conditions[c])
                ?? throw new ArgumentException($"The data have no condition '{conditions[c]}'.", nameof(data));
            float[]? pi = model.TargetProbabilities(context.Features);
            if (pi is null) return null;
            probabilities[c] = pi;
            nominal[c] = Enumerable.Range(0, d).Select(j => mask[c, j]).ToArray();
            scores.AddRange(pi.Select(p => (double)p));
            labels.AddRange(nominal[c]);
        }
        return new SachsTargetScore(conditions, probabilities, nominal,
            ClassificationMetrics.Auroc(scores, labels), ClassificationMetrics.Auprc(scores, labels));
    }
}
