using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Runtime;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>Descriptors that do not determine the effect: the sign left out, decoy descriptors.</summary>
public class HillScreenPartialDescriptorTests
{
    private static HillScreenOptions Options(int seed, DescriptorKind kind = DescriptorKind.Embedding) => new()
    {
        Seed = seed, Descriptor = kind, ControlSamples = 10, SamplesPerTrainContext = 2, SamplesPerTestContext = 2,
    };

    [TestCase(DescriptorKind.Embedding)]
    [TestCase(DescriptorKind.Fingerprint)]
    public void DrugsDifferingOnlyInTheSignsOfTheirShiftsLookTheSameWhenTheSignIsNotEncoded(DescriptorKind kind)
    {
        var effect = new DrugFactory.Effect([2, 5, 11], [2.5, -3.0, 3.5], 0.9, 2.2);
        var flipped = effect with { MaxShifts = effect.MaxShifts.Select(a => -a).ToArray() };
        float[] Describe(bool signEncoded, DrugFactory.Effect e)
        {
            HillScreenOptions o = Options(3, kind);
            o.DescriptorSignEncoded = signEncoded;
            // The same map stream and the same drug stream for both effects.
            return new DrugFactory(o, new SeededRandom(3, 2)).Describe(e, new SeededRandom(3, 3, 17));
        }
        Assert.That(Describe(false, flipped), Is.EqualTo(Describe(false, effect)), "sign not encoded: identical descriptors");
        Assert.That(Describe(true, flipped), Is.Not.EqualTo(Describe(true, effect)), "sign encoded: the descriptors differ");
        var allUp = effect with { MaxShifts = effect.MaxShifts.Select(Math.Abs).ToArray() };
        Assert.That(Describe(false, effect), Is.EqualTo(Describe(true, allUp)), "without the sign every shift is described as an up-shift");
    }

    [Test]
    public void WithoutTheSignTheEffectSignatureOfASingleTargetDrugPointsOneWay()
    {
        // No feature noise: a single-target drug's effect part is a_hj·e'_j/4 (sign encoded) or |a_hj|·e'_j/4.
        // Two such drugs on the same variable then have cosine sign(a·a') with the sign, +1 without it.
        HillScreenOptions encoded = Options(5), hidden = Options(5);
        encoded.FeatureNoise = hidden.FeatureNoise = 0;
        encoded.MaxTargets = hidden.MaxTargets = 1;
        hidden.DescriptorSignEncoded = false;
        HillScreen withSign = HillScreen.Generate(encoded), withoutSign = HillScreen.Generate(hidden);
        int opposite = 0;
        foreach (var group in withSign.Drugs.GroupBy(h => h.Targets[0]).Where(g => g.Count() > 1))
        {
            DrugTruth a = group.First(), b = group.Last();
            double sign = Math.Sign(a.MaxShifts[0] * b.MaxShifts[0]);
            if (sign < 0) opposite++;
            Assert.That(HillScreenPanelMath.Cosine(a.Descriptor.Skip(32).Take(32).ToArray(), b.Descriptor.Skip(32).Take(32).ToArray()),
                Is.EqualTo(sign).Within(1e-5));
            DrugTruth a2 = withoutSign.Drugs[a.Index], b2 = withoutSign.Drugs[b.Index];
            Assert.That(HillScreenPanelMath.Cosine(a2.Descriptor.Skip(32).Take(32).ToArray(), b2.Descriptor.Skip(32).Take(32).ToArray()),
                Is.EqualTo(1).Within(1e-5));
        }
        Assert.That(opposite, Is.GreaterThan(0), "some pairs on the same variable shift it in opposite directions");
    }

    [TestCase(DescriptorKind.Embedding)]
    [TestCase(DescriptorKind.Fingerprint)]
    public void HidingTheSignChangesOnlyTheDescriptorsOfDrugsWithADownShift(DescriptorKind kind)
    {
        HillScreenOptions hidden = Options(6, kind);
        hidden.DescriptorSignEncoded = false;
        HillScreen a = HillScreen.Generate(Options(6, kind)), b = HillScreen.Generate(hidden);
        for (int h = 0; h < a.Drugs.Count; h++)
        {
            Assert.That(b.Drugs[h].MaxShifts, Is.EqualTo(a.Drugs[h].MaxShifts));
            bool anyDown = a.Drugs[h].MaxShifts.Any(s => s < 0);
            if (anyDown) Assert.That(b.Drugs[h].Descriptor, Is.Not.EqualTo(a.Drugs[h].Descriptor), a.Drugs[h].Name);
            else Assert.That(b.Drugs[h].Descriptor, Is.EqualTo(a.Drugs[h].Descriptor), a.Drugs[h].Name);
        }
        for (int k = 0; k < a.Train.Data.Contexts.Count; k++)
            Assert.That(b.Train.Data.Contexts[k].Samples, Is.EqualTo(a.Train.Data.Contexts[k].Samples));
    }

