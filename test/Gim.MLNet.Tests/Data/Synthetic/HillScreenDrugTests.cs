using Gim.MLNet.Data.Synthetic;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>Drugs: targets, Hill curves, shifts and descriptors.</summary>
public class HillScreenDrugTests
{
    private static readonly Lazy<HillScreen> Default = new(() => HillScreen.Generate(new HillScreenOptions { Seed = 3 }));

    [Test]
    public void EveryDrugHasOneToThreeDistinctAscendingTargets()
    {
        foreach (DrugTruth drug in Default.Value.Drugs)
        {
            Assert.That(drug.Targets, Has.Count.InRange(1, 3), drug.Name);
            Assert.That(drug.Targets, Is.Unique.And.Ordered.And.All.InRange(0, 19), drug.Name);
            Assert.That(drug.MaxShifts, Has.Count.EqualTo(drug.Targets.Count));
            Assert.That(drug.MaxShifts.Select(Math.Abs), Is.All.InRange(2.0, 4.0));
            Assert.That(drug.HillK, Is.InRange(0.5, 1.5));
            Assert.That(drug.HillN, Is.InRange(1.0, 3.0));
            Assert.That(drug.Descriptor, Has.Count.EqualTo(66));
        }
        // 60 drugs with a uniform count: each of 1, 2, 3 appears (missing one has probability < 1e-10).
        Assert.That(Default.Value.Drugs.Select(h => h.Targets.Count).Distinct().Order(), Is.EqualTo(new[] { 1, 2, 3 }));
        // Both shift signs occur.
        double[] shifts = Default.Value.Drugs.SelectMany(h => h.MaxShifts).ToArray();
        Assert.That(shifts.Any(a => a > 0) && shifts.Any(a => a < 0), Is.True);
    }

    [Test]
    public void HillCurveIsHalfTheMaximumAtK()
    {
        foreach (DrugTruth drug in Default.Value.Drugs)
            for (int t = 0; t < drug.Targets.Count; t++)
            {
                double a = drug.MaxShifts[t];
                Assert.That(HillCurve.Effect(a, drug.HillK, drug.HillN, drug.HillK), Is.EqualTo(a / 2).Within(1e-12));
                Assert.That(drug.ShiftAt(drug.HillK)[drug.Targets[t]], Is.EqualTo(a / 2).Within(1e-12));
            }
    }

    [Test]
    public void HillCurveMatchesItsFormulaAndLimits()
    {
        Assert.That(HillCurve.Effect(3, 1.2, 2.5, 0), Is.EqualTo(0));
        Assert.That(HillCurve.Effect(3, 1.2, 2.5, 0.7),
            Is.EqualTo(3 * Math.Pow(0.7, 2.5) / (Math.Pow(1.2, 2.5) + Math.Pow(0.7, 2.5))).Within(1e-12));
        Assert.That(HillCurve.Effect(-3, 1.2, 2.5, 1e6), Is.EqualTo(-3).Within(1e-9));
        double[] doses = [0.25, 0.5, 0.75, 1, 1.5, 2, 2.25];
        Assert.That(doses.Select(c => HillCurve.Effect(2, 1, 1.5, c)), Is.Ordered, "increasing in the dose for a > 0");
    }

    [Test]
    public void ContextTruthShiftsOnlyTheTargetsByTheHillEffect()
    {
        HillScreen screen = Default.Value;
        foreach (HillScreenSplit split in new[] { screen.Train, screen.PartialOod, screen.FullOod })
            foreach (ContextTruth truth in split.Truth)
            {
                Assert.That(truth.Targets, Has.Length.EqualTo(20));
                Assert.That(truth.Shift, Has.Length.EqualTo(20));
                if (truth.IsControl)
                {
                    Assert.That(truth.Targets, Is.All.False);
                    Assert.That(truth.Shift, Is.All.EqualTo(0));
                    Assert.That(truth.Dose, Is.EqualTo(0));
                    continue;
                }
                DrugTruth drug = screen.Drugs[truth.Drug];
                for (int j = 0; j < 20; j++)
                {
                    int t = drug.Targets.ToList().IndexOf(j);
                    Assert.That(truth.Targets[j], Is.EqualTo(t >= 0));
                    double expected = t >= 0 ? HillCurve.Effect(drug.MaxShifts[t], drug.HillK, drug.HillN, truth.Dose) : 0;
                    Assert.That(truth.Shift[j], Is.EqualTo(expected));
                    if (t >= 0) Assert.That(truth.Shift[j], Is.Not.EqualTo(0));
                }
            }
    }

    [Test]
    public void DescriptorEncodesTargetsEffectsAndHillParametersUpToFeatureNoise()
    {
        // Without feature noise the descriptor is exact: binding part = Σ e_j over targets (unit
        // vectors), Hill parameters verbatim. Check through properties the unknown e_j cannot hide.
        HillScreen clean = HillScreen.Generate(new HillScreenOptions { FeatureNoise = 0, Seed = 5, TrainDrugs = 10, NewDrugs = 0 });
        foreach (DrugTruth drug in clean.Drugs)
        {
            Assert.That(drug.Descriptor[64], Is.EqualTo((float)drug.HillK));
            Assert.That(drug.Descriptor[65], Is.EqualTo((float)drug.HillN));
            if (drug.Targets.Count == 1)
            {
                double bindNorm = Math.Sqrt(drug.Descriptor.Take(32).Sum(v => (double)v * v));
                double effectNorm = Math.Sqrt(drug.Descriptor.Skip(32).Take(32).Sum(v => (double)v * v));
                Assert.That(bindNorm, Is.EqualTo(1).Within(1e-6));
                Assert.That(effectNorm, Is.EqualTo(Math.Abs(drug.MaxShifts[0]) / 4).Within(1e-6));
            }
        }
        // Two single-target drugs hitting the same variable share the binding vector.
        var byTarget = clean.Drugs.Where(h => h.Targets.Count == 1).GroupBy(h => h.Targets[0]).FirstOrDefault(g => g.Count() > 1);
        if (byTarget is not null)
            Assert.That(byTarget.First().Descriptor.Take(32), Is.EqualTo(byTarget.Last().Descriptor.Take(32)));

        // With the default noise (0.05) K and n are observed to within a few noise sds.
        foreach (DrugTruth drug in Default.Value.Drugs)
        {
            Assert.That(drug.Descriptor[64], Is.EqualTo(drug.HillK).Within(0.3));
            Assert.That(drug.Descriptor[65], Is.EqualTo(drug.HillN).Within(0.3));
        }
    }
}
