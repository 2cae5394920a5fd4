using System.Collections;
using System.Reflection;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>The panel of screen families: names, option sets, drug counts, lookup.</summary>
public class HillScreenPanelTests
{
    private static readonly string[] Names =
        ["default", "cyclic", "scale-free", "nonlinear", "heavy-tailed", "fingerprint", "partial-descriptors", "few-drugs", "many-drugs"];

    // What each family changes from the default options (XML docs of HillScreenPanel.Families).
    private static readonly Dictionary<string, string[]> Changes = new()
    {
        ["default"] = [],
        ["cyclic"] = ["Graph"],
        ["scale-free"] = ["Graph"],
        ["nonlinear"] = ["Mechanism"],
        ["heavy-tailed"] = ["Noise"],
        ["fingerprint"] = ["Descriptor"],
        ["partial-descriptors"] = ["DescriptorSignEncoded", "UninformativeDescriptorFraction"],
        ["few-drugs"] = ["TrainDrugs"],
        ["many-drugs"] = ["TrainDrugs"],
    };

    [Test]
    public void ThePanelHasTheNamedFamiliesWithOneLineDescriptions()
    {
        Assert.That(HillScreenPanel.Families.Select(f => f.Name), Is.EqualTo(Names));
        foreach (HillScreenFamily family in HillScreenPanel.Families)
        {
            Assert.That(family.Name, Does.Match("^[a-z]+(-[a-z]+)*$"), "lowercase with dashes: it appears in CSV files");
            Assert.That(family.Description, Is.Not.Empty.And.Not.Contain("\n"), family.Name);
            Assert.That(family.Description, Does.Contain("break"), $"{family.Name}: says which assumption it breaks, or none");
            Assert.That(HillScreenPanel.Family(family.Name), Is.SameAs(family));
        }
    }

    [Test]
    public void EachFamilyChangesOnlyItsDocumentedOptions([Values(0, 7)] int seed)
    {
        var defaults = new HillScreenOptions { Seed = seed };
        foreach (HillScreenFamily family in HillScreenPanel.Families)
        {
            HillScreenOptions options = family.Options(seed);
            Assert.That(options, Is.Not.SameAs(family.Options(seed)), "a new object per call");
            string[] changed = typeof(HillScreenOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => !Same(p.GetValue(options), p.GetValue(defaults))).Select(p => p.Name).Order().ToArray();
            Assert.That(changed, Is.EqualTo(Changes[family.Name].Order()), family.Name);
        }
        Assert.That(HillScreenPanel.Family("heavy-tailed").Options(seed).Noise, Is.EqualTo(NoiseKind.StudentT));
        Assert.That(HillScreenPanel.Family("heavy-tailed").Options(seed).StudentTDegreesOfFreedom, Is.EqualTo(5));
        Assert.That(HillScreenPanel.Family("partial-descriptors").Options(seed).UninformativeDescriptorFraction, Is.EqualTo(0.25));
        Assert.That(HillScreenPanel.Family("scale-free").Options(seed).Graph, Is.EqualTo(GraphKind.ScaleFree));
    }

    private static bool Same(object? a, object? b) =>
        a is IEnumerable x && b is IEnumerable y ? x.Cast<object>().SequenceEqual(y.Cast<object>()) : Equals(a, b);

    private static readonly Lazy<Dictionary<string, HillScreen>> Screens =
        new(() => HillScreenPanel.Families.ToDictionary(f => f.Name, f => f.Generate(0)));

