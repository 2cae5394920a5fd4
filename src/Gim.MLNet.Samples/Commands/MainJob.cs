using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Samples.Console;
using Gim.MLNet.Samples.Plots;
using Gim.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;

namespace Gim.MLNet.Samples.Commands;

/// <summary>The steps of the main job, each writing into the output folder.</summary>
internal sealed class MainJob(int seed, bool quick, string folder, CancellationToken cancellationToken)
{
    private readonly List<(string File, string What)> _outputs = new();

    public IReadOnlyList<(string File, string What)> Outputs => _outputs;

    public void Run()
    {
        HillScreen screen = GenerateScreen();
        var mlContext = new MLContext(seed);
        IDataView train = screen.Train.Data.ToDataView(mlContext);

        var options = new GimOptions
        {
            Seed = seed,
            MaxSteps = quick ? 1000 : 2000,
            LearningRate = quick ? 0.02 : 0.01,
            DoseFeature = "dose",             // the screen's dose column: shifts follow a saturating curve of it
            CancellationToken = cancellationToken,
        };
        // An ordinary ML.NET pipeline: any featurizer or normaliser can precede the GIM trainer.
        var pipeline = mlContext.Transforms.NormalizeMeanVariance("Features")
            .Append(mlContext.Perturbation().Trainers.Gim(options));
        TransformerChain<GimTransformer> model = TrainingProgressView.Run("Fitting GIM", options.MaxSteps, progress =>
        {
            options.Progress = progress;
            return pipeline.Fit(train);
        });
        GimTransformer gim = model.LastTransformer;
        AnsiConsole.MarkupLineInterpolated($"GIM trained {gim.Model.StepsRun} steps in {gim.Model.FitTime.TotalSeconds:F1} s.");
        if (gim.Model.Calibration is { } calibration)
            // What the leave-drugs-out refits measured (docs/method.md, "Novelty"): far from every training drug a prediction keeps
            // α_far of its shift, and its target logits are multiplied by τ_far (probabilities toward ½; MAP targets unchanged).
            AnsiConsole.MarkupLineInterpolated(
                $"Novelty calibration: a drug unlike every training drug keeps α_far = {calibration.FarShrinkage:F2} of its shift and τ_far = {calibration.TargetTemperature:F2} of its target logits.");

        string zip = Path.Combine(folder, "gim-pipeline.zip");
        mlContext.Model.SaveAtomically(model, train.Schema, zip);
        _outputs.Add((zip, "the fitted ML.NET pipeline (ONNX inside; loads without Gim.MLNet)"));

        Leaderboard board = PeerComparison.Run(mlContext, screen, seed, quick, cancellationToken);
        string csv = Path.Combine(folder, "leaderboard.csv");
        board.SaveCsv(csv);
        board.SaveMarkdown(Path.Combine(folder, "leaderboard.md"));
        _outputs.Add((csv, "GIM vs peers on both OOD splits (also leaderboard.md)"));

        PredictUnseenDrug(screen, zip, gim);
        PlotMechanisms(screen, model, mlContext);
    }

    private HillScreen GenerateScreen()
    {
        var options = quick
            ? new HillScreenOptions { Seed = seed, Variables = 10, TrainDrugs = 20, NewDrugs = 8, SamplesPerTestContext = 100 }
            : new HillScreenOptions { Seed = seed };
        HillScreen screen = HillScreen.Generate(options);
        AnsiConsole.MarkupLineInterpolated(
            $"Hill screen (seed {seed}): {screen.Train.Data.Contexts.Count} training contexts ({screen.Train.Data.SampleCount} cells), {screen.Options.Variables} variables, {screen.FullOod.Data.Contexts.Count} fully-OOD test contexts.");
        return screen;
    }

