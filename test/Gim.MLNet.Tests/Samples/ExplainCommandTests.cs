using System.Globalization;
using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.Samples;

/// <summary>`explain` in a fresh process prints and writes exactly the explanation the fitted model gave in memory.</summary>
public class ExplainCommandTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void Explain_InAFreshProcess_GivesTheInMemoryExplanation(bool dosePath)
    {
        using var dir = new FixtureFiles.TempDir();
        var mlContext = new MLContext(seed: 1);
        IDataView cells = mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(cellsPerContext: 40));
        GimOptions options = GimTestData.Options(steps: 150);
        options.Interventions = InterventionKind.ShiftScale;
        options.CalibrationFolds = 3;
        if (dosePath) options.DoseFeature = "f5";      // the tiny screen's dose: no slot names, so the data set's f0..f5
        using GimTransformer fitted = mlContext.Perturbation().Trainers.Gim(options).Fit(cells);
        string model = Path.Combine(dir.Path, "gim.zip");
        mlContext.Model.SaveAtomically(fitted, cells.Schema, model);
        float[][] queries = { TinyLinearScm.Features("r1", 2), TinyLinearScm.Features("r3", 0.5f) };
        string input = Path.Combine(dir.Path, "queries.csv");
        File.WriteAllLines(input, queries.Select(q => string.Join(",", q.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

        var (exitCode, output) = SamplesApp.RunIn(dir.Path, TimeSpan.FromMinutes(2), "explain", "--model", model, "--input", input, "-o", "e.csv", "--graph", "g.csv");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("Query 1: most likely targets").And.Contain("Strongest edges"));
        string[] lines = File.ReadAllLines(Path.Combine(dir.Path, "e.csv"));
        Assert.That(lines[0], Is.EqualTo("query,variable,target_probability,map_target,shift,log_scale_change,total_effect,familiarity,shift_sd,shift_lower_90,shift_upper_90,dose_fraction,half_effect_dose,hill_exponent,covariate_effect"));
        Assert.That(lines, Has.Length.EqualTo(1 + queries.Length * TinyLinearScm.Variables));
        for (int q = 0; q < queries.Length; q++)
        {
            InterventionExplanation expected = fitted.Explain(queries[q]);
            for (int j = 0; j < TinyLinearScm.Variables; j++)
            {
                string[] f = lines[1 + q * TinyLinearScm.Variables + j].Split(',');
                Assert.That(f, Has.Length.EqualTo(15), "every line has the header's columns");
                Assert.That(f[1], Is.EqualTo(fitted.VariableNames[j]));
                Assert.That(float.Parse(f[2], CultureInfo.InvariantCulture), Is.EqualTo(expected.TargetProbabilities[j]), $"query {q}, {f[1]}: P(target)");
                Assert.That(float.Parse(f[4], CultureInfo.InvariantCulture), Is.EqualTo(expected.Shift[j]), $"query {q}, {f[1]}: shift");
                Assert.That(float.Parse(f[5], CultureInfo.InvariantCulture), Is.EqualTo(expected.LogScaleChange![j]), $"query {q}, {f[1]}: log-scale change");
                Assert.That(float.Parse(f[6], CultureInfo.InvariantCulture), Is.EqualTo(expected.TotalEffect[j]), $"query {q}, {f[1]}: total effect");
                Assert.That(double.Parse(f[7], CultureInfo.InvariantCulture), Is.EqualTo(expected.Familiarity), $"query {q}, {f[1]}: familiarity");
                Assert.That(float.Parse(f[8], CultureInfo.InvariantCulture), Is.EqualTo(expected.ShiftStandardDeviation![j]), $"query {q}, {f[1]}: shift SD");
                Assert.That(float.Parse(f[9], CultureInfo.InvariantCulture), Is.EqualTo(expected.ShiftIntervals()![j].Lower), $"query {q}, {f[1]}: lower");
                Assert.That(float.Parse(f[10], CultureInfo.InvariantCulture), Is.EqualTo(expected.ShiftIntervals()![j].Upper), $"query {q}, {f[1]}: upper");
                if (dosePath)
                    Assert.That(f.Skip(11).Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)),
                        Is.EqualTo(new[] { expected.Dose!.Fraction, expected.Dose.HalfEffectDose, expected.Dose.HillExponent }), $"query {q}, {f[1]}: dose curve");
                else Assert.That(f.Skip(11).Take(3), Is.All.Empty, "no dose path, no curve");
                Assert.That(f[14], Is.Empty, "no covariates, no covariate effect");
            }
        }
        double[,] graph = fitted.Graph();
        string[] graphLines = File.ReadAllLines(Path.Combine(dir.Path, "g.csv"));
        for (int i = 0; i < TinyLinearScm.Variables; i++)
            Assert.That(graphLines[1 + i].Split(',').Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)),
                Is.EqualTo(Enumerable.Range(0, TinyLinearScm.Variables).Select(j => graph[i, j])), $"graph row {i}");
    }

    [Test]
    public void Explain_OfAModelWithoutParameters_SaysWhy()
    {
        var (exitCode, output) = SamplesApp.Run(TimeSpan.FromMinutes(1), "explain", "--model", FixtureFiles.Model("gim-linear.zip"), "--features", "1");
        Assert.That(exitCode, Is.Not.EqualTo(0));
        Assert.That(output, Does.Contain("error:").And.Contain("before 0.3.0"));
    }
}
