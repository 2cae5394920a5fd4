using Gim.MLNet.Runtime;

namespace Gim.MLNet.Data;

/// <summary>One fold of a split by perturbation: the training contexts (every control among them) and the held-out ones.</summary>
/// <param name="Fold">The fold's number, from 0.</param>
/// <param name="Train">Training contexts: every control and the contexts of the groups not held out.</param>
/// <param name="Test">The held-out contexts: every context of the fold's groups (no control).</param>
public sealed record PerturbationFold(int Fold, PerturbationDataset Train, PerturbationDataset Test);

/// <summary>
/// Splits that hold out whole perturbations, never single contexts: a perturbation group
/// (<see cref="PerturbationContext.Group"/>, e.g. a drug with all its doses) is entirely in training or entirely held
/// out, and controls always stay in training. A model scored on held-out contexts whose siblings it trained on (the
/// same drug at the next dose) would be scored on interpolation, not on new perturbations.
/// </summary>
public static class PerturbationSplits
{
    /// <summary>
    /// Assigns perturbation groups to <paramref name="folds"/> folds: the groups in a seeded random order, dealt round
    /// robin, so fold sizes differ by at most one group. The same groups and seed give the same folds.
    /// </summary>
    /// <param name="groups">The distinct groups to assign (controls excluded).</param>
    /// <param name="folds">The number of folds, 2 or more and at most the number of groups.</param>
    /// <param name="seed">The seed of the order.</param>
    /// <returns>Each group's fold.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 folds, more folds than groups, or a group listed twice.</exception>
    public static IReadOnlyDictionary<string, int> AssignFolds(IReadOnlyList<string> groups, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Any(g => g is null)) throw new ArgumentException("A perturbation group is null; every group needs a name.", nameof(groups));
        if (groups.Distinct(StringComparer.Ordinal).Count() != groups.Count)
            throw new ArgumentException("Each perturbation group must be listed once.", nameof(groups));
        if (folds < 2)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "A split by perturbation needs at least 2 folds.");
        if (folds > groups.Count)
            throw new ArgumentOutOfRangeException(nameof(folds), folds,
                $"{folds} folds but only {groups.Count} perturbation groups; each fold must hold out at least one group.");
        // Sorted first, so the folds depend on the groups and the seed, not on the order the data listed them in.
        string[] order = groups.OrderBy(g => g, StringComparer.Ordinal).ToArray();
        int[] permutation = new SeededRandom(seed, stream: 17).Permutation(order.Length);
        var fold = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < order.Length; i++) fold[order[permutation[i]]] = i % folds;
        return fold;
    }

    /// <summary>
    /// K-fold cross-validation by perturbation: every fold holds out the contexts of about 1/K of the groups; every
    /// control context is in every training set.
    /// </summary>
    /// <param name="data">The contexts, with their groups.</param>
    /// <param name="folds">The number of folds (2 to the number of non-control groups).</param>
    /// <param name="seed">The seed of the assignment.</param>
    /// <exception cref="ArgumentException">No control context, or fewer groups than folds.</exception>
    public static IReadOnlyList<PerturbationFold> ByGroup(PerturbationDataset data, int folds, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.Controls.Any())
            throw new ArgumentException("A split by perturbation keeps the controls in training, but the data have no control context.", nameof(data));
        var groups = data.Perturbed.Select(c => c.Group).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyDictionary<string, int> fold = AssignFolds(groups, folds, seed);
        return Enumerable.Range(0, folds).Select(k => Split(data, k,
            c => !c.IsControl && fold[c.Group] == k)).ToList();
    }

    /// <summary>
    /// Known perturbations at unseen doses (the split of the GIM paper's single-cell experiment): the contexts whose
    /// value of feature <paramref name="doseFeature"/> is one of <paramref name="heldOutDoses"/> are held out; every
    /// other context (and every control) trains. Each held-out context's group must keep at least one training dose,
    /// or it would be a new perturbation, not a new dose.
    /// </summary>
    /// <param name="data">The contexts.</param>
    /// <param name="doseFeature">The name of the dose feature.</param>
    /// <param name="heldOutDoses">The doses to hold out (compared within 1e-6 relative).</param>
    /// <exception cref="ArgumentException">An unknown feature, no context at those doses, contexts without groups, or a group with no training dose left.</exception>
    public static PerturbationFold HeldOutDoses(PerturbationDataset data, string doseFeature, IReadOnlyCollection<double> heldOutDoses)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(heldOutDoses);
        int j = data.FeatureNames.ToList().IndexOf(doseFeature);
        if (j < 0)
            throw new ArgumentException($"No feature named '{doseFeature}'; the features are {string.Join(", ", data.FeatureNames.Take(10))}{(data.FeatureCount > 10 ? ", ..." : "")}.", nameof(doseFeature));
        bool Held(PerturbationContext c) => !c.IsControl && heldOutDoses.Any(d => Math.Abs(c.Features[j] - d) <= 1e-6 * Math.Max(1, Math.Abs(d)));
        PerturbationFold split = Split(data, 0, Held);
        if (split.Test.Contexts.Count == 0)
            throw new ArgumentException($"No context has '{doseFeature}' at {string.Join(", ", heldOutDoses)}.", nameof(heldOutDoses));
        var trained = split.Train.Perturbed.Select(c => c.Group).ToHashSet(StringComparer.Ordinal);
        if (data.Perturbed.All(c => c.Group == c.Name))
            throw new ArgumentException("Every perturbed context is its own group, so no held-out dose has a sibling dose in training; " +
                "give each context its perturbation (e.g. the drug) as Group (PerturbationContext.Group, or GroupColumnName in the ML.NET reader).", nameof(data));
        if (split.Test.Contexts.FirstOrDefault(c => !trained.Contains(c.Group)) is { } orphan)
            throw new ArgumentException($"Perturbation '{orphan.Group}' has no training dose left once {string.Join(", ", heldOutDoses)} are held out; a held-out dose split predicts known perturbations at new doses.", nameof(heldOutDoses));
        return split;
    }

    private static PerturbationFold Split(PerturbationDataset data, int fold, Func<PerturbationContext, bool> heldOut) =>
        new(fold,
            new PerturbationDataset(data.Contexts.Where(c => !heldOut(c)).ToList(), data.VariableNames, data.FeatureNames),
            new PerturbationDataset(data.Contexts.Where(heldOut).ToList(), data.VariableNames, data.FeatureNames));
}