    [Test]
    public void TheDocumentedFractionOfDrugsGetsADecoyDescriptor()
    {
        HillScreenOptions o = Options(8);
        o.UninformativeDescriptorFraction = 0.25;
        o.TrainDrugs = 10; // 2.5 rounds up to 3
        HillScreen screen = HillScreen.Generate(o);
        Assert.That(screen.Drugs.Take(10).Count(h => !h.DescriptorIsInformative), Is.EqualTo(3));
        Assert.That(screen.Drugs.Skip(10).Count(h => !h.DescriptorIsInformative), Is.EqualTo(5));

        o.UninformativeDescriptorFraction = 0;
        Assert.That(HillScreen.Generate(o).Drugs, Has.All.Matches<DrugTruth>(h => h.DescriptorIsInformative));
        o.UninformativeDescriptorFraction = 1;
        Assert.That(HillScreen.Generate(o).Drugs, Has.None.Matches<DrugTruth>(h => h.DescriptorIsInformative));
    }

    [Test]
    public void DecoyDescriptorsCarryNothingAboutTheDrugAndChangeNothingElse()
    {
        HillScreenOptions plain = Options(9), decoys = Options(9);
        plain.TrainDrugs = decoys.TrainDrugs = 160;
        decoys.UninformativeDescriptorFraction = 0.5;
        HillScreen a = HillScreen.Generate(plain), b = HillScreen.Generate(decoys);
        Assert.That(b.Drugs.Count(h => !h.DescriptorIsInformative), Is.EqualTo(80 + 10));

        // Truth and cells are the fraction-0 screen's; informative drugs keep their descriptors, decoys do not.
        Assert.That(b.TrueGraph, Is.EqualTo(a.TrueGraph));
        for (int h = 0; h < a.Drugs.Count; h++)
        {
            Assert.That((b.Drugs[h].Targets, b.Drugs[h].MaxShifts, b.Drugs[h].HillK, b.Drugs[h].HillN),
                Is.EqualTo((a.Drugs[h].Targets, a.Drugs[h].MaxShifts, a.Drugs[h].HillK, a.Drugs[h].HillN)));
            if (b.Drugs[h].DescriptorIsInformative) Assert.That(b.Drugs[h].Descriptor, Is.EqualTo(a.Drugs[h].Descriptor));
            else Assert.That(b.Drugs[h].Descriptor, Is.Not.EqualTo(a.Drugs[h].Descriptor));
        }
        for (int k = 0; k < a.Train.Data.Contexts.Count; k++)
            Assert.That(b.Train.Data.Contexts[k].Samples, Is.EqualTo(a.Train.Data.Contexts[k].Samples));

        // A decoy's hill_K column is a random decoy's K: uncorrelated with the drug's own K (90 decoys:
        // sd of a null correlation ≈ 0.11), while an informative descriptor's follows K up to noise 0.05
        // (corr = 0.289/√(0.289² + 0.05²) = 0.985 for K ~ U[0.5, 1.5]). Measured on seed 9: 0.984 and 0.102.
        DrugTruth[] informative = b.Drugs.Where(h => h.DescriptorIsInformative).ToArray();
        DrugTruth[] uninformative = b.Drugs.Where(h => !h.DescriptorIsInformative).ToArray();
        double KCorrelation(DrugTruth[] drugs) => HillScreenPanelMath.Correlation(
            drugs.Select(h => h.HillK).ToArray(), drugs.Select(h => (double)h.Descriptor[64]).ToArray());
        double ri = KCorrelation(informative), ru = KCorrelation(uninformative);
        TestContext.Out.WriteLine($"corr(K, hill_K column): informative {ri:0.000}, decoys {ru:0.000}");
        Assert.That(ri, Is.GreaterThan(0.95));
        Assert.That(Math.Abs(ru), Is.LessThan(0.4));

        // A decoy's binding part still looks like a drug's: the norm of a sum of 1–3 unit vectors plus noise.
        double[] norms = uninformative.Select(h => Math.Sqrt(h.Descriptor.Take(32).Sum(v => (double)v * v))).ToArray();
        Assert.That(norms, Is.All.InRange(0.5, 3.5));
    }
}
