using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

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
    public void ReadmeBlock_IsVerbatim(string block)
    {
        string directory = Path.GetDirectoryName(ThisFile())!;
        string source = File.ReadAllText(Path.Combine(directory, "ReadmeExamplesTests.cs")).Replace("\r\n", "\n");
        Match match = Regex.Match(source, $@"// readme: {block}\n(.*?)\n\s*// readme: end", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"no '// readme: {block}' block");
        string[] lines = match.Groups[1].Value.Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        string snippet = string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
        string readme = File.ReadAllText(Path.Combine(directory, "../../../README.md")).Replace("\r\n", "\n");
        Assert.That(readme, Does.Contain(snippet), $"README.md must contain the '{block}' block verbatim");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
