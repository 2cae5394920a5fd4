using System.Collections;
using System.Reflection;
using Gim.MLNet.Data.Synthetic;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>The panel's options: defaults, validation naming the option and value, copies.</summary>
public class HillScreenDescriptorOptionsTests
{
    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        TestCaseData Case(string option, Action<HillScreenOptions> edit, string fragment) =>
            new TestCaseData(edit, option, fragment).SetName($"Invalid {option}: {fragment}");
        yield return Case("Descriptor", o => o.Descriptor = (DescriptorKind)5, "is 5; it must be one of Embedding, Fingerprint");
        yield return Case("Graph", o => o.Graph = (GraphKind)9, "one of Dag, Cyclic, ScaleFree");
        yield return Case("UninformativeDescriptorFraction", o => o.UninformativeDescriptorFraction = -0.1, "is -0.1; it must be a number in [0, 1]");
        yield return Case("UninformativeDescriptorFraction", o => o.UninformativeDescriptorFraction = 1.5, "is 1.5; it must be a number in [0, 1]");
        yield return Case("UninformativeDescriptorFraction", o => o.UninformativeDescriptorFraction = double.NaN, "is NaN; it must be a number in [0, 1]");
        yield return Case("FingerprintBits", o => o.FingerprintBits = 0, "is 0; it must be at least 1");
        yield return Case("FingerprintBitsPerTarget", o => o.FingerprintBitsPerTarget = 0, "is 0; it must be between 1 and FingerprintBits (256)");
        yield return Case("FingerprintBitsPerTarget", o => o.FingerprintBits = 3, "is 4; it must be between 1 and FingerprintBits (3)");
        yield return Case("FingerprintBitProbability", o => o.FingerprintBitProbability = 1.2, "is 1.2; it must be a number in [0, 1]");
        yield return Case("FingerprintBackgroundDensity", o => o.FingerprintBackgroundDensity = -0.01, "is -0.01; it must be a number in [0, 1]");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public void InvalidOptionIsRejectedByName(Action<HillScreenOptions> edit, string option, string fragment)
    {
        var options = new HillScreenOptions();
        edit(options);
        var ex = Assert.Throws<ArgumentException>(() => HillScreen.Generate(options));
        Assert.That(ex!.ParamName, Is.EqualTo(option));
        Assert.That(ex.Message, Does.Contain($"HillScreenOptions.{option} ").And.Contain(fragment));
    }

    [Test]
    public void DescriptorDefaultsAreTheBenchmarkEmbeddingWithEverythingInformative()
    {
        var o = new HillScreenOptions();
        Assert.That((o.Descriptor, o.DescriptorSignEncoded, o.UninformativeDescriptorFraction),
            Is.EqualTo((DescriptorKind.Embedding, true, 0.0)));
        Assert.That((o.FingerprintBits, o.FingerprintBitsPerTarget, o.FingerprintBitProbability, o.FingerprintBackgroundDensity),
            Is.EqualTo((256, 4, 0.8, 0.02)));
    }

    [Test]
    public void CloneCopiesEverySetting()
    {
        var o = new HillScreenOptions
        {
            Graph = GraphKind.ScaleFree, Descriptor = DescriptorKind.Fingerprint, DescriptorSignEncoded = false,
            UninformativeDescriptorFraction = 0.3, FingerprintBits = 100, FingerprintBitsPerTarget = 3,
            FingerprintBitProbability = 0.6, FingerprintBackgroundDensity = 0.05, Seed = 4,
        };
        HillScreenOptions copy = o.Clone();
        foreach (PropertyInfo p in typeof(HillScreenOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            object? a = p.GetValue(o), b = p.GetValue(copy);
            if (a is IEnumerable x && b is IEnumerable y) Assert.That(y, Is.EqualTo(x), p.Name);
            else Assert.That(b, Is.EqualTo(a), p.Name);
        }
        // The screen keeps the options it was made with.
        HillScreen screen = HillScreen.Generate(new HillScreenOptions
        {
            Descriptor = DescriptorKind.Fingerprint, UninformativeDescriptorFraction = 0.5, TrainDrugs = 2, NewDrugs = 1,
        });
        Assert.That((screen.Options.Descriptor, screen.Options.UninformativeDescriptorFraction), Is.EqualTo((DescriptorKind.Fingerprint, 0.5)));
    }
}
