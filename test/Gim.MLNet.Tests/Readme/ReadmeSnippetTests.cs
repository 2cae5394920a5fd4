using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Readme;

/// <summary>README.md shows exactly the code ReadmeExamplesTests runs.</summary>
public class ReadmeSnippetTests
{
    [TestCase("pipeline")]
    [TestCase("saveload")]
    [TestCase("compare")]
    [TestCase("evaluate")]
    [TestCase("explain")]
    [TestCase("h5ad")]
    [TestCase("dataframe")]
    [TestCase("dose")]
    [TestCase("additive")]
    [TestCase("known")]
    [TestCase("counts")]
    [TestCase("lines")]
    [TestCase("indicators")]
    public void ReadmeBlock_IsVerbatim(string block) =>
        DocsSnippet.AssertShownIn("README.md", "Readme/ReadmeExamplesTests.cs", block, marker: "readme");
}
