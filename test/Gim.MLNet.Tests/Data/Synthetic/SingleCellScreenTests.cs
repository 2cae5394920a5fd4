using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Runtime;

namespace Gim.MLNet.Tests.Data.Synthetic;

/// <summary>The synthetic single-cell drug screen (issue 19): its layout, its count model, its drug effects, its files.</summary>
public class SingleCellScreenTests
{
    private static readonly SingleCellScreen Small = SingleCellScreen.Generate(new SingleCellScreenOptions
    {
        Seed = 1, Genes = 30, Drugs = 3, CellsPerCondition = 20, VehicleCellsPerLine = 60, EffectSize = 4,
    });

    [Test]
    public void Layout_IsLinesTimesVehicleAndDrugsAtFourDoses_WithWholeCounts()
    {
        SparseRows x = Small.Counts;
        Assert.That(x.Rows, Is.EqualTo(2 * (60 + 3 * 4 * 20)));
        Assert.That(x.Columns, Is.EqualTo(30));
        Assert.DoesNotThrow(x.Validate);
        Assert.That(x.Data.All(v => v >= 1 && v == MathF.Round(v)), Is.True, "stored values are whole counts ≥ 1");
        Assert.That(Small.Perturbation.Distinct(), Is.EqualTo(new[] { "vehicle", "Drug01", "Drug02", "Drug03" }));
        Assert.That(Small.CellLine.Distinct(), Is.EqualTo(new[] { "LineA", "LineB" }));
        Assert.That(Small.Dose.Distinct().Order(), Is.EqualTo(new[] { 0.0, 10, 100, 1000, 10000 }));
        Assert.That(Enumerable.Range(0, x.Rows).Where(i => Small.Perturbation[i] == "vehicle").All(i => Small.Dose[i] == 0), Is.True);
        Assert.That(Small.Descriptors.FeatureNames, Has.Count.EqualTo(8));
        Assert.That(Small.MaximalShifts.All(a => a.Count(v => v != 0) == 3), Is.True, "three targets per drug");
    }

    [Test]
    public void TheSameSeed_GivesTheSameScreen_AnotherSeedAnother()
    {
        var options = new SingleCellScreenOptions { Seed = 1, Genes = 30, Drugs = 3, CellsPerCondition = 20, VehicleCellsPerLine = 60, EffectSize = 4 };
        SingleCellScreen again = SingleCellScreen.Generate(options);
        Assert.That(again.Counts.Data, Is.EqualTo(Small.Counts.Data));
        Assert.That(again.Counts.ColumnIndices, Is.EqualTo(Small.Counts.ColumnIndices));
        options.Seed = 2;
        Assert.That(SingleCellScreen.Generate(options).Counts.Data, Is.Not.EqualTo(Small.Counts.Data));
    }

    /// <summary>
    /// Gamma–Poisson draws have the negative binomial's mean μ and variance μ + μ²/θ (Poisson: μ). 200,000 draws: the
    /// margins are 5 standard errors of the sample mean and of the sample variance (measured: every estimate within 1.7 standard errors).
    /// </summary>
    [TestCase(0.7, 5.0)]
    [TestCase(5.0, 2.0)]
    [TestCase(60.0, 5.0)]
    [TestCase(40.0, double.PositiveInfinity)]
    [TestCase(400.0, double.PositiveInfinity)]
    public void Counts_HaveTheNegativeBinomialsMeanAndVariance(double mean, double dispersion)
    {
        const int n = 200_000;
        var rng = new SeededRandom(7, 11);
        double[] k = Enumerable.Range(0, n).Select(_ => (double)CountSampler.NegativeBinomial(rng, mean, dispersion)).ToArray();
        double m = k.Average(), variance = k.Sum(v => (v - m) * (v - m)) / (n - 1);
        double expectedVariance = mean + (double.IsPositiveInfinity(dispersion) ? 0 : mean * mean / dispersion);
        // Var of the sample variance ≈ (μ₄ − σ⁴)/n, with the draws' own fourth central moment.
        double fourth = k.Sum(v => Math.Pow(v - m, 4)) / n;
        TestContext.Out.WriteLine($"mean off by {(m - mean) / Math.Sqrt(expectedVariance / n):F2} SE, variance by {(variance - expectedVariance) / Math.Sqrt((fourth - variance * variance) / n):F2} SE");
        Assert.That(m, Is.EqualTo(mean).Within(5 * Math.Sqrt(expectedVariance / n)), "mean");
        Assert.That(variance, Is.EqualTo(expectedVariance).Within(5 * Math.Sqrt((fourth - variance * variance) / n)), "variance");
    }

