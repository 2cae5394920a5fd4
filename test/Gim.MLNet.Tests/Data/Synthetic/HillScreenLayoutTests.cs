using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>The default screen has exactly the shape BENCHMARK.md §1 fixes.</summary>
public class HillScreenLayoutTests
{
    private static readonly Lazy<HillScreen> Default = new(() => HillScreen.Generate(new HillScreenOptions()));

    [Test]
    public void TrainSplitIsControlPlus160ContextsOf50Cells()
    {
        PerturbationDataset train = Default.Value.Train.Data;
        Assert.That(train.Contexts, Has.Count.EqualTo(161));
        Assert.That(train.Controls.Count(), Is.EqualTo(1));
        PerturbationContext control = train.Contexts[0];
        Assert.That(control.Name, Is.EqualTo("control"));
        Assert.That(control.IsControl, Is.True);
        Assert.That(control.SampleCount, Is.EqualTo(800));
        Assert.That(control.Features, Is.All.EqualTo(0f));
        Assert.That(train.Perturbed.Count(), Is.EqualTo(160));
        Assert.That(train.Perturbed.Select(c => c.SampleCount), Is.All.EqualTo(50));
        Assert.That(train.SampleCount, Is.EqualTo(160 * 50 + 800));
        Assert.DoesNotThrow(() => train.Validate());
    }

    [Test]
    public void TestSplitsHave200And80ContextsOf100CellsAndNoControl()
    {
        HillScreen screen = Default.Value;
        Assert.That(screen.PartialOod.Data.Contexts, Has.Count.EqualTo(200));
        Assert.That(screen.FullOod.Data.Contexts, Has.Count.EqualTo(80));
        foreach (HillScreenSplit split in new[] { screen.PartialOod, screen.FullOod })
        {
            Assert.That(split.Data.Controls, Is.Empty, split.Name);
            Assert.That(split.Data.Contexts.Select(c => c.SampleCount), Is.All.EqualTo(100), split.Name);
            Assert.DoesNotThrow(() => split.Data.Validate(requireControl: false), split.Name);
        }
    }

    [Test]
    public void EverySplitHas20VariablesAnd67NamedFeatures()
    {
        HillScreen screen = Default.Value;
        string[] expectedFeatures = Enumerable.Range(0, 32).Select(i => $"bind{i}")
            .Concat(Enumerable.Range(0, 32).Select(i => $"effect{i}"))
            .Concat(["hill_K", "hill_n", "dose"]).ToArray();
        foreach (HillScreenSplit split in new[] { screen.Train, screen.PartialOod, screen.FullOod })
        {
            Assert.That(split.Data.VariableCount, Is.EqualTo(20));
            Assert.That(split.Data.VariableNames, Is.EqualTo(Enumerable.Range(0, 20).Select(j => $"g{j}")));
            Assert.That(split.Data.FeatureNames, Is.EqualTo(expectedFeatures));
            Assert.That(split.Data.Contexts.Select(c => c.Features.Length), Is.All.EqualTo(67));
        }
        Assert.That(screen.TrueGraph.GetLength(0), Is.EqualTo(20));
        Assert.That(screen.TrueGraph.GetLength(1), Is.EqualTo(20));
        Assert.That(screen.NoiseScale, Has.Length.EqualTo(20));
        Assert.That(screen.Drugs, Has.Count.EqualTo(60));
    }

    [Test]
    public void ContextsAreNamedDrugAtDoseAndAlignedWithTheirTruth()
    {
        HillScreen screen = Default.Value;
        Assert.That(screen.Train.Data.Contexts[1].Name, Is.EqualTo("drug00@0.5"));
        Assert.That(screen.Train.Data.Contexts.Select(c => c.Name), Does.Contain("drug07@1.5"));
        Assert.That(screen.PartialOod.Data.Contexts.Select(c => c.Name), Does.Contain("drug39@2.25"));
        Assert.That(screen.FullOod.Data.Contexts[0].Name, Is.EqualTo("drug40@0.5"));
        Assert.That(screen.FullOod.Data.Contexts[^1].Name, Is.EqualTo("drug59@2"));

        foreach (HillScreenSplit split in new[] { screen.Train, screen.PartialOod, screen.FullOod })
            for (int k = 0; k < split.Data.Contexts.Count; k++)
            {
                PerturbationContext context = split.Data.Contexts[k];
                ContextTruth truth = split.Truth[k];
                Assert.That(truth.Name, Is.EqualTo(context.Name));
                Assert.That(truth.IsControl, Is.EqualTo(context.IsControl));
                Assert.That(context.Features[^1], Is.EqualTo((float)truth.Dose), "the last feature is the dose");
                if (truth.IsControl) continue;
                DrugTruth drug = screen.Drugs[truth.Drug];
                Assert.That(context.Name, Is.EqualTo($"{drug.Name}@{truth.Dose.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
                Assert.That(context.Features[..^1], Is.EqualTo(drug.Descriptor), "features = [descriptor, dose]");
            }

        Assert.That(screen.Train.Truth.Skip(1).Select(t => t.Drug).Distinct(), Is.EqualTo(Enumerable.Range(0, 40)));
        Assert.That(screen.PartialOod.Truth.Select(t => t.Drug).Distinct(), Is.EqualTo(Enumerable.Range(0, 40)));
        Assert.That(screen.FullOod.Truth.Select(t => t.Drug).Distinct(), Is.EqualTo(Enumerable.Range(40, 20)));
        Assert.That(screen.Train.Truth.Skip(1).Select(t => t.Dose).Distinct(), Is.EqualTo(new[] { 0.5, 1, 1.5, 2 }));
        Assert.That(screen.PartialOod.Truth.Select(t => t.Dose).Distinct(), Is.EqualTo(new[] { 0.25, 0.75, 1.25, 1.75, 2.25 }));
        Assert.That(screen.FullOod.Truth.Select(t => t.Dose).Distinct(), Is.EqualTo(new[] { 0.5, 1, 1.5, 2 }));
        Assert.That(screen.Drugs.Select(h => h.IsNew), Is.EqualTo(Enumerable.Range(0, 60).Select(h => h >= 40)));
    }

    [Test]
    public void OptionsAreCopiedSoLaterEditsDoNotChangeTheScreen()
    {
        var options = new HillScreenOptions { TrainDrugs = 2, NewDrugs = 1 };
        HillScreen screen = HillScreen.Generate(options);
        options.TrainDrugs = 5;
        Assert.That(screen.Options.TrainDrugs, Is.EqualTo(2));
        Assert.That(screen.Options, Is.Not.SameAs(options));
    }

    [Test]
    public void DefaultScreenIsGeneratedQuickly()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        HillScreen screen = HillScreen.Generate(new HillScreenOptions { Seed = 123 });
        watch.Stop();
        TestContext.Out.WriteLine($"Default HillScreen: {screen.Train.Data.SampleCount + screen.PartialOod.Data.SampleCount + screen.FullOod.Data.SampleCount} cells in {watch.Elapsed.TotalMilliseconds:0} ms");
        // Generous bound for a shared 2-core machine; the work is ~37k cells × d² multiply-adds.
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }
}
