using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

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
    public void DocsBlock_IsInCompareMd(string block)
    {
        string directory = Path.GetDirectoryName(ThisFile())!;
        string source = File.ReadAllText(Path.Combine(directory, "CompareDocsExampleTests.cs")).Replace("\r\n", "\n");
        Match match = Regex.Match(source, $@"// docs: {block}\n(.*?)\n\s*// docs: end", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"no '// docs: {block}' block");
        string[] lines = match.Groups[1].Value.Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        string snippet = string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
        string docs = File.ReadAllText(Path.Combine(directory, "../../../../docs/compare.md")).Replace("\r\n", "\n");
        Assert.That(docs, Does.Contain(snippet), $"docs/compare.md must contain the '{block}' block verbatim");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
