using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.MLNet.Evaluation;
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
        Assert.That(() => mlContext.Perturbation().SplitByContext(data, controlColumnName: null, controlContextValue: "drug00@0.5", validationFraction: 0.01, seed: 1),
            Throws.Nothing);
    }
}
