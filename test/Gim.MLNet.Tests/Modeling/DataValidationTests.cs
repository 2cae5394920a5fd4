using Gim.MLNet.Causal;
using Gim.MLNet.Data;

namespace Gim.MLNet.Tests.Modeling;

public class DataValidationTests
{
    private static PerturbationContext Context(string name, int n, int d, bool control = false, int p = 2, float fill = 1f)
    {
        var samples = new float[n, d];
        var rng = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xffff);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                samples[i, j] = fill * (float)rng.NextDouble();
        return new PerturbationContext(name, new float[p], samples, control);
    }

    private static string Fails(PerturbationDataset data) =>
        Assert.Throws<ArgumentException>(() => new GimTrainer(new GimOptions { MaxSteps = 1 }).Fit(data))!.Message;

    [Test]
    public void NoControlContext_IsNamed()
    {
        Assert.That(Fails(new PerturbationDataset(new[] { Context("a", 5, 3), Context("b", 5, 3) })), Does.Contain("No control context"));
    }

    [Test]
    public void ContextWithOneCell_NamesTheContext()
    {
        Assert.That(Fails(new PerturbationDataset(new[] { Context("ctrl", 5, 3, true), Context("drugX", 1, 3) })),
            Does.Contain("'drugX'").And.Contain("at least 2"));
    }

    [Test]
    public void MismatchedVariableCount_NamesTheContextAndBothCounts()
    {
        Assert.That(Fails(new PerturbationDataset(new[] { Context("ctrl", 5, 3, true), Context("drugY", 5, 4) })),
            Does.Contain("'drugY'").And.Contain("4 measured variables").And.Contain("expected 3"));
    }

    [Test]
    public void NonFiniteMeasurement_NamesContextCellAndVariable()
    {
        var bad = Context("drugZ", 5, 3);
        bad.Samples[2, 1] = float.NaN;
        string message = Fails(new PerturbationDataset(new[] { Context("ctrl", 5, 3, true), bad }, new[] { "Raf", "Mek", "Erk" }));
        Assert.That(message, Does.Contain("'drugZ'").And.Contain("cell 2").And.Contain("'Mek'"));
    }

    [Test]
    public void NonFiniteFeature_NamesContextAndFeature()
    {
        var bad = Context("drugW", 5, 3);
        bad.Features[1] = float.PositiveInfinity;
        string message = Fails(new PerturbationDataset(new[] { Context("ctrl", 5, 3, true), bad }, featureNames: new[] { "dose", "logP" }));
        Assert.That(message, Does.Contain("'drugW'").And.Contain("'logP'"));
    }

    [Test]
    public void DuplicateNames_AreRejected()
    {
        Assert.That(Fails(new PerturbationDataset(new[] { Context("ctrl", 5, 2, true), Context("ctrl", 5, 2) })), Does.Contain("'ctrl' appears more than once"));
        Assert.That(Fails(new PerturbationDataset(new[] { Context("ctrl", 5, 2, true), Context("a", 5, 2) }, new[] { "g", "g" })), Does.Contain("'g' appears more than once"));
    }

    [Test]
    public void ConstantVariable_StandardisesWithoutDividingByZero()
    {
        var control = Context("ctrl", 10, 2, true, fill: 0f); // every control value 0: zero variance
        Standardizer s = Standardizer.FitRows(new[] { control.Samples }, 2);
        Assert.That(s.Scale, Is.EqualTo(new[] { 1.0, 1.0 }));
    }
}
