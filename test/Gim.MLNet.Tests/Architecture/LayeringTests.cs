using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ArchUnitNET.NUnit;
using Gim.MLNet.Causal;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Gim.MLNet.Tests.Architecture;

/// <summary>
/// The library's folders are its layers and dependencies point one way (docs/architecture.md):
/// Runtime ← Data ← Onnx ← Modeling ← Causal ← Peers and Scoring ← MLNet (namespace Gim.MLNet). A type may use
/// types of its own layer and of the layers below it, never above; Peers and Scoring do not use each other; and
/// nothing below the ML.NET layer uses Microsoft.ML or Microsoft.Data.Analysis. Checked on the compiled assembly
/// (every signature, field and method body), so a back-edge anywhere fails here.
/// </summary>
public class LayeringTests
{
    /// <summary>The layers, bottom first: a name and the regular expression of its namespaces.</summary>
    internal static readonly (string Name, string Namespaces)[] Layers =
    {
        ("Runtime", @"^Gim\.MLNet\.Runtime$"),
        ("Data", @"^Gim\.MLNet\.Data(\..+)?$"),
        ("Onnx", @"^Gim\.MLNet\.Onnx$"),
        ("Modeling", @"^Gim\.MLNet\.Modeling$"),
        ("Causal", @"^Gim\.MLNet\.Causal$"),
        ("Peers", @"^Gim\.MLNet\.Peers$"),
        ("Scoring", @"^Gim\.MLNet\.Scoring$"),
        ("MLNet", @"^Gim\.MLNet$"),
    };

    /// <summary>Pairs of layers at the same level, which must not use each other.</summary>
    private static readonly (string, string)[] Siblings = { ("Peers", "Scoring") };

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Library = new(() =>
        new ArchLoader().LoadAssemblies(typeof(GimModel).Assembly).Build());

    public static IEnumerable<string> LayerNames => Layers.Select(l => l.Name);

    /// <summary>The layers <paramref name="layer"/> must not use: every layer above it, and its sibling whichever
    /// of the two is listed first.</summary>
    internal static List<string> ForbiddenFor(string layer)
    {
        int index = Array.FindIndex(Layers, l => l.Name == layer);
        return Layers.Skip(index + 1).Select(l => l.Name)
            .Concat(Siblings.Where(s => s.Item1 == layer).Select(s => s.Item2))
            .Concat(Siblings.Where(s => s.Item2 == layer).Select(s => s.Item1))
            .Distinct().ToList();
    }

    [TestCaseSource(nameof(LayerNames))]
    public void Layer_UsesNoLayerAboveIt(string layer)
    {
        int index = Array.FindIndex(Layers, l => l.Name == layer);
        Assert.That(typeof(GimModel).Assembly.GetTypes().Count(t => t.Namespace is not null && System.Text.RegularExpressions.Regex.IsMatch(t.Namespace, Layers[index].Namespaces)),
            Is.GreaterThan(0), $"the {layer} layer has types (a rule over no types would pass whatever they use)");
        var forbidden = ForbiddenFor(layer);
        if (forbidden.Count == 0) Assert.Pass($"{layer} is the top layer.");
        string pattern = string.Join("|", forbidden.Select(f => Layers.Single(l => l.Name == f).Namespaces));
        IArchRule rule = Types().That().ResideInNamespaceMatching(Layers[index].Namespaces)
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(pattern)
            .Because($"{layer} sits below {string.Join(", ", forbidden)} (docs/architecture.md)");
        rule.Check(Library.Value);
    }

    [Test]
    public void SiblingLayers_AreForbiddenToEachOther_InBothDirections()
    {
        foreach (var (a, b) in Siblings)
        {
            Assert.That(ForbiddenFor(a), Does.Contain(b), $"{a} must not use {b}");
            Assert.That(ForbiddenFor(b), Does.Contain(a), $"{b} must not use {a}");
        }
    }

    [Test]
    public void NothingBelowTheMLNetLayer_UsesMicrosoftML()
    {
        string below = string.Join("|", Layers.Where(l => l.Name != "MLNet").Select(l => l.Namespaces));
        IArchRule rule = Types().That().ResideInNamespaceMatching(below)
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^Microsoft\.(ML|Data\.Analysis)(\..+)?$")
            .Because("only the ML.NET layer (namespace Gim.MLNet) may use ML.NET and DataFrame types");
        rule.Check(Library.Value);
    }

    [Test]
    public void EveryLibraryType_IsInALayer()
    {
        var stray = typeof(GimModel).Assembly.GetTypes()
            .Where(t => t.Namespace is not null && t.Namespace.StartsWith("Gim.MLNet", StringComparison.Ordinal))
            .Where(t => !Layers.Any(l => System.Text.RegularExpressions.Regex.IsMatch(t.Namespace!, l.Namespaces)))
            .Select(t => t.FullName).ToList();
        Assert.That(stray, Is.Empty, "every namespace of the library belongs to a layer");
    }
}
