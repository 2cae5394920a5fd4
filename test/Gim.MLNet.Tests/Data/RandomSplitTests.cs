using Gim.MLNet.Data;

namespace Gim.MLNet.Tests.Data;

public class RandomSplitTests
{
    private static PerturbationDataset Data(params int[] sizes) => new(
        sizes.Select((n, k) => new PerturbationContext($"c{k}", new[] { (float)k },
            Enumerable.Range(0, n).Aggregate(new float[n, 1], (m, i) => { m[i, 0] = i; return m; }), k == 0)).ToList());

    [Test]
    public void Small_contexts_keep_a_cell_on_each_side()
    {
        var (train, test) = RandomSplit.WithinContexts(Data(2, 3, 10), 0.8, seed: 1);
        Assert.That(train.Contexts.Select(c => c.SampleCount), Is.EqualTo(new[] { 1, 2, 8 }));
        Assert.That(test.Contexts.Select(c => c.SampleCount), Is.EqualTo(new[] { 1, 1, 2 }));
        Assert.That(train.Contexts[0].IsControl && test.Contexts[0].IsControl, Is.True);
    }

    [TestCase(0.0)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void Fraction_must_be_strictly_between_0_and_1(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomSplit.WithinContexts(Data(4), fraction));
    }
}