    private void PredictUnseenDrug(HillScreen screen, string zip, GimTransformer gim)
    {
        // A fresh MLContext, as a production app would: only the .zip is needed.
        var serving = new MLContext(seed);
        ITransformer loaded = serving.Model.LoadModel(zip, out _);
        using var loadedLifetime = loaded as IDisposable; // the ONNX session and ML.NET's temporary graph file
        PerturbationContext unseen = screen.FullOod.Data.Contexts.OrderByDescending(c => screen.FullOod.Truth[screen.FullOod.Data.Contexts.ToList().IndexOf(c)].Dose).First();
        // 2,000 rows with the unseen drug's features: each row is one predicted cell.
        const int n = 2000;
        var query = new PerturbationContext(unseen.Name, unseen.Features, new float[n, screen.Options.Variables]);
        var single = new PerturbationDataset(new[] { query }, screen.Train.Data.VariableNames, screen.Train.Data.FeatureNames);
        IDataView predictions = loaded.Transform(single.ToDataView(serving));
        float[][] samples = predictions.GetColumn<float[]>("Sample").ToArray();
        var predicted = new float[n, samples[0].Length];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < samples[i].Length; j++)
                predicted[i, j] = samples[i][j];

        double[] controlMean = MeanMetrics.ColumnMeans(screen.Train.Data.Controls.First().Samples);
        double[] observedMean = MeanMetrics.ColumnMeans(unseen.Samples);
        int[] top = MeanMetrics.TopKMostShifted(observedMean, controlMean, 4);
        string marginals = Path.Combine(folder, "marginals-unseen-drug.png");
        Figures.Marginals(marginals, predicted, unseen.Samples, top, gim.VariableNames, unseen.Name);
        _outputs.Add((marginals, $"predicted vs observed cells of {unseen.Name} (never seen in training), 4 most shifted variables"));

        // The model's own 90% interval for the mean (PredictedMean ± 1.645·PredictedMeanSd; every row has the same features).
        float[] meanOfModel = predictions.GetColumn<float[]>("PredictedMean").First();
        float[] sdOfMean = predictions.GetColumn<float[]>("PredictedMeanSd").First();
        var table = new Table().Title($"Unseen drug {unseen.Name}: reloaded pipeline vs observed means")
            .AddColumns("variable", "control", "observed", "predicted", "90% interval of the mean");
        double[] predictedMean = MeanMetrics.ColumnMeans(predicted);
        foreach (int j in top)
            table.AddRow(gim.VariableNames[j], $"{controlMean[j]:F2}", $"{observedMean[j]:F2}", $"{predictedMean[j]:F2}",
                float.IsNaN(sdOfMean[j]) ? "–" : Markup.Escape($"[{meanOfModel[j] - 1.645 * sdOfMean[j]:F2}, {meanOfModel[j] + 1.645 * sdOfMean[j]:F2}]"));
        AnsiConsole.Write(table);
    }

    private void PlotMechanisms(HillScreen screen, TransformerChain<GimTransformer> model, MLContext mlContext)
    {
        GimTransformer gim = model.LastTransformer;
        // Through the whole pipeline, so the features see the same normaliser as in training.
        IDataView scored = model.Transform(screen.FullOod.Data.ToDataView(mlContext));
        var probabilities = scored.GetColumn<string>("Context").Zip(scored.GetColumn<float[]>("TargetProbabilities"))
            .GroupBy(row => row.First).ToDictionary(g => g.Key, g => g.First().Second);
        string targets = Path.Combine(folder, "targets-fully-ood.png");
        Figures.Targets(targets, screen.FullOod.Truth.Select(t => t.Targets).ToArray(),
            screen.FullOod.Data.Contexts.Select(c => probabilities[c.Name]).ToArray(), gim.VariableNames, "fully-OOD drugs");
        _outputs.Add((targets, $"true vs inferred targets of the {screen.Options.NewDrugs} new drugs (fully OOD)"));

        string graph = Path.Combine(folder, "graph-true-vs-learned.png");
        Figures.Graphs(graph, screen.TrueGraph, gim.Graph());
        _outputs.Add((graph, "true vs learned causal graph"));

        string curve = Path.Combine(folder, "training-curve.png");
        Figures.TrainingCurve(curve, gim.Model.History);
        _outputs.Add((curve, "GIM training curve"));
    }
}
