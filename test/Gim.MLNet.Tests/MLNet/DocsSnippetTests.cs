using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Gim.MLNet.Tests.MLNet;

/// <summary>docs/mlnet.md shows exactly the code the tests run: every "// docs: name" … "// docs: end" block appears there verbatim.</summary>
public class DocsSnippetTests
{
    [TestCase("PipelineDocsExampleTests.cs", "pipeline")]
    [TestCase("PipelineDocsExampleTests.cs", "load")]
    [TestCase("PipelineDocsExampleTests.cs", "loadbatched")]
    [TestCase("Data/DataFrameDocsExampleTests.cs", "dataframe")]
    [TestCase("../Serving/ServingConsoleTests.cs", "serving")]
    [TestCase("../Causal/Training/WarmStartTests.cs", "warmstart")]
    [TestCase("ModelFiles/ExplanationReloadTests.cs", "explain")]
    [TestCase("Estimators/ValidationFitTests.cs", "validation")]
    [TestCase("Estimators/PredictedMeanSdColumnTests.cs", "uncertainty")]
    public void DocsBlock_IsInMlnetMd(string file, string block)
    {
        string directory = Path.GetDirectoryName(ThisFile())!;
        string source = File.ReadAllText(Path.Combine(directory, file)).Replace("\r\n", "\n");
        Match match = Regex.Match(source, $@"// docs: {block}\n(.*?)\n\s*// docs: end", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"no '// docs: {block}' block in {file}");
        string[] lines = match.Groups[1].Value.Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        string snippet = string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
        string docs = File.ReadAllText(Path.Combine(directory, "../../../docs/mlnet.md")).Replace("\r\n", "\n");
        Assert.That(docs, Does.Contain(snippet), $"docs/mlnet.md must contain the '{block}' block of {file} verbatim");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