    [Test]
    public void LibrarySizes_CentreOnTheMedian_AndADrugMovesItsTargetsTheWayItsShiftsSay()
    {
        SparseRows x = Small.Counts;
        double[] totals = Enumerable.Range(0, x.Rows).Select(i => Enumerable.Range((int)x.RowStarts[i], (int)(x.RowStarts[i + 1] - x.RowStarts[i])).Sum(k => (double)x.Data[k])).ToArray();
        double median = totals.Order().ElementAt(totals.Length / 2);
        Assert.That(median, Is.InRange(2000, 4500), "median library size near 3,000 (the softmax keeps totals near L up to the NB noise)");

        // Mean log1p(normalised count) of each target gene: Drug01 at 10 µM vs vehicle, line A.
        double[] Profile(Func<int, bool> select)
        {
            int[] rows = Enumerable.Range(0, x.Rows).Where(select).ToArray();
            var mean = new double[x.Columns];
            foreach (int i in rows)
                for (long k = x.RowStarts[i]; k < x.RowStarts[i + 1]; k++)
                    mean[x.ColumnIndices[k]] += Math.Log(1 + 1e4 * x.Data[k] / totals[i]) / rows.Length;
            return mean;
        }
        double[] vehicle = Profile(i => Small.Perturbation[i] == "vehicle" && Small.CellLine[i] == "LineA");
        for (int drug = 0; drug < 3; drug++)
        {
            double[] treated = Profile(i => Small.Perturbation[i] == Small.DrugNames[drug] && Small.Dose[i] == 10000 && Small.CellLine[i] == "LineA");
            int[] strong = Enumerable.Range(0, 30).Where(j => Math.Abs(Small.MaximalShifts[drug][j]) > 1).ToArray();
            TestContext.Out.WriteLine($"{Small.DrugNames[drug]}: {string.Join(", ", strong.Select(j => $"gene {j} shift {Small.MaximalShifts[drug][j]:F2}, change {treated[j] - vehicle[j]:F3}"))}");
            Assert.That(strong, Is.Not.Empty);
            foreach (int j in strong)
                Assert.That(Math.Sign(treated[j] - vehicle[j]), Is.EqualTo(Math.Sign(Small.MaximalShifts[drug][j])),
                    $"{Small.DrugNames[drug]}, gene {j}: shift {Small.MaximalShifts[drug][j]:F2}, vehicle {vehicle[j]:F3}, treated {treated[j]:F3}");
        }
    }

    [Test]
    public void TheH5adAndDescriptorFiles_ReadBackIntoContexts()
    {
        string folder = Directory.CreateTempSubdirectory("gim-sc-").FullName;
        try
        {
            string h5ad = Path.Combine(folder, "screen.h5ad"), drugs = Path.Combine(folder, "drugs.csv");
            Small.WriteH5ad(h5ad);
            Small.WriteDescriptors(drugs);
            AnnDataTable table = AnnDataReader.Read(h5ad);
            Assert.That(table.RowCount, Is.EqualTo(Small.Counts.Rows));
            Assert.That(table.X[5, 3], Is.EqualTo(Dense(Small.Counts, 5, 3)));
            PerturbationDataset data = table.ToPerturbationDataset(new ScreenDesign("product_name", "vehicle")
            {
                DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = DescriptorTable.Read(drugs),
            });
            Assert.That(data.Contexts, Has.Count.EqualTo(2 * (1 + 3 * 4)));
            Assert.That(data.FeatureNames, Is.EqualTo(Enumerable.Range(1, 8).Select(q => $"desc{q}").Append("log10(1+dose)").Append("cell_type=LineB")));
            Assert.That(data.Contexts.Single(c => c.Name == "Drug02|dose=100|cell_type=LineA").Features.Take(8), Is.EqualTo(Small.Descriptors["Drug02"]));
            Assert.That(data.Controls.Select(c => c.Name), Is.EqualTo(new[] { "vehicle|cell_type=LineA" }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static float Dense(SparseRows x, int row, int column)
    {
        for (long k = x.RowStarts[row]; k < x.RowStarts[row + 1]; k++)
            if (x.ColumnIndices[k] == column) return x.Data[k];
        return 0;
    }

    [Test]
    public void BadSettings_NameTheSetting()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => SingleCellScreen.Generate(new SingleCellScreenOptions { Doses = new[] { 10.0, -1 } }))!.Message,
            Does.Contain("SingleCellScreenOptions.Doses"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => SingleCellScreen.Generate(new SingleCellScreenOptions { DescriptorInformativeness = 1.5 }))!.Message,
            Does.Contain("DescriptorInformativeness"));
    }
}
