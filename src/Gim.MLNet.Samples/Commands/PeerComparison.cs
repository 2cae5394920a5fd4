using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;
using Microsoft.ML;
using Spectre.Console;

namespace Gim.MLNet.Samples.Commands;

/// <summary>GIM against its peers on the screen's two out-of-distribution splits, as a leaderboard.</summary>
internal static class PeerComparison
{
    public static Leaderboard Run(MLContext mlContext, HillScreen screen, int seed, bool quick, CancellationToken cancellationToken)
    {
        int mlpSteps = quick ? 300 : 1000;
        var trainers = mlContext.Perturbation().Trainers;
        var estimators = new Dictionary<string, IEstimator<ITransformer>>
        {
            ["GIM"] = trainers.Gim(new GimOptions
            {
                Seed = seed,
                MaxSteps = quick ? 1000 : 2000,
                LearningRate = quick ? 0.02 : 0.01,
                DoseFeature = "dose",
                CancellationToken = cancellationToken,
            }),
            ["TwoStageCausal"] = trainers.TwoStageCausal(new TwoStageCausalOptions { Seed = seed, MaxSteps = quick ? 1000 : 2000 }),
            ["MeanShift MLP"] = trainers.MeanShift(new MeanShiftOptions { Seed = seed, MaxSteps = mlpSteps }),
            ["ConditionalGaussian MLP"] = trainers.ConditionalGaussian(new ConditionalGaussianOptions { Seed = seed, MaxSteps = mlpSteps }),
            ["LinearFeatures (ridge)"] = trainers.LinearFeatures(new LinearFeaturesOptions { Seed = seed, GroupColumnName = "Group" }),
            ["NearestContext"] = trainers.NearestContext(new NearestContextOptions { Seed = seed }),
            ["TrainingMean"] = trainers.TrainingMean(new TrainingMeanOptions { Seed = seed }),
            ["Control"] = trainers.Control(new ControlOptions { Seed = seed }),
        };
        var splits = new Dictionary<string, IDataView>
        {
            ["partial-ood"] = screen.PartialOod.Data.ToDataView(mlContext),
            ["full-ood"] = screen.FullOod.Data.ToDataView(mlContext),
        };
        var truth = screen.PartialOod.Truth.Concat(screen.FullOod.Truth).ToDictionary(t => t.Name, t => t.Targets);
        var options = new ComparisonOptions
        {
            Evaluation = { TrueTargets = truth },
            Progress = new LineProgress(),
            CancellationToken = cancellationToken,
        };
        AnsiConsole.MarkupLine("Comparing GIM with its peers (each fitted on the same training cells):");
        Leaderboard board = mlContext.Perturbation().Compare(estimators, screen.Train.Data.ToDataView(mlContext), splits, options);
        Show(board);
        return board;
    }

    private static void Show(Leaderboard board)
    {
        string[] metrics = { PerturbationMetrics.Mmd, PerturbationMetrics.Energy, PerturbationMetrics.MeanRmse, PerturbationMetrics.PearsonDelta, PerturbationMetrics.TargetAuroc };
        foreach (string split in board.Splits)
        {
            var table = new Table().Title($"[bold]{split}[/] (lower is better for mmd, energy, mean_rmse)").AddColumn("method");
            foreach (string metric in metrics) table.AddColumn(new TableColumn(metric).RightAligned());
            table.AddColumn(new TableColumn("fit s").RightAligned());
            foreach (LeaderboardRow row in board.Rows)
            {
                var cells = new List<string> { Markup.Escape(row.Method) };
                cells.AddRange(metrics.Select(m => Format(row.Value(split, m))));
                cells.Add(Format(row.FitSeconds));
                table.AddRow(cells.ToArray());
            }
            AnsiConsole.Write(table);
        }
        foreach (LeaderboardRow failed in board.Rows.Where(r => r.Error is not null))
            AnsiConsole.MarkupLineInterpolated($"[red]{failed.Method} failed:[/] {failed.Error}");
    }

    private static string Format(double? value) => value is double v && !double.IsNaN(v) ? v.ToString("G4") : "–";

    private sealed class LineProgress : IProgress<ComparisonProgress>
    {
        public void Report(ComparisonProgress value) => AnsiConsole.MarkupLineInterpolated($"  [grey]{value}[/]");
    }
}
