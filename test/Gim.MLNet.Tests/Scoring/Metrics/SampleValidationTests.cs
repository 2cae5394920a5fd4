using Gim.MLNet.Scoring;
using static Gim.MLNet.Tests.Support.SampleData;

namespace Gim.MLNet.Tests.Scoring.Metrics;

public class SampleValidationTests
{
    [Test]
    public void MismatchedColumns_NameBothCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => DistributionDistances.Energy(new float[2, 3], new float[2, 4]));
        Assert.That(ex!.Message, Does.Contain("3 columns").And.Contain("has 4"));
    }

    [Test]
    public void EmptySet_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => DistributionDistances.MmdMultiScale(new float[0, 3], new float[2, 3]));
        Assert.That(ex!.ParamName, Is.EqualTo("p"));
    }

    [Test]
    public void NaNSample_NamesTheArgument()
    {
        var q = Column(1, float.NaN);
        var ex = Assert.Throws<ArgumentException>(() => DistributionDistances.Sinkhorn(Column(0), q, 1));
        Assert.That(ex!.ParamName, Is.EqualTo("q"));
        Assert.That(ex.Message, Does.Contain("[1, 0]"));
    }

    [Test]
    public void BadGammas_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => DistributionDistances.Mmd(Column(0), Column(1), []));
        Assert.Throws<ArgumentException>(() => DistributionDistances.Mmd(Column(0), Column(1), [1.0, -0.5]));
        Assert.Throws<ArgumentException>(() => DistributionDistances.Mmd(Column(0), Column(1), [double.NaN]));
    }
}
