using Gim.MLNet.Data;

namespace Gim.MLNet.Tests.Data;

public class CountNormalizationTests
{
    [Test]
    public void EachCell_IsScaledToTheTotal_ThenLog1p_AndAnEmptyCellStaysZero()
    {
        float[,] normalised = CountNormalization.NormalizeTotalLog1p(new float[,] { { 1, 3, 0 }, { 0, 0, 0 } }, targetSum: 100, keep: new[] { 1, 0 });
        // Row 0: total 4, so 3 → 75 and 1 → 25; the kept columns in the order asked.
        Assert.That(normalised[0, 0], Is.EqualTo((float)Math.Log(76)).Within(1e-6));
        Assert.That(normalised[0, 1], Is.EqualTo((float)Math.Log(26)).Within(1e-6));
        Assert.That(new[] { normalised[1, 0], normalised[1, 1] }, Is.All.EqualTo(0f));
    }

    [Test]
    public void ANegativeOrMissingValue_IsNoCount_AndTheErrorNamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => CountNormalization.NormalizeTotalLog1p(new float[,] { { 1, 2 }, { 1, float.NaN } }, rowLabel: i => $"cell c{i}"))!;
        Assert.That(error.Message, Does.StartWith("cell c1, column 1: NaN; normalising expects counts (finite, ≥ 0)."));
    }
}
