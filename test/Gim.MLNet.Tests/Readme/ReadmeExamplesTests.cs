using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Readme;

/// <summary>
/// Every C# block of README.md's API tour, run as written ("// readme: name" … "// readme: end";
/// ReadmeSnippetTests checks that the README shows these blocks verbatim).
/// </summary>
public class ReadmeExamplesTests
{
    private string _folder = "";

    /// <summary>One SetUp (NUnit does not order two in one class): the folder first, then the CSV written into it.</summary>
    [SetUp]
    public void CreateFolderWithCsv()
    {
        _folder = Directory.CreateTempSubdirectory("gim-readme-").FullName;
        WriteCsv();
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void PipelineSaveLoadCompareEvaluate()
    {
        string modelPath = Path.Combine(_folder, "gim.zip");

        // readme: pipeline
        var mlContext = new MLContext(seed: 0);
        // Built-in data: a synthetic drug screen (drugs x doses, 800 control cells, known targets and graph).
        HillScreen screen = HillScreen.Generate(new HillScreenOptions { Seed = 0, Variables = 10, TrainDrugs = 20 });
        IDataView train = screen.Train.Data.ToDataView(mlContext);     // columns: Context, IsControl, Features, Measurements
        IDataView newDrugs = screen.FullOod.Data.ToDataView(mlContext);

        var pipeline = mlContext.Transforms.NormalizeMeanVariance("Features")   // any ML.NET featurizer can come first
            .Append(mlContext.Perturbation().Trainers.Gim(new GimOptions
            {
                MaxSteps = 1000, TargetSparsity = 1,
            }));
        TransformerChain<GimTransformer> model = pipeline.Fit(train);

        IDataView predicted = model.Transform(newDrugs);                // one predicted cell per row, per drug never seen
        float[][] cells = predicted.GetColumn<float[]>("Sample").ToArray();
        float[][] targets = predicted.GetColumn<float[]>("TargetProbabilities").ToArray();
        double[,] graph = model.LastTransformer.Graph();                 // learned causal graph, row = cause
        // readme: end

        Assert.That(cells, Has.Length.EqualTo(screen.FullOod.Data.SampleCount));
        Assert.That(targets[0], Has.Length.EqualTo(10));
        Assert.That(graph.GetLength(0), Is.EqualTo(10));

        // readme: saveload
        mlContext.Model.SaveAtomically(model, train.Schema, modelPath);  // an ordinary ML.NET .zip (ONNX inside)

        var servingContext = new MLContext();                            // e.g. in a production app: no Gim.MLNet, no TorchSharp needed
        ITransformer loaded = servingContext.Model.Load(modelPath, out DataViewSchema inputSchema);
        float[][] means = loaded.Transform(newDrugs).GetColumn<float[]>("PredictedMean").ToArray();
        ITransformer batched = servingContext.Model.LoadModel(modelPath, out _);  // with Gim.MLNet: CRC-checked, one ONNX Runtime call per block of rows
        float[][] sameMeans = batched.Transform(newDrugs).GetColumn<float[]>("PredictedMean").ToArray();
        // readme: end

        float[][] inProcess = predicted.GetColumn<float[]>("PredictedMean").ToArray();
        Assert.That(sameMeans, Is.EqualTo(inProcess), "LoadModel runs the same blocks as the fitted transformer");
        Assert.That(batched, Is.InstanceOf<TransformerChain<ITransformer>>());
        Assert.That(((TransformerChain<ITransformer>)batched).LastTransformer, Is.InstanceOf<Gim.MLNet.BatchedOnnxTransformer>());
        // Plain Model.Load runs one row per ONNX Runtime call: equal up to float rounding of the block's matrix products.
        Gim.MLNet.Tests.Support.ParityAssert.Close(Gim.MLNet.Tests.Support.ParityAssert.Rows(means), Gim.MLNet.Tests.Support.ParityAssert.Rows(inProcess), "row-by-row PredictedMean");
        (batched as IDisposable)?.Dispose();

        // readme: compare
        Leaderboard board = mlContext.Perturbation().Compare(
            new Dictionary<string, IEstimator<ITransformer>>
            {
                ["GIM"] = mlContext.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 1000 }),
                ["MeanShift MLP"] = mlContext.Perturbation().Trainers.MeanShift(new MeanShiftOptions { MaxSteps = 300 }),
                ["Control"] = mlContext.Perturbation().Trainers.Control(),
            },
            train,
            new Dictionary<string, IDataView> { ["new drugs"] = newDrugs });
        board.Select(PerturbationMetrics.Mmd, PerturbationMetrics.MeanRmse).Print(Console.Out);
        board.SaveCsv(Path.Combine(_folder, "leaderboard.csv"));
        // readme: end

