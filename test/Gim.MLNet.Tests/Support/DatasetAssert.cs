using Gim.MLNet.Data;

namespace Gim.MLNet.Tests.Support;

/// <summary>Two readings of the same cells (a CSV, a DataFrame, an IDataView) give the same data set.</summary>
internal static class DatasetAssert
{
    /// <summary>The same feature names, contexts (names, controls, groups, in order), features and cells.</summary>
    public static void Same(PerturbationDataset actual, PerturbationDataset expected)
    {
        Assert.That(actual.FeatureNames, Is.EqualTo(expected.FeatureNames));
        Assert.That(actual.Contexts.Select(c => (c.Name, c.IsControl, c.Group)), Is.EqualTo(expected.Contexts.Select(c => (c.Name, c.IsControl, c.Group))));
        foreach (var (a, b) in actual.Contexts.Zip(expected.Contexts))
        {
            Assert.That(a.Features, Is.EqualTo(b.Features), a.Name);
            Assert.That(a.Samples, Is.EqualTo(b.Samples), a.Name);
        }
    }
}
