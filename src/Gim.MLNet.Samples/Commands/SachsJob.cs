using System.Diagnostics;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Sachs;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Gim.MLNet.Samples.Console;
using Gim.MLNet.Samples.Plots;
using Gim.MLNet.Scoring;
using Spectre.Console;

namespace Gim.MLNet.Samples.Commands;

/// <summary>The steps of the `sachs` command: fit on 80% of every condition, then score the three tasks and plot.</summary>
internal sealed class SachsJob(int seed, string folder, CancellationToken cancellationToken)
{
    private readonly List<(string File, string What)> _outputs = new();

    public IReadOnlyList<(string File, string What)> Outputs => _outputs;

    public void Run()
    {
        PerturbationDataset data = SachsDataset.Load();
        var (train, test) = SachsDataset.Split(data, seed);
        AnsiConsole.MarkupLineInterpolated(
            $"Sachs et al. (2005): {data.SampleCount} cells, {data.VariableCount} phosphoproteins (log), {data.Contexts.Count} conditions (control {SachsDataset.ControlCondition}); training on a random 80% of each condition (seed {seed}).");

        GimOptions options = SachsTasks.GimOptions(seed);
        options.CancellationToken = cancellationToken;
        using GimModel gim = TrainingProgressView.Run("Fitting GIM", options.MaxSteps, progress =>
        {
            options.Progress = progress;
            return new GimTrainer(options).Fit(train);
        });
        AnsiConsole.MarkupLineInterpolated($"GIM trained {gim.StepsRun} steps in {gim.FitTime.TotalSeconds:F1} s.");

        // A few peers for context: the control (no effect at all), a black box and GIM's two-stage ablation.
        var peers = new List<(string Name, PerturbationModel Model)>();
        try
        {
            peers.Add(Fit("Control", () => new ControlTrainer().Fit(train)));
            peers.Add(Fit("CondGaussian", () => new ConditionalGaussianTrainer(new ConditionalGaussianOptions { Seed = seed }).Fit(train)));
            peers.Add(Fit("TwoStage", () => new TwoStageCausalTrainer(new TwoStageCausalOptions { Seed = seed }).Fit(train)));
            var models = new List<(string Name, PerturbationModel Model)> { ("GIM", gim) };
            models.AddRange(peers.Select(p => (p.Name, (PerturbationModel)p.Model)));
            var twoStage = (TwoStageCausalModel)peers.Single(p => p.Name == "TwoStage").Model;

            SachsTables.HeldOutCells(models.Select(m => (m.Name, SachsTasks.ScoreCells(m.Model, train, test, seed))).ToList());
            SachsTargetScore gimTargets = SachsTasks.ScoreTargets(gim, data)!;
            var untargeted = data.Contexts.Where(c => !SachsDataset.TargetedConditions.Contains(c.Name))
                .Select(c => (c.Name, gim.TargetProbabilities(c.Features)!)).ToList();
            SachsTables.Targets(gimTargets, untargeted, SachsTasks.ScoreTargets(twoStage, data)!);
            SachsGraphScore gimGraph = SachsTasks.ScoreGraph(gim.Graph());
            SachsTables.Graph(gim.Graph(), gimGraph, SachsTasks.ScoreGraph(twoStage.Graph()));

            string targets = Path.Combine(folder, "sachs-targets.png");
            SachsFigures.Targets(targets, gimTargets);
            _outputs.Add((targets, "GIM's target probabilities π vs the nominal reagent targets"));
            string graph = Path.Combine(folder, "sachs-graph.png");
            SachsFigures.Graph(graph, gim.Graph(), gimGraph);
            _outputs.Add((graph, "GIM's learned graph |B| vs the 17-edge consensus graph"));
        }
        finally
        {
            foreach (var (_, model) in peers) model.Dispose();
        }
    }

    private static (string, PerturbationModel) Fit(string name, Func<PerturbationModel> fit)
    {
        var clock = Stopwatch.StartNew();
        PerturbationModel model = fit();
        AnsiConsole.MarkupLineInterpolated($"{name} fitted in {clock.Elapsed.TotalSeconds:F1} s.");
        return (name, model);
    }
}
