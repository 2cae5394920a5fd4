using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Tuning;

public class SplitByContextTests
{
    private static readonly HillScreen Screen = HillScreenRows.SmallScreen();

    [Test]
    public void Split_HoldsOutWholeContexts_KeepsTheControlInTraining_AndIsSeeded()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = HillScreenRows.Load(mlContext, Screen.Train);
        ContextSplit split = mlContext.Perturbation().SplitByContext(data, validationFraction: 0.25, seed: 4);

        Assert.That(split.ValidationContexts, Has.Count.EqualTo(8), "25% of 32 perturbed contexts");
        Assert.That(split.TrainContexts, Has.Count.EqualTo(25));
        Assert.That(split.TrainContexts[0], Is.EqualTo("control"));
        Assert.That(split.TrainContexts.Intersect(split.ValidationContexts), Is.Empty);
        string[] trainRows = split.Train.GetColumn<string>("Context").ToArray();
        string[] validationRows = split.Validation.GetColumn<string>("Context").ToArray();
        Assert.That(trainRows.Distinct(), Is.EqualTo(split.TrainContexts));
        Assert.That(validationRows.Distinct(), Is.EqualTo(split.ValidationContexts));
        Assert.That(trainRows.Length + validationRows.Length, Is.EqualTo(Screen.Train.Data.SampleCount), "every row once");

        ContextSplit again = mlContext.Perturbation().SplitByContext(data, validationFraction: 0.25, seed: 4);
        ContextSplit other = mlContext.Perturbation().SplitByContext(data, validationFraction: 0.25, seed: 5);
        Assert.That(again.ValidationContexts, Is.EqualTo(split.ValidationContexts));
        Assert.That(other.ValidationContexts, Is.Not.EqualTo(split.ValidationContexts));
    }

    [Test]
    public void Split_NeedsTwoContexts_AndAValidFraction()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = HillScreenRows.Load(mlContext, Screen.Train);
        Assert.That(() => mlContext.Perturbation().SplitByContext(data, 1.0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => mlContext.Perturbation().SplitByContext(data, contextColumnName: "Nope"),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("Column 'Nope' (context)"));
    }

    [Test]
    public void Split_WithAControlContextValue_KeepsThatContextInTraining_AndHoldsOutAtLeastOne()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = HillScreenRows.Load(mlContext, Screen.Train);
        // "drug00@0.5" is the control now; the screen's own "control" context is one of the 32 others that may be held out.
        ContextSplit split = mlContext.Perturbation().SplitByContext(data, controlColumnName: null, controlContextValue: "drug00@0.5", validationFraction: 0.01, seed: 1);

        string[] contexts = Screen.Train.Data.Contexts.Select(c => c.Name).ToArray();
        Assert.That(contexts, Has.Length.EqualTo(33).And.Contains("drug00@0.5").And.Contains("control"));
        Assert.That(split.ValidationContexts, Has.Count.EqualTo(1), "1% of 32 rounds to 0; at least one context is held out");
        Assert.That(split.ValidationContexts, Does.Not.Contain("drug00@0.5"));
        Assert.That(split.TrainContexts[0], Is.EqualTo("drug00@0.5"), "the control context first");
        Assert.That(split.TrainContexts.Skip(1), Is.EqualTo(contexts.Where(c => c != "drug00@0.5" && !split.ValidationContexts.Contains(c))),
            "the other contexts in order of first appearance");
        Assert.That(split.Validation.GetColumn<string>("Context").Distinct(), Is.EqualTo(split.ValidationContexts));
        Assert.That(split.Train.GetColumn<string>("Context").Count(c => c == "drug00@0.5"),
            Is.EqualTo(Screen.Train.Data.Contexts.Single(c => c.Name == "drug00@0.5").SampleCount), "every row of the control context in training");
    }
}
