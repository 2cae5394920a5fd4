using System.Globalization;
using Gim.MLNet.Data.Sachs;
using Gim.MLNet.Scoring;
using Spectre.Console;

namespace Gim.MLNet.Samples.Commands;

/// <summary>The console tables of the `sachs` command, one per task.</summary>
internal static class SachsTables
{
    /// <summary>Task (a): the averages per method, then MMD² per condition.</summary>
    public static void HeldOutCells(IReadOnlyList<(string Method, SachsCellScores Scores)> results)
    {
        var summary = new Table().Title("(a) Held-out 20% of each condition, in control SDs")
            .AddColumns("method", "MMD²", "energy", "mean RMSE", "Pearson Δ");
        foreach (var (method, s) in results)
            summary.AddRow(method, F(s.Mmd, 4), F(s.Energy, 3), F(s.MeanRmse, 3), F(s.PearsonDelta, 3));
        AnsiConsole.Write(summary);

        var perCondition = new Table().Border(TableBorder.Minimal).Title("MMD² per condition; observed shift = RMSE of its mean from the control's")
            .AddColumn("condition").AddColumn("observed shift");
        foreach (var (method, _) in results) perCondition.AddColumn(method);
        IReadOnlyList<SachsConditionScore> first = results[0].Scores.PerCondition;
        for (int c = 0; c < first.Count; c++)
            perCondition.AddRow(new[] { Markup.Escape(Short(first[c].Condition)), F(first[c].ObservedShift, 2) }
                .Concat(results.Select(r => F(r.Scores.PerCondition[c].Mmd, 4))).ToArray());
        AnsiConsole.Write(perCondition);
    }

    /// <summary>
    /// Task (b): GIM's π with the nominal targets highlighted (the two conditions without a nominal target are
    /// shown below the line, not scored), and the AUROC/AUPRC of GIM and TwoStage.
    /// </summary>
    public static void Targets(SachsTargetScore gim, IReadOnlyList<(string Condition, float[] Pi)> untargeted, SachsTargetScore twoStage)
    {
        // Minimal border without padding: 12 columns then fit an 80-character log.
        var table = new Table().Border(TableBorder.Minimal).Title("(b) GIM's target probabilities π ([yellow]yellow[/]: nominal)")
            .AddColumn(new TableColumn("condition").Padding(0, 0));
        foreach (string v in SachsDataset.VariableNames) table.AddColumn(new TableColumn(v).RightAligned().Padding(0, 0));
        string Cell(float p, bool nominal) => nominal ? $"[bold yellow]{p:F2}[/]" : p >= 0.5 ? $"[bold]{p:F2}[/]" : $"[grey]{p:F2}[/]";
        for (int c = 0; c < gim.Conditions.Count; c++)
            table.AddRow(new[] { Markup.Escape(Short(gim.Conditions[c])) }.Concat(gim.Probabilities[c].Select((p, j) => Cell(p, gim.Nominal[c][j]))).ToArray());
        table.AddEmptyRow();
        foreach (var (condition, pi) in untargeted)
            table.AddRow(new[] { $"[grey]{Markup.Escape(Short(condition))}[/]" }.Concat(pi.Select(p => Cell(p, false))).ToArray());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Nominal-target recovery over {gim.Conditions.Count} conditions × {SachsDataset.VariableNames.Count} variables: GIM AUROC {gim.Auroc:F3}, AUPRC {gim.Auprc:F3}; TwoStageCausal AUROC {twoStage.Auroc:F3}, AUPRC {twoStage.Auprc:F3} (random: AUROC 0.5, AUPRC ≈ {7.0 / 77:F2}).");
        AnsiConsole.MarkupLine("[grey]Caveat: inhibitors act on a protein's activity, not on its measured phosphorylation, which can move either way or not at all; the nominal targets are a noisy label of the intervened mechanism.[/]");
    }

    /// <summary>Task (c): graph scores of GIM and TwoStage, and GIM's 17 strongest edges.</summary>
    public static void Graph(double[,] b, SachsGraphScore gim, SachsGraphScore twoStage)
    {
        var table = new Table().Title("(c) Consensus-graph recovery (17 edges; the empty graph has SHD 17)")
            .AddColumns("method", "AUROC", "AUPRC", "skeleton AUROC", $"|B|>{gim.Threshold.ToString(CultureInfo.InvariantCulture)}", "SHD", "SHD top-17");
        foreach (var (method, s) in new[] { ("GIM", gim), ("TwoStage", twoStage) })
            table.AddRow(method, F(s.Auroc, 3), F(s.Auprc, 3), F(s.SkeletonAuroc, 3), s.PredictedEdges.ToString(CultureInfo.InvariantCulture),
                s.Shd.ToString(CultureInfo.InvariantCulture), s.ShdTopK.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);

        bool[,] consensus = SachsDataset.ConsensusGraph();
        IReadOnlyList<string> names = SachsDataset.VariableNames;
        var strongest = from i in Enumerable.Range(0, names.Count)
                        from j in Enumerable.Range(0, names.Count)
                        where i != j
                        orderby Math.Abs(b[i, j]) descending
                        select (i, j);
        var edges = new Table().Title("GIM's 17 strongest edges (B in control SDs per control SD)").AddColumns("edge", "B", "consensus");
        foreach (var (i, j) in strongest.Take(17))
            edges.AddRow($"{names[i]} → {names[j]}", F(b[i, j], 3),
                consensus[i, j] ? "[green]yes[/]" : consensus[j, i] ? "[yellow]reversed[/]" : "[grey]no[/]");
        AnsiConsole.Write(edges);
        AnsiConsole.MarkupLine("[grey]The consensus graph is a literature consensus, not a certainty.[/]");
    }

    /// <summary>"+u0126" for "cd3cd28+u0126": every such condition adds one reagent to the control's stimulation.</summary>
    private static string Short(string condition) =>
        condition.StartsWith(SachsDataset.ControlCondition + "+", StringComparison.Ordinal) ? condition[SachsDataset.ControlCondition.Length..] : condition;

    private static string F(double value, int digits) =>
        double.IsFinite(value) ? value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "–";
}
