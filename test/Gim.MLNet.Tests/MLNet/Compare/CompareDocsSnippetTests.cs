using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.MLNet.Compare;

/// <summary>docs/compare.md shows exactly the code the tests run: every "// docs: name" … "// docs: end" block of CompareDocsExampleTests appears there verbatim.</summary>
public class CompareDocsSnippetTests
{
    [TestCase("evaluate")]
    [TestCase("compare")]
    [TestCase("search")]
    [TestCase("split")]
    [TestCase("crossvalidate")]
    [TestCase("seeds")]
    public void DocsBlock_IsInCompareMd(string block) =>
        DocsSnippet.AssertShownIn("docs/compare.md", "MLNet/Compare/CompareDocsExampleTests.cs", block);
}
