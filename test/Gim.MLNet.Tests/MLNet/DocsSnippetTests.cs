using Gim.MLNet.Tests.Support;

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
    public void DocsBlock_IsInMlnetMd(string file, string block) => DocsSnippet.AssertShownIn("docs/mlnet.md", Path.Combine("MLNet", file), block);
}