    [Test]
    public void EveryFamilyGeneratesValidatesAndHasItsDrugCounts()
    {
        foreach (HillScreenFamily family in HillScreenPanel.Families)
        {
            HillScreen screen = Screens.Value[family.Name];
            int train = family.Name switch { "few-drugs" => 10, "many-drugs" => 160, _ => 40 };
            Assert.That(screen.Drugs, Has.Count.EqualTo(train + 20), family.Name);
            Assert.That(screen.Drugs.Count(h => h.IsNew), Is.EqualTo(20), family.Name);
            Assert.That(screen.Train.Data.Contexts, Has.Count.EqualTo(4 * train + 1), family.Name);
            Assert.That(screen.PartialOod.Data.Contexts, Has.Count.EqualTo(5 * train), family.Name);
            Assert.That(screen.FullOod.Data.Contexts, Has.Count.EqualTo(80), family.Name);
            Assert.DoesNotThrow(() => screen.Train.Data.Validate(), family.Name);
            Assert.DoesNotThrow(() => screen.PartialOod.Data.Validate(requireControl: false), family.Name);
            Assert.DoesNotThrow(() => screen.FullOod.Data.Validate(requireControl: false), family.Name);
            Assert.That(screen.FeatureNames[^1], Is.EqualTo("dose"), family.Name);
            Assert.That(screen.FeatureNames, Has.Count.EqualTo(family.Name == "fingerprint" ? 259 : 67), family.Name);
            int decoys = screen.Drugs.Count(h => !h.DescriptorIsInformative);
            Assert.That(decoys, Is.EqualTo(family.Name == "partial-descriptors" ? 10 + 5 : 0), family.Name);
        }
    }

    // Recorded when the panel was added (seed 0), so a family's screens cannot move unnoticed: results on the
    // panel stay reproducible. The default family's value is the one recorded before the panel existed.
    private static readonly Dictionary<string, string> PinnedSeed0 = new()
    {
        ["default"] = HillScreenPinnedTests.DefaultSeed0,
        ["cyclic"] = "49690E78249FE466ED2F19531FACEB7F910998C7AC54AC63851235A96C7C4629",
        ["scale-free"] = "95387F9948DB64B1557E2DFC86EC160062F206437F4C5F91C8F0C32A61F249DF",
        ["nonlinear"] = "D6A85A8889AF250B138D2A08B04BB5574ADF0C36E94B2E46FE8A1B1B2EBCCC2B",
        ["heavy-tailed"] = "BE154F6D6B3881AEC159E834A1903DC570FB27D5977CF363B8D3263DAF625B01",
        ["fingerprint"] = "44BBD09C64B1F169888D2E37AB79E8EAEA4C9F0C78D70B8EFF5FC1F6B16849C7",
        ["partial-descriptors"] = "2685A098BC83BAA4739732697EDAE156990898C20614FF41A60DD311D44F9C11",
        ["few-drugs"] = "C7FBF3D6168B5473BA67C2B7E6B43D019B14926CB5DFDAA361F6FD694CBA4D8F",
        ["many-drugs"] = "61FE75C4747BA674E2DDBA838CFF8C76B8D18663545E971A4237113D207B84A9",
    };

    [Test]
    public void EveryFamilyIsPinnedAtSeedZero()
    {
        var actual = Screens.Value.ToDictionary(kv => kv.Key, kv => HillScreenHash.Of(kv.Value));
        Assert.That(actual, Is.EquivalentTo(PinnedSeed0));
    }

    [Test]
    public void TheDefaultFamilyIsTheDefaultScreen()
    {
        Assert.That(HillScreenHash.Of(HillScreenPanel.Family("default").Generate(0)), Is.EqualTo(HillScreenPinnedTests.DefaultSeed0));
        Assert.That(HillScreenHash.Of(HillScreenPanel.Family("default").Generate(3)), Is.EqualTo(HillScreenHash.Of(HillScreen.Generate(new HillScreenOptions { Seed = 3 }))));
    }

    [TestCase("Default")]
    [TestCase("scalefree")]
    [TestCase("")]
    public void AnUnknownFamilyIsRejectedWithTheKnownNames(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => HillScreenPanel.Family(name));
        Assert.That(ex!.ParamName, Is.EqualTo("name"));
        Assert.That(ex.Message, Does.Contain($"'{name}'"));
        foreach (string known in Names)
            Assert.That(ex.Message, Does.Contain(known));
        Assert.Throws<ArgumentNullException>(() => HillScreenPanel.Family(null!));
    }
}
