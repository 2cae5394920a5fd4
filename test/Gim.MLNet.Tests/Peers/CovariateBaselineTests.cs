using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Peers;

/// <summary>
/// Screens of several cell lines (issue 19): the covariate levels and each level's own control (<see cref="CovariateLevels"/>),
/// the baselines that predict from it (Control, TrainingMean, LinearFeatures with <c>CovariateFeatures</c>), their ONNX
/// graphs, and the comparison that measures each context's shifts from its own line's vehicle.
/// </summary>
public class CovariateBaselineTests
{
    internal static readonly string[] Lines = { "line=B", "line=C" };
    private static readonly double[] LineA = { 1, 2, 3 }, LineB = { 3, 1, 3.5 }, LineC = { 0, 0, 0 };

    /// <summary>
    /// Three variables; features [descriptor, dose, line=B, line=C]. Line A's vehicle is the control (sd 1), line B's
    /// vehicle is shifted with sd 2, line C has only its vehicle. Drugs d1, d2 in lines A and B (half the effect in B), d3
    /// in line A only.
    /// </summary>
    internal static PerturbationDataset Screen(bool withVehicleB = true, bool withLineC = true)
    {
        var contexts = new List<PerturbationContext>
        {
            Context("vehicle|A", new[] { 0f, 0, 0, 0 }, LineA, new double[3], 1, 1, isControl: true),
            Context("d1|A", new[] { 1f, 1, 0, 0 }, LineA, new[] { 1.0, 0, 0 }, 1, 2),
            Context("d2|A", new[] { -1f, 1, 0, 0 }, LineA, new[] { 0, 1.0, 0 }, 1, 3),
            Context("d3|A", new[] { 0.5f, 1, 0, 0 }, LineA, new[] { 0, 0, 1.0 }, 1, 4),
            Context("d1|B", new[] { 1f, 1, 1, 0 }, LineB, new[] { 0.5, 0, 0 }, 2, 6),
            Context("d2|B", new[] { -1f, 1, 1, 0 }, LineB, new[] { 0, 0.5, 0 }, 2, 7),
        };
        if (withVehicleB) contexts.Add(Context("vehicle|B", new[] { 0f, 0, 1, 0 }, LineB, new double[3], 2, 5));
        if (withLineC) contexts.Add(Context("vehicle|C", new[] { 0f, 0, 0, 1 }, LineC, new double[3], 1, 8));
        return new PerturbationDataset(contexts, new[] { "g1", "g2", "g3" }, new[] { "desc", "dose" }.Concat(Lines).ToArray());
    }

    private static PerturbationContext Context(string name, float[] features, double[] line, double[] effect, double sd, int seed, bool isControl = false)
    {
        float[,] x = SampleData.Gaussian(300, 3, seed);
        for (int i = 0; i < 300; i++)
            for (int j = 0; j < 3; j++) x[i, j] = (float)(line[j] + effect[j] + sd * x[i, j]);
        return new PerturbationContext(name, features, x, isControl, group: name.Split('|')[0]);
    }

    private static double[] Mean(PerturbationDataset data, string context) => MeanMetrics.ColumnMeans(data.Contexts.Single(c => c.Name == context).Samples);

    private static float[] FeaturesOf(PerturbationDataset data, string context) => data.Contexts.Single(c => c.Name == context).Features;

    [Test]
    public void Levels_AreTheCovariateCombinations_EachWithItsOwnControl()
    {
        PerturbationDataset data = Screen();
        CovariateLevels levels = CovariateLevels.Of(data, Lines);

        Assert.That(levels.Count, Is.EqualTo(3));
        int b = levels.Find(new[] { 9f, 9, 1, 0 });
        Assert.That(levels.ControlsOf(b).Select(c => c.Name), Is.EqualTo(new[] { "vehicle|B" }));
        Assert.That(levels.ControlsOf(levels.Find(new[] { 0f, 0, 0, 0 })).Select(c => c.Name), Is.EqualTo(new[] { "vehicle|A" }));
        Assert.That(levels.ControlMean(b), Is.EqualTo(Mean(data, "vehicle|B")).Within(1e-12));
        Assert.That(levels.Find(new[] { 0f, 0, 0.5f, 0 }), Is.EqualTo(-1));
        int vehicleB = data.Contexts.ToList().FindIndex(c => c.Name == "vehicle|B"), drugB = data.Contexts.ToList().FindIndex(c => c.Name == "d1|B");
        Assert.That(levels.IsLevelControl(vehicleB) && !levels.IsLevelControl(drugB) && levels.LevelOfContext(drugB) == b, Is.True);
        Assert.That(new ScreenDesign("product_name", "vehicle") { Covariates = new[] { "line" } }.CovariateFeatureNames(data.FeatureNames), Is.EqualTo(Lines));
    }

