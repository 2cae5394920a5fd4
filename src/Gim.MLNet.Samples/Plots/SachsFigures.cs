using Gim.MLNet.Data.Sachs;
using Gim.MLNet.Runtime;
using Gim.MLNet.Scoring;
using ScottPlot;

namespace Gim.MLNet.Samples.Plots;

/// <summary>
/// The PNG figures of the `sachs` command. Unlike <see cref="Figures"/> (unnamed drugs and variables of a
/// synthetic screen), these label every condition and protein and outline the reference (nominal target,
/// consensus edge) on the learned map, so one panel can be read without the other.
/// </summary>
internal static class SachsFigures
{
    /// <summary>GIM's π (conditions × variables) with the nominal targets outlined, next to the nominal mask.</summary>
    public static void Targets(string path, SachsTargetScore score)
    {
        int rows = score.Conditions.Count, d = SachsDataset.VariableNames.Count;
        var nominal = new double[rows, d];
        var pi = new double[rows, d];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < d; j++)
            {
                nominal[r, j] = score.Nominal[r][j] ? 1 : 0;
                pi[r, j] = score.Probabilities[r][j];
            }
        bool[,] outline = ToMatrix(score.Nominal);
        var left = Heatmap(nominal, "nominal targets (Sachs et al.)", SachsDataset.VariableNames, score.Conditions, null);
        var right = Heatmap(pi, $"GIM π (outlined: nominal; AUROC {score.Auroc:F2})", SachsDataset.VariableNames, score.Conditions, outline);
        Save(path, 1500, 620, left, right);
    }

    /// <summary>GIM's |B| (cause × effect) with the consensus edges outlined, next to the consensus graph.</summary>
    public static void Graph(string path, double[,] learned, SachsGraphScore score)
    {
        bool[,] consensus = SachsDataset.ConsensusGraph();
        int d = consensus.GetLength(0);
        var truth = new double[d, d];
        var magnitude = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                truth[i, j] = consensus[i, j] ? 1 : 0;
                magnitude[i, j] = i == j ? 0 : Math.Abs(learned[i, j]);
            }
        IReadOnlyList<string> names = SachsDataset.VariableNames;
        var left = Heatmap(truth, "consensus graph (row = cause)", names, names, null);
        var right = Heatmap(magnitude, $"GIM |B| (outlined: consensus; AUROC {score.Auroc:F2}, SHD top-17 {score.ShdTopK})", names, names, consensus);
        Save(path, 1400, 640, left, right);
    }

    private static Plot Heatmap(double[,] values, string title, IReadOnlyList<string> columns, IReadOnlyList<string> rows, bool[,]? outline)
    {
        int n = values.GetLength(0), m = values.GetLength(1);
        var plot = new Plot();
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        // Cell (r, c) spans [c, c + 1] × [n − r − 1, n − r]: row 0 on top, as in the tables.
        map.Rectangle = new CoordinateRect(0, m, 0, n);
        plot.Add.ColorBar(map);
        if (outline is not null)
            for (int r = 0; r < n; r++)
                for (int c = 0; c < m; c++)
                    if (outline[r, c])
                    {
                        var box = plot.Add.Rectangle(c + 0.05, c + 0.95, n - r - 0.95, n - r - 0.05);
                        box.FillStyle.Color = Colors.Transparent;
                        box.LineStyle.Color = Colors.Red;
                        box.LineStyle.Width = 3;
                    }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, m).Select(c => c + 0.5).ToArray(), columns.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Left.SetTicks(Enumerable.Range(0, n).Select(r => n - r - 0.5).ToArray(), rows.ToArray());
        plot.Axes.SetLimits(0, m, 0, n);
        plot.Title(title);
        return plot;
    }

    private static bool[,] ToMatrix(bool[][] rows)
    {
        var result = new bool[rows.Length, rows[0].Length];
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < rows[r].Length; c++)
                result[r, c] = rows[r][c];
        return result;
    }

    private static void Save(string path, int width, int height, Plot left, Plot right)
    {
        var figure = new Multiplot();
        // A new Multiplot starts with one empty subplot; this figure adds both of its own.
        while (figure.Subplots.Count > 0) figure.Subplots.RemoveAt(0);
        figure.AddPlot(left);
        figure.AddPlot(right);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(1, 2);
        AtomicFile.WriteFile(path, temporary => figure.SavePng(temporary, width, height));
    }
}
