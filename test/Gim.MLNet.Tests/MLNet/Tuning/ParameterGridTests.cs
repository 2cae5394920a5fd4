namespace Gim.MLNet.Tests.MLNet.Tuning;

public class ParameterGridTests
{
    [Test]
    public void Grid_EnumeratesEveryCombination_LastParameterFastest()
    {
        var grid = new ParameterGrid { { "TargetSparsity", 0.01, 0.1 }, { "MaxSteps", 200, 400, 800 } };
        Assert.That(grid, Has.Count.EqualTo(6));
        Assert.That(grid.Select(p => p.ToString()), Is.EqualTo(new[]
        {
            "TargetSparsity=0.01, MaxSteps=200", "TargetSparsity=0.01, MaxSteps=400", "TargetSparsity=0.01, MaxSteps=800",
            "TargetSparsity=0.1, MaxSteps=200", "TargetSparsity=0.1, MaxSteps=400", "TargetSparsity=0.1, MaxSteps=800",
        }));
        Assert.That(grid[4].Get<int>("MaxSteps"), Is.EqualTo(400));
        Assert.That(grid[4].Get<double>("MaxSteps"), Is.EqualTo(400.0), "numeric values convert");
        Assert.That(grid[4]["TargetSparsity"], Is.EqualTo(0.1));
    }

    [Test]
    public void Grid_RejectsEmptyAndDuplicateParameters_AndNamesAMissingOne()
    {
        Assert.That(() => new ParameterGrid().Add<double>("x"), Throws.ArgumentException.With.Message.Contains("'x' needs at least one value"));
        Assert.That(() => new ParameterGrid { { "x", 1 }, { "x", 2 } }, Throws.ArgumentException.With.Message.Contains("'x' was added twice"));
        ParameterSet set = new ParameterGrid { { "x", 1 } }[0];
        Assert.That(() => set.Get<int>("y"), Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("no 'y'"));
        Assert.That(() => set.Get<DateTime>("x"), Throws.TypeOf<InvalidCastException>().With.Message.Contains("'x'"));
        Assert.That(new ParameterGrid().Single(), Is.Empty, "an empty grid is one trial: the defaults");
    }
}