        Assert.That(board.Rows.Select(r => r.Method), Is.EqualTo(new[] { "GIM", "MeanShift MLP", "Control" }));
        Assert.That(board.Rows.All(r => r.Error is null), Is.True);

        // readme: evaluate
        PerturbationEvaluation evaluation = mlContext.Perturbation().Evaluate(predicted, new PerturbationEvaluationOptions
        {
            ControlStatistics = ControlStatistics.FromData(train),       // the test split has no control cells
            TrueTargets = screen.FullOod.Truth.ToDictionary(t => t.Name, t => t.Targets),
        });
        Console.WriteLine($"MMD {evaluation.Mmd:F4}, mean RMSE {evaluation.MeanRmse:F3}, target AUROC {evaluation.TargetAuroc:F2}");
        // readme: end

        Assert.That(evaluation.Mmd, Is.GreaterThan(0));
        Assert.That(evaluation.TargetAuroc, Is.InRange(0.0, 1.0));
    }

    /// <summary>The README's small screen: an MLContext, its training view and the first new drug's features.</summary>
    private static (MLContext MlContext, IDataView Train, float[] NewDrugFeatures) UnseenDrug()
    {
        HillScreen screen = HillScreen.Generate(new HillScreenOptions { Seed = 0, Variables = 10, TrainDrugs = 20 });
        var mlContext = new MLContext(seed: 0);
        return (mlContext, screen.Train.Data.ToDataView(mlContext), screen.FullOod.Data.Contexts[0].Features);
    }

    [Test]
    public void ExplainAnUnseenPerturbation()
    {
        var (mlContext, train, newDrugFeatures) = UnseenDrug();

        // readme: explain
        GimTransformer gim = mlContext.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 1000 }).Fit(train);
        var explanation = gim.Explain(newDrugFeatures);                  // features as the estimator saw them
        foreach (var (variable, probability, shift) in explanation.RankedTargets().Take(3))
            Console.WriteLine($"{variable}: P(target) = {probability:F2}, shift = {shift:+0.00;-0.00} control SDs");
        float[] effect = explanation.TotalEffect;                       // E[x | drug] − E[x | control], original units
        float[] sd = gim.Model.PredictMeanStandardDeviation(newDrugFeatures)!; // PredictedMean ± 1.645·sd: a 90% interval
        var shiftIntervals = explanation.ShiftIntervals(0.9)!;          // wider the less the drug resembles a training drug
        // readme: end

        Assert.That(effect, Has.Length.EqualTo(10));
        Assert.That(sd, Has.Length.EqualTo(10).And.All.GreaterThan(0f));
        Assert.That(shiftIntervals, Has.Length.EqualTo(10));
        gim.Dispose();
    }

    [Test]
    public void ADoseThatSaturates()
    {
        var (mlContext, train, newDrugFeatures) = UnseenDrug();

        // readme: dose
        GimTransformer doseGim = mlContext.Perturbation().Trainers.Gim(new GimOptions
        {
            MaxSteps = 1000,
            DoseFeature = "dose",              // the feature slot that holds the dose (≥ 0, any unit; 0 = vehicle)
            DoseCurveFromFeatures = false,     // one curve shape for all drugs (default); true: K and n per drug from its features
        }).Fit(train);
        DoseCurvePoint curve = doseGim.Explain(newDrugFeatures).Dose!;  // shifts = maximal shifts · H(dose)
        Console.WriteLine($"H(dose) = {curve.Fraction:F2} of the maximal effect; K = {curve.HalfEffectDose:F2}, n = {curve.HillExponent:F2}");
        // readme: end

        Assert.That(curve.Fraction, Is.InRange(0.0, 1.0));
        Assert.That(curve.HalfEffectDose, Is.GreaterThan(0));
        doseGim.Dispose();
    }

    [Test]
    public void RawCounts()
    {
        var mlContext = new MLContext(seed: 0);
        HillScreen screen = HillScreen.Generate(new HillScreenOptions { Seed = 0, Variables = 6, TrainDrugs = 8, SamplesPerTrainContext = 30, ControlSamples = 200 });
        // Whole-number counts from the screen's log-expression.
        IDataView countCells = new PerturbationDataset(screen.Train.Data.Contexts.Select(c =>
        {
            var cells = new float[c.SampleCount, 6];
            for (int i = 0; i < c.SampleCount; i++)
                for (int j = 0; j < 6; j++) cells[i, j] = MathF.Round(MathF.Exp(c.Samples[i, j] / 2 + 2));
            return new PerturbationContext(c.Name, c.Features, cells, c.IsControl);
        }).ToList(), screen.Train.Data.VariableNames, screen.Train.Data.FeatureNames).ToDataView(mlContext);

        // readme: counts
        var countsPipeline = mlContext.Perturbation().Transforms.NormalizeTotalLog1p("LogMeasurements", targetSum: 1e4f) // counts in, log1p(normalised) out
            .Append(mlContext.Perturbation().Transforms.SelectHighlyVariableGenes("Hvg", "LogMeasurements", count: 4)) // e.g. 2000 of 30,000 genes
            .Append(mlContext.Perturbation().Trainers.Gim(new GimOptions
            {
                MaxSteps = 300, MeasurementsColumnName = "Hvg",
                GraphRank = 2,   // trains B = U Vᵀ of rank 2 (O(d² r) a step, not O(d³)): e.g. 64 for 2,000 genes; 0 = dense (default)
            }));
        var countsModel = countsPipeline.Fit(countCells);               // saved, the .zip takes raw counts (both steps are ONNX)
        // readme: end

        float[][] means = countsModel.Transform(countCells).GetColumn<float[]>("PredictedMean").ToArray();
        Assert.That(means[0], Has.Length.EqualTo(4).And.All.GreaterThan(0f));
        foreach (var t in countsModel) (t as IDisposable)?.Dispose();
    }

    [Test]
    public void KnownTargets()
    {
        var mlContext = new MLContext(seed: 0);

        // readme: known
        var crisprScreen = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = 1 });  // or your Perturb-seq cells
        IDataView perturbSeq = crisprScreen.Train.ToDataView(mlContext);
        var crispr = mlContext.Perturbation().Trainers.Gim(new GimOptions
        {
            KnownTargets = KnownTargetKind.Knockdown,   // a feature named like a measured gene is a guide against it
        });
        GimTransformer knockdowns = crispr.Fit(perturbSeq);          // slot names: genes (Measurements), guides (Features)
        float[] unseen = knockdowns.Model.PredictMean(crisprScreen.UnseenSingle!.Contexts[0].Features); // never knocked down in training
        // readme: end

        string gene = crisprScreen.UnseenSingle!.Contexts[0].Name.Split('+')[0];
        int j = crisprScreen.Train.VariableNames.ToList().IndexOf(gene);
        float[] control = knockdowns.Model.PredictMean(new float[crisprScreen.Train.FeatureCount]);
        Assert.That(unseen[j], Is.LessThan(control[j]), "the knocked-down gene goes down");
        knockdowns.Dispose();
    }

    [Test]
    public void SeveralCellLines()
    {
        // A small two-line screen, as a user's .h5ad would be read: drug x dose x cell line contexts, log-normalised.
        var screen = SingleCellScreen.Generate(new SingleCellScreenOptions { Seed = 1, Genes = 30, Drugs = 6, CellsPerCondition = 20, VehicleCellsPerLine = 80 });
        string h5ad = Path.Combine(_folder, "screen.h5ad"), drugs = Path.Combine(_folder, "drugs.csv");
        screen.WriteH5ad(h5ad);
        screen.WriteDescriptors(drugs);
        var design = new ScreenDesign("product_name", "vehicle") { DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = DescriptorTable.Read(drugs) };
        PerturbationDataset screenCells = CountNormalization.NormalizeTotalLog1p(AnnDataReader.Read(h5ad).ToPerturbationDataset(design));
        string newDrug = screen.DrugNames[^1];
        var trainCells = new PerturbationDataset(screenCells.Contexts.Where(c => c.Group != newDrug).ToList(), screenCells.VariableNames, screenCells.FeatureNames);
        var newDrugCells = new PerturbationDataset(screenCells.Contexts.Where(c => c.Group == newDrug).ToList(), screenCells.VariableNames, screenCells.FeatureNames);
        var mlContext = new MLContext(seed: 0);
        IDataView trainView = trainCells.ToDataView(mlContext), newDrugView = newDrugCells.ToDataView(mlContext);

        // readme: lines
        IReadOnlyList<string> lines = design.CovariateFeatureNames(screenCells.FeatureNames);   // ["cell_type=LineB"]
        Leaderboard byLine = ModelComparison.Run(new Dictionary<string, Func<PerturbationDataset, PerturbationModel>>
        {
            ["Control"] = d => new ControlTrainer(new ControlOptions { CovariateFeatures = lines }).Fit(d),   // each line's own vehicle cells
            ["TrainingMean"] = d => new TrainingMeanTrainer(new TrainingMeanOptions { CovariateFeatures = lines }).Fit(d),
            ["GIM"] = d => new GimTrainer(new GimOptions   // its dose curve on the design's log10(1+dose); the lines' own differences
            {
                MaxSteps = 300, DoseFeature = design.DoseFeatureName, DoseEncoding = design.DoseEncoding, CovariateFeatures = lines,
            }).Fit(d),
        }, trainCells, new Dictionary<string, PerturbationDataset> { ["new drug"] = newDrugCells },
            new ModelComparisonOptions { CovariateFeatures = lines });   // each context's shifts measured from its own line's vehicle
        byLine.Select(PerturbationMetrics.Mmd, PerturbationMetrics.PearsonDelta).Print(Console.Out);
        // Through ML.NET estimators: the lines' controls from the training rows (the features' slot names name the covariates).
        Leaderboard viaMlNet = mlContext.Perturbation().Compare(new Dictionary<string, IEstimator<ITransformer>>
        {
            ["Control"] = mlContext.Perturbation().Trainers.Control(new ControlOptions { CovariateFeatures = lines }),
        }, trainView, new Dictionary<string, IDataView> { ["new drug"] = newDrugView },
            new ComparisonOptions { Evaluation = { CovariateControls = CovariateControls.FromData(trainView, lines) } });
        // readme: end

        Assert.That(lines, Is.EqualTo(new[] { "cell_type=LineB" }));
        Assert.That(byLine.Rows.Concat(viaMlNet.Rows).All(r => r.Succeeded), Is.True, string.Join("; ", byLine.Rows.Concat(viaMlNet.Rows).Select(r => r.Error)));
        // The new drug's line-B contexts are predicted by line B's vehicle: the control's predicted mean there is that vehicle's mean.
        var control = new ControlTrainer(new ControlOptions { CovariateFeatures = lines }).Fit(trainCells);
        PerturbationContext lineB = newDrugCells.Contexts.First(c => c.Features[^1] == 1);
        PerturbationContext vehicleB = trainCells.Contexts.Single(c => c.Name == "vehicle|cell_type=LineB");
        Assert.That(control.PredictMean(lineB.Features), Is.EqualTo(MeanMetrics.ColumnMeans(vehicleB.Samples)).Within(1e-4));
        // GIM's line-B vehicle: dose 0, so no share of any drug's shift, and all of its difference from line A the covariates'.
        using GimModel gim = new GimTrainer(new GimOptions
        {
            MaxSteps = 300, DoseFeature = design.DoseFeatureName, DoseEncoding = design.DoseEncoding, CovariateFeatures = lines,
        }).Fit(trainCells);
        InterventionExplanation vehicle = gim.Explain(vehicleB.Features);
        Assert.That(vehicle.Dose!.Fraction, Is.EqualTo(0));
        Assert.That(vehicle.CovariateEffect, Is.EqualTo(vehicle.TotalEffect).Within(1e-4));

        // The screened drugs' cells only, as a user's training file would hold them (the last drug, Drug06, never screened).
        string screenedH5ad = Path.Combine(_folder, "screened.h5ad");
        screen.WriteH5ad(screenedH5ad, i => screen.Perturbation[i] != newDrug);
        Assert.That(newDrug, Is.EqualTo("Drug06"));

        // readme: indicators
        var perDrugDesign = new ScreenDesign("product_name", "vehicle")
        {
            DoseColumn = "dose", Covariates = new[] { "cell_type" }, Descriptors = DescriptorTable.Read(drugs),
            PerturbationIndicators = true,   // features: Drug01, ..., Drug05 (the screened drugs), their descriptors, dose, line
        };
        PerturbationDataset screened = CountNormalization.NormalizeTotalLog1p(AnnDataReader.Read(screenedH5ad).ToPerturbationDataset(perDrugDesign));
        using GimModel perDrug = new GimTrainer(new GimOptions
        {
            MaxSteps = 300, DoseFeature = perDrugDesign.DoseFeatureName, DoseEncoding = perDrugDesign.DoseEncoding,
            CovariateFeatures = perDrugDesign.CovariateFeatureNames(screened.FeatureNames),
        }).Fit(screened);
        float[] unscreened = perDrugDesign.FeaturesFor(screened.FeatureNames, "Drug06", 1000,   // no indicator of its own: its
            new Dictionary<string, string> { ["cell_type"] = "LineB" });                        // descriptors, dose and line
        float[] predicted = perDrug.PredictMean(unscreened);
        // readme: end

        string[] screenedDrugs = screen.DrugNames.Take(5).ToArray();
        Assert.That(screened.FeatureNames.Take(5), Is.EqualTo(screenedDrugs), "one indicator per screened drug, first");
        Assert.That(screened.FeatureNames.Skip(5), Is.EqualTo(screenCells.FeatureNames), "then the features the design made without them");
        Assert.That(unscreened.Take(5), Is.All.EqualTo(0f), "the unscreened drug has no indicator");
        float[] asBefore = newDrugCells.Contexts.Single(c => c.Name == "Drug06|dose=1000|cell_type=LineB").Features;
        Assert.That(unscreened.Skip(5), Is.EqualTo(asBefore), "its descriptors, dose and line as without indicators");
        Assert.That(predicted, Has.Length.EqualTo(screened.VariableCount).And.All.Not.NaN);
        float[] screenedDrug = perDrugDesign.FeaturesFor(screened.FeatureNames, "Drug02", 1000, new Dictionary<string, string> { ["cell_type"] = "LineB" });
        Assert.That(screenedDrug.Take(5), Is.EqualTo(new float[] { 0, 1, 0, 0, 0 }), "a screened drug keeps its indicator at a new dose");
    }

    [Test]
    public void PairsFromSingles()
    {
        var mlContext = new MLContext(seed: 0);
        // Genes A, B, C as 0/1 features: control, the singles A and B, the pair B+C (C never alone).
        var random = new Random(3);
        PerturbationContext Context(string name, float[] genes, float[] shift, bool control = false)
        {
            var cells = new float[60, 2];
            for (int i = 0; i < 60; i++)
                for (int j = 0; j < 2; j++) cells[i, j] = shift[j] + (float)(random.NextDouble() - 0.5);
            return new PerturbationContext(name, genes, cells, control);
        }
        IDataView geneScreen = new PerturbationDataset(new[]
        {
            Context("ctrl", new float[] { 0, 0, 0 }, new float[] { 0, 0 }, control: true),
            Context("A", new float[] { 1, 0, 0 }, new float[] { 1, 0 }),
            Context("B", new float[] { 0, 1, 0 }, new float[] { 0, -1 }),
            Context("B+C", new float[] { 0, 1, 1 }, new float[] { 0.5f, -1 }),
        }, new[] { "x0", "x1" }, new[] { "A", "B", "C" }).ToDataView(mlContext);

        // readme: additive
        var additive = mlContext.Perturbation().Trainers.Additive(new AdditiveOptions
        {
            Unseen = AdditiveUnseen.SingleMean,   // a gene never perturbed alone adds the mean single effect (default: nothing)
        });
        AdditiveModel pairs = additive.Fit(geneScreen).Model;               // features: one 0/1 slot per perturbed gene
        float[] pairShift = pairs.MeanShift(new float[] { 1, 1, 0 });       // "A+B": A's effect + B's effect, control SDs
        IReadOnlyList<bool> seenAlone = pairs.SeenAlone;                   // A, B: true; C: false
        // readme: end

        double[,] effects = pairs.Effects;
        Assert.That(pairShift[0], Is.EqualTo(effects[0, 0] + effects[1, 0]).Within(1e-5));
        Assert.That(seenAlone, Is.EqualTo(new[] { true, true, false }));
        pairs.Dispose();
    }

    [Test]
    public void DataFrameAndAnnData()
    {
        string h5adPath = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "h5ad", "dense_f32.h5ad");

        // readme: h5ad
        AnnDataTable table = AnnDataReader.Read(h5adPath, new AnnDataReadOptions { ObsColumns = new[] { "condition", "treated" } });
        PerturbationDataset cellsFromFile = table.ToPerturbationDataset(
            contextColumn: "condition", controlValues: new[] { "ctrl" }, featureColumns: new[] { "treated" });
        // readme: end

        Assert.That(cellsFromFile.Contexts, Has.Count.EqualTo(3));

        // readme: dataframe
        var mlContext = new MLContext(seed: 0);
        DataFrame frame = DataFrame.LoadCsv(Path.Combine(_folder, "cells.csv"));      // Context, IsControl, Dose, g0..g4
        var pipeline = mlContext.Transforms.Concatenate("Measurements", "g0", "g1", "g2", "g3", "g4")
            .Append(mlContext.Transforms.Concatenate("Features", "Dose"))
            .Append(mlContext.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 300 }));
        var model = pipeline.Fit(frame);                                              // a DataFrame is an IDataView
        DataFrame predictions = model.Transform(frame)
            .ToPredictionDataFrame(model.LastTransformer.VariableNames, "Context", "PredictedMean");
        // readme: end

        Assert.That(predictions.Rows.Count, Is.EqualTo(frame.Rows.Count));
    }

    private void WriteCsv()
    {
        // A tiny screen in CSV form for the DataFrame example: a control and three doses of one drug.
        var rng = new Random(3);
        var lines = new List<string> { "Context,IsControl,Dose,g0,g1,g2,g3,g4" };
        foreach (var (context, dose) in new[] { ("ctrl", 0.0), ("d1", 1.0), ("d2", 2.0), ("d3", 3.0) })
            for (int i = 0; i < 30; i++)
            {
                double g0 = rng.NextDouble() + dose, g1 = 0.8 * g0 + rng.NextDouble();
                lines.Add(FormattableString.Invariant($"{context},{(context == "ctrl" ? "true" : "false")},{dose},{g0:F4},{g1:F4},{rng.NextDouble():F4},{rng.NextDouble():F4},{rng.NextDouble():F4}"));
            }
        File.WriteAllLines(Path.Combine(_folder, "cells.csv"), lines);
    }
}
