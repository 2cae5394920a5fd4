using Gim.MLNet.Samples.Commands;
using Gim.MLNet.Samples.Console;
using Spectre.Console.Cli;

var app = new CommandApp<MainJobCommand>();
app.Configure(config =>
{
    config.SetApplicationName("Gim.MLNet.Samples");
    config.SetApplicationVersion(Gim.MLNet.Runtime.GimInfo.Version);
    config.AddExample("--quick", "--out", "run1");
    config.AddCommand<FitCommand>("fit")
        .WithDescription("Fit GIM to your own cells (.csv or .h5ad) and write the model, targets and graph.")
        .WithExample("fit", "--data", "cells.csv", "--context", "drug", "--control", "DMSO", "--feature-prefix", "fp_");
    config.AddCommand<PredictCommand>("predict")
        .WithDescription("Predict cells for new feature vectors with a saved pipeline (.zip).")
        .WithExample("predict", "--model", "run1/gim-pipeline.zip", "--input", "new-drugs.csv");
    config.AddCommand<EvaluateCommand>("evaluate")
        .WithDescription("Score a pipeline fitted with `fit --perturbation` on held-out cells, against the control baseline: metrics.csv.")
        .WithExample("evaluate", "--model", "fit1/gim-model.zip", "--data", "heldout.h5ad", "--out", "eval1");
    config.AddCommand<ExplainCommand>("explain")
        .WithDescription("Explain feature vectors with a saved pipeline: targets, shifts, effects on the means, and the learned graph.")
        .WithExample("explain", "--model", "run1/gim-pipeline.zip", "--input", "new-drugs.csv", "--graph", "graph.csv");
    config.AddCommand<SimulateScreenCommand>("simulate-screen")
        .WithDescription("Write the built-in single-cell drug screen: raw counts (.h5ad: drug, dose, cell line) and a drug descriptor table.")
        .WithExample("simulate-screen", "--out", "screen1");
    config.AddCommand<SqlStatisticsCommand>("sql-statistics")
        .WithDescription("Compute a screen's statistics with DuckDB (embedded) from cells in long form (Parquet/CSV, larger than memory), for `fit --statistics`.")
        .WithExample("sql-statistics", "--values", "x.parquet", "--obs", "obs.parquet", "--contexts", "contexts.csv", "--out", "stats1");
    config.AddCommand<SachsCommand>("sachs").WithDescription("GIM on the Sachs et al. (2005) flow-cytometry data: held-out cells, nominal targets, consensus graph.");
    // Exceptions reach CommandLineErrors, which turns every one into an `error:` line and an exit code.
    config.PropagateExceptions();
    config.UseStrictParsing();
});
using var ctrlC = new CtrlCCancellation();
return CommandLineErrors.Run(args, () => app.Run(args, ctrlC.Token), ctrlC.Token);
