using Gim.MLNet.Data.Synthetic;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>Invalid options fail early with a message naming the option and the accepted range.</summary>
public class HillScreenOptionsTests
{
    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        TestCaseData Case(string option, Action<HillScreenOptions> edit, string fragment) =>
            new TestCaseData(edit, option, fragment).SetName($"Invalid {option}: {fragment}");
        yield return Case("MaxTargets", o => o.MaxTargets = 21, "between MinTargets (1) and Variables (20)");
        yield return Case("MaxTargets", o => { o.Variables = 2; o.ExpectedParents = 0.5; }, "between MinTargets (1) and Variables (2)");
        yield return Case("MinTargets", o => o.MinTargets = 0, "at least 1");
        yield return Case("Variables", o => o.Variables = 0, "at least 1");
        yield return Case("ExpectedParents", o => o.ExpectedParents = 10, "at most 9.5 for a Dag graph");
        yield return Case("ExpectedParents", o => { o.Graph = GraphKind.Cyclic; o.ExpectedParents = 20; }, "at most 19 for a Cyclic graph");
        yield return Case("ExpectedParents", o => o.ExpectedParents = -1, "at least 0");
        yield return Case("EdgeWeightMin", o => o.EdgeWeightMin = 0, "greater than 0");
        yield return Case("EdgeWeightMax", o => o.EdgeWeightMax = 0.4, "at least EdgeWeightMin (0.5)");
        yield return Case("NoiseScaleMax", o => o.NoiseScaleMax = double.NaN, "finite");
        yield return Case("ShiftMax", o => o.ShiftMax = 1, "at least ShiftMin (2)");
        yield return Case("HillKMin", o => o.HillKMin = -1, "greater than 0");
        yield return Case("HillExponentMax", o => o.HillExponentMax = 0.5, "at least HillExponentMin (1)");
        yield return Case("TrainDoses", o => o.TrainDoses = [0.5, 0.5], "twice");
        yield return Case("PartialOodDoses", o => o.PartialOodDoses = [0, 1], "greater than 0");
        yield return Case("SamplesPerTestContext", o => o.SamplesPerTestContext = 0, "at least 1");
        yield return Case("MaxSpectralRadius", o => o.MaxSpectralRadius = 1, "(0, 1)");
        yield return Case("StudentTDegreesOfFreedom", o => o.StudentTDegreesOfFreedom = 2, "above 2");
        yield return Case("FeatureNoise", o => o.FeatureNoise = -0.1, "at least 0");
        yield return Case("Noise", o => o.Noise = (NoiseKind)7, "one of Gaussian, Laplace, StudentT");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public void InvalidOptionIsRejectedByName(Action<HillScreenOptions> edit, string option, string fragment)
    {
        var options = new HillScreenOptions();
        edit(options);
        var ex = Assert.Throws<ArgumentException>(() => HillScreen.Generate(options));
        Assert.That(ex!.ParamName, Is.EqualTo(option));
        Assert.That(ex.Message, Does.Contain(option).And.Contain(fragment));
    }

    [Test]
    public void DefaultsAreTheBenchmarkSettings()
    {
        var o = new HillScreenOptions();
        Assert.DoesNotThrow(o.Validate);
        Assert.That((o.Variables, o.ExpectedParents, o.TrainDrugs, o.NewDrugs), Is.EqualTo((20, 2.0, 40, 20)));
        Assert.That(o.TrainDoses, Is.EqualTo(new[] { 0.5, 1, 1.5, 2 }));
        Assert.That(o.PartialOodDoses, Is.EqualTo(new[] { 0.25, 0.75, 1.25, 1.75, 2.25 }));
        Assert.That((o.SamplesPerTrainContext, o.ControlSamples, o.SamplesPerTestContext), Is.EqualTo((50, 800, 100)));
        Assert.That((o.EmbeddingDimension, o.FeatureNoise, o.MaxSpectralRadius), Is.EqualTo((32, 0.05, 0.8)));
        Assert.That((o.Graph, o.Mechanism, o.Noise, o.Seed), Is.EqualTo((GraphKind.Dag, MechanismKind.Linear, NoiseKind.Gaussian, 0)));
    }

    [Test]
    public void TinyAndEmptyConfigurationsWork()
    {
        HillScreen one = HillScreen.Generate(new HillScreenOptions
        {
            Variables = 1, ExpectedParents = 0, MaxTargets = 1, TrainDrugs = 1, NewDrugs = 0, EmbeddingDimension = 1,
        });
        Assert.That(one.FullOod.Data.Contexts, Is.Empty);
        Assert.That(one.FullOod.Data.VariableCount, Is.EqualTo(1));
        Assert.That(one.Train.Data.FeatureCount, Is.EqualTo(5));
        Assert.That(one.Train.Data.Contexts, Has.Count.EqualTo(5));
    }
}
