using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Gim.MLNet.Tests.Support;

/// <summary>
/// Docs show exactly the code the tests run: a block between "// MARKER: name" and "// MARKER: end" lines of a test file,
/// its common indentation removed, must appear verbatim in a Markdown file.
/// </summary>
internal static class DocsSnippet
{
    /// <summary>
    /// Asserts that <paramref name="markdown"/> (relative to the repository root, e.g. "docs/genetic.md") contains the block
    /// <paramref name="name"/> of <paramref name="testFile"/> (relative to the test project, e.g. "Data/GuideColumnTests.cs").
    /// </summary>
    public static void AssertShownIn(string markdown, string testFile, string name, string marker = "docs")
    {
        string project = Path.GetDirectoryName(Path.GetDirectoryName(ThisFile()))!;
        string source = File.ReadAllText(Path.Combine(project, testFile)).Replace("\r\n", "\n");
        Match match = Regex.Match(source, $@"// {marker}: {name}\n(.*?)\n\s*// {marker}: end", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"no '// {marker}: {name}' block in {testFile}");
        string[] lines = match.Groups[1].Value.Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        string snippet = string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
        string docs = File.ReadAllText(Path.Combine(project, "..", "..", markdown)).Replace("\r\n", "\n");
        Assert.That(docs, Does.Contain(snippet), $"{markdown} must contain the '{name}' block of {testFile} verbatim");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