    [Test]
    public void Levels_RefuseUnknownFeatures_AndALevelWithoutItsOwnControl()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => CovariateLevels.Of(Screen(), new[] { "line=D" }))!.Message,
            Does.Contain("'line=D' is not a feature of the data; the features are desc, dose, line=B, line=C"));
        string message = Assert.Throws<ArgumentException>(() => CovariateLevels.Of(Screen(withVehicleB: false), Lines))!.Message;
        Assert.That(message, Does.Contain("line=B = 1, line=C = 0 has no control of its own"));
        Assert.That(message, Does.Contain("desc = 0, dose = 0"));
        Assert.That(Assert.Throws<ArgumentException>(() => new ControlTrainer(new ControlOptions { CovariateFeatures = Lines }).Fit(Screen(withVehicleB: false)))!.Message,
            Does.Contain("no control of its own"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new ControlTrainer(new ControlOptions { CovariateFeatures = new[] { "line=B", "line=B" } }).Fit(Screen()))!.Message,
            Does.Contain("distinct feature names"));
    }

    [Test]
    public void Control_WithCovariates_PredictsEachLineByItsOwnVehicleCells()
    {
        PerturbationDataset data = Screen();
        ControlModel pooled = new ControlTrainer().Fit(data);
        ControlModel matched = new ControlTrainer(new ControlOptions { CovariateFeatures = Lines }).Fit(data);
        float[] drugB = FeaturesOf(data, "d1|B");

        Assert.That(matched.CovariateFeatures, Is.EqualTo(Lines));
        Assert.That(matched.PredictMean(drugB), Is.EqualTo(Mean(data, "vehicle|B")).Within(1e-4));
        Assert.That(matched.PredictMean(FeaturesOf(data, "d1|A")), Is.EqualTo(Mean(data, "vehicle|A")).Within(1e-4));
        Assert.That(pooled.PredictMean(drugB), Is.EqualTo(Mean(data, "vehicle|A")).Within(1e-4), "without covariates, every line gets the pooled control");
        // Every draw is one of line B's vehicle cells (sd 2 there, 1 in the control), moved by float rounding at most.
        float[,] vehicle = data.Contexts.Single(c => c.Name == "vehicle|B").Samples;
        float[,] drawn = matched.Sample(drugB, 50, seed: 3);
        for (int i = 0; i < 50; i++)
            Assert.That(Enumerable.Range(0, vehicle.GetLength(0)).Min(r => Enumerable.Range(0, 3).Max(j => Math.Abs(drawn[i, j] - vehicle[r, j]))), Is.LessThan(1e-4), $"draw {i}");
        Assert.That(Assert.Throws<ArgumentException>(() => matched.Sample(new[] { 1f, 1, 0.5f, 0 }, 5, 0))!.Message,
            Does.Contain("(line=B = 0.5, line=C = 0) match no level of the training data"));
        Assert.That(Assert.Throws<ArgumentException>(() => matched.PredictMean(new[] { 1f, 1, 0.5f, 0 }))!.Message, Does.Contain("match no level"));
    }

    [Test]
    public void TrainingMean_WithCovariates_IsEachLinesVehiclePlusTheMeanShiftOfItsDrugs()
    {
        PerturbationDataset data = Screen();
        TrainingMeanModel model = new TrainingMeanTrainer(new TrainingMeanOptions { CovariateFeatures = Lines }).Fit(data);
        double[] Shift(string drug, string vehicle) => Mean(data, drug).Zip(Mean(data, vehicle), (a, b) => a - b).ToArray();
        double[] Average(params double[][] shifts) => Enumerable.Range(0, 3).Select(j => shifts.Average(s => s[j])).ToArray();
        double[] Plus(double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();

        double[][] a = { Shift("d1|A", "vehicle|A"), Shift("d2|A", "vehicle|A"), Shift("d3|A", "vehicle|A") };
        double[][] b = { Shift("d1|B", "vehicle|B"), Shift("d2|B", "vehicle|B") };
        Assert.That(model.PredictMean(new[] { 7f, 3, 0, 0 }), Is.EqualTo(Plus(Mean(data, "vehicle|A"), Average(a))).Within(1e-4));
        Assert.That(model.PredictMean(new[] { 7f, 3, 1, 0 }), Is.EqualTo(Plus(Mean(data, "vehicle|B"), Average(b))).Within(1e-4));
        // Line C has no drugs: its vehicle plus the mean over every line's drug contexts.
        Assert.That(model.PredictMean(new[] { 7f, 3, 0, 1 }), Is.EqualTo(Plus(Mean(data, "vehicle|C"), Average(a.Concat(b).ToArray()))).Within(1e-4));
        Assert.That(model.Shift, Is.EqualTo(model.MeanShift(new[] { 0f, 0, 0, 0 })).Within(1e-5));
    }

    [Test]
    public void LinearFeatures_WithCovariates_FitsShiftsFromEachLinesVehicle()
    {
        PerturbationDataset data = Screen(withLineC: false);
        LinearFeaturesModel model = new LinearFeaturesTrainer(new LinearFeaturesOptions { Seed = 0, CovariateFeatures = Lines[..1], Penalties = new[] { 1e-6 } })
            .Fit(new PerturbationDataset(data.Contexts.Select(c => new PerturbationContext(c.Name, c.Features[..3], c.Samples, c.IsControl, c.Group)).ToList(),
                data.VariableNames, data.FeatureNames.Take(3).ToArray()));
        // Barely penalised, the map through each line's vehicle reproduces every training context's mean closely (its
        // shift is linear in the descriptor, the dose and the line up to the line-B halving, which the B indicator cannot
        // carry for both drugs at once: 0.5 of a unit at most).
        foreach (string name in new[] { "vehicle|A", "vehicle|B", "d1|A", "d2|B" })
            Assert.That(model.PredictMean(FeaturesOf(data, name)[..3]), Is.EqualTo(Mean(data, name)).Within(0.5), name);
        // The drawn cells of a line-B drug are line B's vehicle cells moved: their spread is line B's (sd 2), not the control's.
        float[,] drawn = model.Sample(new[] { 1f, 1, 1 }, 2000, seed: 1);
        double sd = Math.Sqrt(Enumerable.Range(0, 2000).Select(i => (double)drawn[i, 0]).Select(v => v * v).Average() - Math.Pow(MeanMetrics.ColumnMeans(drawn)[0], 2));
        Assert.That(sd, Is.EqualTo(2).Within(0.2));
    }

    [Test]
    public void Baselines_WithCovariates_ExportGraphsThatAgreeWithTheModels()
    {
        PerturbationDataset data = Screen();
        var models = new ControlShiftModel[]
        {
            new ControlTrainer(new ControlOptions { CovariateFeatures = Lines }).Fit(data),
            new TrainingMeanTrainer(new TrainingMeanOptions { CovariateFeatures = Lines }).Fit(data),
            new LinearFeaturesTrainer(new LinearFeaturesOptions { Seed = 0, CovariateFeatures = Lines }).Fit(data),
        };
        float[][] queries = data.Contexts.Select(c => c.Features).Append(new[] { 2f, 0.5f, 1, 0 }).ToArray();
        foreach (ControlShiftModel model in models)
        {
            using var onnx = new OnnxRunner(model.ExportOnnx());
            var outputs = onnx.Run(("Features", queries));
            for (int q = 0; q < queries.Length; q++)
            {
                float[] mean = model.PredictMean(queries[q]), shift = model.MeanShift(queries[q]);
                for (int j = 0; j < 3; j++)
                {
                    Assert.That(outputs["PredictedMean"][q, j], Is.EqualTo(mean[j]).Within(1e-4), $"{model.GetType().Name} mean, query {q}");
                    Assert.That(outputs["Shift"][q, j], Is.EqualTo(shift[j]).Within(1e-4), $"{model.GetType().Name} shift, query {q}");
                }
            }
            // The graph draws each row from its line's vehicle cells: the sample minus the shift beyond the vehicle is a vehicle cell.
            var levels = CovariateLevels.Of(data, Lines);
            for (int q = 0; q < queries.Length; q++)
            {
                int level = levels.Find(queries[q]);
                double[] vehicle = levels.ControlMean(level);
                float[] mean = model.PredictMean(queries[q]);
                var cells = levels.ControlsOf(level).Single().Samples;
                double distance = Enumerable.Range(0, cells.GetLength(0)).Min(r => Enumerable.Range(0, 3)
                    .Max(j => Math.Abs(outputs["Sample"][q, j] - (mean[j] - vehicle[j]) - cells[r, j])));
                Assert.That(distance, Is.LessThan(1e-3), $"{model.GetType().Name} draw, query {q}");
            }
        }
    }

    [Test]
    public void Baselines_WithCovariates_ExportGraphsThatTakeTheNearestLevel_ForAnUnseenOne()
    {
        // In process an unseen level is refused; the graph cannot refuse, so it takes the nearest level (here B for 0.9).
        PerturbationDataset data = Screen();
        var models = new ControlShiftModel[]
        {
            new ControlTrainer(new ControlOptions { CovariateFeatures = Lines }).Fit(data),
            new TrainingMeanTrainer(new TrainingMeanOptions { CovariateFeatures = Lines }).Fit(data),
        };
        foreach (ControlShiftModel model in models)
        {
            Assert.That(Assert.Throws<ArgumentException>(() => model.PredictMean(new[] { 2f, 0.5f, 0.9f, 0 }))!.Message, Does.Contain("match no level"));
            using var onnx = new OnnxRunner(model.ExportOnnx());
            float[,] mean = onnx.Run(("Features", new[] { new[] { 2f, 0.5f, 0.9f, 0 } }))["PredictedMean"];
            Assert.That(Enumerable.Range(0, 3).Select(j => mean[0, j]), Is.EqualTo(model.PredictMean(new[] { 2f, 0.5f, 1, 0 })).Within(1e-4), model.GetType().Name);
        }
    }

    [Test]
    public void CrossedCovariates_EachCombinationIsALevelWithItsOwnVehicle()
    {
        // Two covariates of two levels each (line and donor, one indicator each): four levels, which no affine map of the
        // two indicators could fit; each combination is predicted by its own vehicle.
        double[][] centres = { new double[] { 0, 0, 0 }, new double[] { 2, 0, 0 }, new double[] { 0, 3, 0 }, new double[] { 2, 3, 5 } };
        float[][] indicators = { new[] { 0f, 0 }, new[] { 1f, 0 }, new[] { 0f, 1 }, new[] { 1f, 1 } };
        var contexts = new List<PerturbationContext>();
        for (int l = 0; l < 4; l++)
        {
            contexts.Add(Context($"vehicle|{l}", new[] { 0f, indicators[l][0], indicators[l][1] }, centres[l], new double[3], 1, 10 + l, isControl: l == 0));
            contexts.Add(Context($"drug|{l}", new[] { 1f, indicators[l][0], indicators[l][1] }, centres[l], new[] { 1.0, 0, 0 }, 1, 20 + l));
        }
        var data = new PerturbationDataset(contexts, new[] { "g1", "g2", "g3" }, new[] { "desc", "line=B", "donor=2" });
        string[] covariates = { "line=B", "donor=2" };
        Assert.That(CovariateLevels.Of(data, covariates).Count, Is.EqualTo(4));
        ControlModel control = new ControlTrainer(new ControlOptions { CovariateFeatures = covariates }).Fit(data);
        TrainingMeanModel mean = new TrainingMeanTrainer(new TrainingMeanOptions { CovariateFeatures = covariates }).Fit(data);
        using var onnx = new OnnxRunner(control.ExportOnnx());
        float[,] exported = onnx.Run(("Features", Enumerable.Range(0, 4).Select(l => new[] { 1f, indicators[l][0], indicators[l][1] }).ToArray()))["PredictedMean"];
        for (int l = 0; l < 4; l++)
        {
            float[] drug = { 1f, indicators[l][0], indicators[l][1] };
            double[] vehicle = Mean(data, $"vehicle|{l}");
            Assert.That(control.PredictMean(drug), Is.EqualTo(vehicle).Within(1e-4), $"level {l}");
            Assert.That(Enumerable.Range(0, 3).Select(j => exported[l, j]), Is.EqualTo(vehicle).Within(1e-4), $"level {l}, ONNX");
            // One drug per level: its vehicle plus that drug's shift from it is the drug's own mean.
            Assert.That(mean.PredictMean(drug), Is.EqualTo(Mean(data, $"drug|{l}")).Within(1e-4), $"level {l}, TrainingMean");
        }
    }

    [Test]
    public void Comparison_WithCovariates_MeasuresEachContextsShiftFromItsOwnLinesVehicle()
    {
        PerturbationDataset data = Screen();
        var train = new PerturbationDataset(data.Contexts.Where(c => c.Name != "d2|B").ToList(), data.VariableNames, data.FeatureNames);
        var test = new PerturbationDataset(data.Contexts.Where(c => c.Name == "d2|B").ToList(), data.VariableNames, data.FeatureNames);
        var methods = new Dictionary<string, Func<PerturbationDataset, PerturbationModel>>
        {
            ["training-mean"] = d => new TrainingMeanTrainer(new TrainingMeanOptions { CovariateFeatures = Lines }).Fit(d),
        };
        Leaderboard Run(IReadOnlyList<string>? covariates) => ModelComparison.Run(methods, train, new Dictionary<string, PerturbationDataset> { ["new"] = test },
            new ModelComparisonOptions { Seed = 2, CovariateFeatures = covariates, Scoring = new ScoringOptions { TopK = 2 } });

        // By hand: the comparison's draws (seed · 100003 + context index), standardised by the training control, and Pearson
        // delta from line B's vehicle mean.
        TrainingMeanModel model = new TrainingMeanTrainer(new TrainingMeanOptions { CovariateFeatures = Lines }).Fit(train);
        ControlStatistics space = ControlStatistics.FromControls(train);
        double[] Standardised(double[] x) => x.Select((v, j) => (v - space.Mean[j]) / space.Scale[j]).ToArray();
        double[] predicted = Standardised(MeanMetrics.ColumnMeans(model.Sample(test.Contexts[0].Features, 300, unchecked(2 * 100_003))));
        double[] observed = Standardised(Mean(data, "d2|B")), vehicle = Standardised(Mean(data, "vehicle|B"));
        double expected = MeanMetrics.PearsonDelta(predicted, observed, vehicle);

        double matched = Run(Lines).Rows[0].Evaluations["new"].PerContext[0].PearsonDelta;
        double pooled = Run(null).Rows[0].Evaluations["new"].PerContext[0].PearsonDelta;
        TestContext.Out.WriteLine($"Pearson delta from line B's vehicle {matched:F4} (by hand {expected:F4}); from the pooled control {pooled:F4}");
        // The scorer standardises the cells to float before averaging (measured difference 9e-9).
        Assert.That(matched, Is.EqualTo(expected).Within(1e-6));
        Assert.That(Math.Abs(matched - pooled), Is.GreaterThan(0.05), "the origin of the shifts changed");

        var unseen = new PerturbationDataset(new[] { new PerturbationContext("d1|D", new[] { 1f, 1, 0.5f, 0 }, test.Contexts[0].Samples) }, data.VariableNames, data.FeatureNames);
        Assert.That(Assert.Throws<ArgumentException>(() => ModelComparison.Run(methods, train, new Dictionary<string, PerturbationDataset> { ["new"] = unseen },
            new ModelComparisonOptions { CovariateFeatures = Lines }))!.Message, Does.Contain("split 'new': Context 'd1|D': its covariates (line=B = 0.5, line=C = 0) are no level"));
    }

    [Test]
    public void Scorer_WithCovariateControls_CountsAnotherLinesVehicleAsAControl_AndChecksTheWidth()
    {
        PerturbationDataset data = Screen();
        CovariateControls controls = CovariateControls.FromData(data, Lines);
        ScoredContext Scored(string name) => new(name, false, data.Contexts.Single(c => c.Name == name).Samples, data.Contexts.Single(c => c.Name == name).Samples,
            Features: FeaturesOf(data, name));
        PerturbationEvaluation evaluation = PerturbationScorer.Score(new[] { Scored("vehicle|B"), Scored("d1|B") },
            new ScoringOptions { ControlStatistics = ControlStatistics.FromControls(data), CovariateControls = controls, TopK = 2 });
        // Line B's vehicle has no shift of its own from itself: a control (no Pearson delta), while the drug is scored.
        Assert.That(evaluation.PerContext[0].IsControl && double.IsNaN(evaluation.PerContext[0].PearsonDelta), Is.True);
        Assert.That(evaluation.PerContext[1].IsControl, Is.False);
        Assert.That(evaluation.PerContext[1].PearsonDelta, Is.EqualTo(1).Within(1e-9), "predicted = observed");

        var narrow = new ScoredContext("d1|B", false, new float[5, 2], new float[5, 2], Features: FeaturesOf(data, "d1|B"));
        Assert.That(Assert.Throws<ArgumentException>(() => PerturbationScorer.Score(new[] { narrow },
            new ScoringOptions { ControlStatistics = new ControlStatistics(new double[2], new[] { 1.0, 1 }), CovariateControls = controls }))!.Message,
            Does.Contain("CovariateControls describe 3 variables but the cells have 2"));
    }

    [Test]
    public void Scorer_RefusesAReferenceOfTheWrongLength()
    {
        float[,] cells = SampleData.Gaussian(20, 3, 1);
        var contexts = new[]
        {
            new ScoredContext("ctrl", true, cells, cells),
            new ScoredContext("drug", false, cells, cells, Reference: new double[2]),
        };
        Assert.That(Assert.Throws<ArgumentException>(() => PerturbationScorer.Score(contexts))!.Message,
            Does.Contain("Context 'drug': its reference (own control mean) has 2 values; expected 3 finite values"));
    }
}
