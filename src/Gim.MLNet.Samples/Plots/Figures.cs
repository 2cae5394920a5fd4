using Gim.MLNet.Causal;
using Gim.MLNet.Runtime;
using ScottPlot;

namespace Gim.MLNet.Samples.Plots;

/// <summary>The PNG figures of the main job. Each is written to a temporary file and renamed.</summary>
internal static class Figures
{
    /// <summary>Heatmaps of the true targets and of the inferred target probabilities, contexts × variables.</summary>
    public static void Targets(string path, bool[][] truth, float[][] probabilities, IReadOnlyList<string> variables, string title)
    {
        int rows = truth.Length, d = variables.Count;
        var trueMap = new double[rows, d];
        var inferred = new double[rows, d];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < d; j++)
            {
                trueMap[r, j] = truth[r][j] ? 1 : 0;
                inferred[r, j] = probabilities[r][j];
            }
        Multiplot figure = EmptyFigure();
        figure.AddPlot(Heatmap(trueMap, "true targets", "variable", "context (drug × dose)"));
        figure.AddPlot(Heatmap(inferred, "inferred P(target)", "variable", "context (drug × dose)"));
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(1, 2);
        Save(figure, path, 1200, 700, title);
    }

    /// <summary>Heatmaps of the true and the learned graph (cause × effect, absolute weights).</summary>
    public static void Graphs(string path, double[,] truth, double[,] learned)
    {
        int d = truth.GetLength(0);
        var a = new double[d, d];
        var b = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                a[i, j] = Math.Abs(truth[i, j]);
                b[i, j] = Math.Abs(learned[i, j]);
            }
        Multiplot figure = EmptyFigure();
        figure.AddPlot(Heatmap(a, "true graph |B| (row = cause)", "effect", "cause"));
        figure.AddPlot(Heatmap(b, "learned graph |B| (standardised)", "effect", "cause"));
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(1, 2);
        Save(figure, path, 1200, 560, null);
    }

    /// <summary>Histograms of predicted and observed cells, one panel per variable.</summary>
    public static void Marginals(string path, float[,] predicted, float[,] observed, IReadOnlyList<int> variables,
        IReadOnlyList<string> names, string context)
    {
        Multiplot figure = EmptyFigure();
        foreach (int j in variables)
        {
            double[] p = Column(predicted, j), o = Column(observed, j);
            double min = Math.Min(p.Min(), o.Min()), max = Math.Max(p.Max(), o.Max());
            var plot = new Plot();
            AddDensity(plot, o, min, max, "observed", Colors.Black);
            AddDensity(plot, p, min, max, "GIM", Colors.OrangeRed);
            plot.Title($"{names[j]} ({context})");
            plot.XLabel("value");
            plot.YLabel("density");
            plot.ShowLegend();
            figure.AddPlot(plot);
        }
        int columns = Math.Min(2, variables.Count);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid((variables.Count + columns - 1) / columns, columns);
        Save(figure, path, 1100, 800, null);
    }

    /// <summary>The training objective against the step.</summary>
    public static void TrainingCurve(string path, IReadOnlyList<GimTrainingProgress> history)
    {
        var plot = new Plot();
        var line = plot.Add.ScatterLine(history.Select(h => (double)h.Step).ToArray(), history.Select(h => h.Loss).ToArray());
        line.LegendText = "training loss (negative penalised log-likelihood per cell)";
        if (history.Any(h => h.ValidationLogLikelihood is not null))
        {
            var validation = plot.Add.ScatterLine(history.Select(h => (double)h.Step).ToArray(),
                history.Select(h => -(h.ValidationLogLikelihood ?? double.NaN)).ToArray());
            validation.LegendText = "validation negative log-likelihood";
        }
        plot.Title("GIM training curve");
        plot.XLabel("step");
        plot.YLabel("loss");
        plot.ShowLegend();
        AtomicFile.WriteFile(path, temp => plot.SavePng(temp, 900, 500));
    }

    private static Multiplot EmptyFigure()
    {
        // A new Multiplot starts with one empty subplot; the figures add all of theirs explicitly.
        var figure = new Multiplot();
        while (figure.Subplots.Count > 0) figure.Subplots.RemoveAt(0);
        return figure;
    }

    private static Plot Heatmap(double[,] values, string title, string x, string y)
    {
        var plot = new Plot();
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map);
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    private static void AddDensity(Plot plot, double[] values, double min, double max, string label, Color color)
    {
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(18, min, max + 1e-9);
        histogram.AddRange(values);
        double[] density = histogram.GetProbability(1.0).Select(p => p / histogram.FirstBinSize).ToArray();
        var line = plot.Add.ScatterLine(histogram.Bins, density, color);
        line.LineWidth = 2;
        line.LegendText = label;
    }

    private static double[] Column(float[,] m, int j) => Enumerable.Range(0, m.GetLength(0)).Select(i => (double)m[i, j]).ToArray();

    private static void Save(Multiplot figure, string path, int width, int height, string? title)
    {
        _ = title; // panel titles carry the information; a figure title would be drawn over them
        AtomicFile.WriteFile(path, temp => figure.SavePng(temp, width, height));
    }
}
