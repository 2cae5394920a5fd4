using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.MLNet.Conformance;

/// <summary>
/// A loss that stops being finite is caught at the step it happens, and Fit fails with an
/// <see cref="InvalidOperationException"/> naming the method, the step and the value, and saying what to change.
/// (Control and NearestContext optimise nothing, so they cannot diverge.)
/// </summary>
public class DivergenceConformanceTests
{
    [TestCaseSource(typeof(ConformanceEstimators), nameof(ConformanceEstimators.Trained))]
    public void NonFiniteLoss_IsDetected_WithGuidance(ConformanceEstimator estimator)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = ConformanceData.Default(mlContext);
        Assert.That(() => estimator.Diverging!(mlContext).Fit(data), Throws.InvalidOperationException
            .With.Message.Contains(estimator.Name).IgnoreCase
            .And.Message.Contains("training diverged: the loss became")
            .And.Message.Matches(@"at step \d+")
            .And.Message.Contains("LearningRate (now 1E+30)"));
    }
}
