using CsCheck;
using Gim.MLNet.Data;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data;

/// <summary>Splits by perturbation: a group is never on both sides, controls always train, folds cover every group once.</summary>
public class PerturbationSplitsTests
{
    [Test]
    public void AssignFolds_PutsEveryGroupInExactlyOneFold_OfBalancedSize()
    {
        Gen.Select(Gen.Int[2, 40], Gen.Int[2, 12], Gen.Int)
            .Where(t => t.Item2 <= t.Item1)
            .Sample(t =>
            {
                var (groupCount, folds, seed) = t;
                var groups = Enumerable.Range(0, groupCount).Select(i => $"drug{i}").ToList();
                IReadOnlyDictionary<string, int> fold = PerturbationSplits.AssignFolds(groups, folds, seed);
                Assert.That(fold.Keys, Is.EquivalentTo(groups));
                Assert.That(fold.Values, Has.All.InRange(0, folds - 1));
                var sizes = Enumerable.Range(0, folds).Select(k => fold.Values.Count(v => v == k)).ToList();
                Assert.That(sizes.Max() - sizes.Min(), Is.LessThanOrEqualTo(1), "fold sizes differ by one group at most");
                Assert.That(sizes.Min(), Is.GreaterThan(0), "every fold holds out a group");
            }, iter: 300, seed: "0N0XIzNsQ0O2");
    }

    [Test]
    public void AssignFolds_DependsOnTheGroupsAndSeed_NotOnTheirOrder()
    {
        var groups = Enumerable.Range(0, 20).Select(i => $"g{i}").ToList();
        var reversed = Enumerable.Reverse(groups).ToList();
        Assert.That(PerturbationSplits.AssignFolds(reversed, 4, 3), Is.EquivalentTo(PerturbationSplits.AssignFolds(groups, 4, 3)));
        Assert.That(PerturbationSplits.AssignFolds(groups, 4, 4), Is.Not.EquivalentTo(PerturbationSplits.AssignFolds(groups, 4, 3)));
        Assert.That(() => PerturbationSplits.AssignFolds(groups, 21, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("20 perturbation groups"));
        Assert.That(() => PerturbationSplits.AssignFolds(new[] { "a", "a" }, 2, 0), Throws.ArgumentException.With.Message.Contains("once"));
    }

    [Test]
    public void ByGroup_NeverSplitsADrugAcrossDoses_AndKeepsTheControlInEveryTrainingSet()
    {
        var screen = TrainingFixtures.SmallScreen();
        PerturbationDataset data = screen.Train.Data;
        IReadOnlyList<PerturbationFold> folds = PerturbationSplits.ByGroup(data, folds: 5, seed: 2);
        Assert.That(folds, Has.Count.EqualTo(5));
        foreach (PerturbationFold fold in folds)
        {
            var trainGroups = fold.Train.Perturbed.Select(c => c.Group).ToHashSet();
            Assert.That(fold.Test.Contexts.Select(c => c.Group), Has.None.Matches<string>(trainGroups.Contains), $"fold {fold.Fold}");
            Assert.That(fold.Train.Controls.Count(), Is.EqualTo(data.Controls.Count()), "controls always train");
            Assert.That(fold.Test.Contexts, Has.None.Matches<PerturbationContext>(c => c.IsControl));
            Assert.That(fold.Train.Contexts.Count + fold.Test.Contexts.Count, Is.EqualTo(data.Contexts.Count));
        }
        // Each context is held out exactly once; the Hill screen's groups are the drugs (all doses together).
        Assert.That(folds.SelectMany(f => f.Test.Contexts.Select(c => c.Name)), Is.EquivalentTo(data.Perturbed.Select(c => c.Name)));
        Assert.That(data.Perturbed.Select(c => c.Group).Distinct().Count(), Is.EqualTo(screen.Drugs.Count(d => !d.IsNew)));
    }

    [Test]
    public void HeldOutDoses_TestsKnownDrugsAtUnseenDoses_AndRefusesToOrphanADrug()
    {
        var screen = TrainingFixtures.SmallScreen();
        PerturbationFold split = PerturbationSplits.HeldOutDoses(screen.Train.Data, "dose", new[] { 2.0 });
        Assert.That(split.Test.Contexts, Has.All.Matches<PerturbationContext>(c => Math.Abs(c.Features[^1] - 2) < 1e-6));
        Assert.That(split.Train.Perturbed, Has.None.Matches<PerturbationContext>(c => Math.Abs(c.Features[^1] - 2) < 1e-6));
        var trained = split.Train.Perturbed.Select(c => c.Group).ToHashSet();
        Assert.That(split.Test.Contexts.Select(c => c.Group), Has.All.Matches<string>(trained.Contains), "every held-out drug trains at another dose");

        Assert.That(() => PerturbationSplits.HeldOutDoses(screen.Train.Data, "dose", new[] { 0.5, 1.0, 1.5, 2.0 }),
            Throws.ArgumentException.With.Message.Contains("no training dose left"));
        Assert.That(() => PerturbationSplits.HeldOutDoses(screen.Train.Data, "concentration", new[] { 2.0 }),
            Throws.ArgumentException.With.Message.Contains("No feature named 'concentration'"));
        Assert.That(() => PerturbationSplits.HeldOutDoses(screen.Train.Data, "dose", new[] { 7.0 }),
            Throws.ArgumentException.With.Message.Contains("No context has 'dose' at 7"));

        // Without groups every context is its own perturbation: say so, rather than "no training dose left".
        var ungrouped = new PerturbationDataset(screen.Train.Data.Contexts.Select(c => new PerturbationContext(c.Name, c.Features, c.Samples, c.IsControl)).ToList(),
            screen.Train.Data.VariableNames, screen.Train.Data.FeatureNames);
        Assert.That(() => PerturbationSplits.HeldOutDoses(ungrouped, "dose", new[] { 2.0 }),
            Throws.ArgumentException.With.Message.Contains("its own group").And.Message.Contains("Group"));
    }
}
