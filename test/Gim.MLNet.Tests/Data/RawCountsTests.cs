using Gim.MLNet.Data;
using Gim.MLNet.Peers;

namespace Gim.MLNet.Tests.Data;

/// <summary>Raw counts reaching a continuous model get a warning in the fit's log (issue 19), continuous data none.</summary>
public class RawCountsTests
{
    private static PerturbationDataset Data(Func<Random, float> value)
    {
        var random = new Random(4);
        PerturbationContext Context(string name, float feature, bool control)
        {
            var cells = new float[30, 3];
            for (int i = 0; i < 30; i++)
                for (int j = 0; j < 3; j++) cells[i, j] = value(random);
            return new PerturbationContext(name, new[] { feature }, cells, control);
        }
        return new PerturbationDataset(new[] { Context("ctrl", 0, true), Context("drug", 1, false) }, new[] { "a", "b", "c" }, new[] { "dose" });
    }

    private static List<string> FitLog(PerturbationDataset data)
    {
        var lines = new List<string>();
        new TrainingMeanTrainer { Log = lines.Add }.Fit(data);
        return lines;
    }

    [Test]
    public void CountData_GetAWarningNamingTheFix()
    {
        List<string> lines = FitLog(Data(r => r.Next(0, 40)));
        string warning = lines.Single(l => l.Contains("look like raw counts"));
        Assert.That(warning, Does.Contain("up to 39").And.Contain("log1p"));
    }

    [TestCase("continuous")]
    [TestCase("binary")]
    [TestCase("negative whole numbers")]
    public void OtherData_GetNone(string kind)
    {
        Func<Random, float> value = kind switch
        {
            "continuous" => r => (float)(r.NextDouble() * 10),
            "binary" => r => r.Next(0, 2),
            _ => r => r.Next(-5, 40),
        };
        Assert.That(FitLog(Data(value)), Has.None.Contains("raw counts"));
    }
}
