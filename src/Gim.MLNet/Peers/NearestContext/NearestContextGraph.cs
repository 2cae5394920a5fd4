using Gim.MLNet.Data;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Peers;

/// <summary>
/// NearestContext: k = argmin_k ‖z − z_k‖² over the candidate contexts (first on a tie), then a cell resampled
/// from context k's block, its mean, and its standardised mean as the shift.
/// </summary>
internal static class NearestContextGraph
{
    public static string Build(PeerGraph g, NearestContextModel model)
    {
        CellTable cells = model.Cells;
        int k = cells.BlockCount, p = model.FeatureCount;
        var points = new float[k, p];
        for (int c = 0; c < k; c++)
            for (int j = 0; j < p; j++) points[c, j] = model.Points[c][j];
        string z = g.G.Node("Unsqueeze", new[] { g.Standardized, g.G.Int64Constant("axis1", 1) });           // [N, 1, p]
        string difference = g.G.Node("Sub", new[] { z, g.G.Constant("points", points) });                  // [N, K, p]
        string distance = g.G.Node("ReduceSumSquare", new[] { difference }, null,
            PeerGraph.Ints("axes", 2), Int("keepdims", 0));                                         // [N, K]
        string nearest = g.G.Node("ArgMin", new[] { distance }, null, Int("axis", 1), Int("keepdims", 1)); // [N, 1]

        string offsets = g.G.Node("Gather", new[] { g.G.Int64Constant("offsets", cells.Offsets), nearest }, null, Int("axis", 0));
        string counts = g.G.Node("Gather", new[] { g.G.Constant("counts", cells.Counts.Select(n => (float)n).ToArray(), k), nearest }, null, Int("axis", 0));
        // NaN distances would make ArgMin pick the first context: a real context's cells for a row of garbage.
        g.NaNWhereFeaturesAreNotFinite(g.Resample(cells.Cells, offsets, counts, 0), g.Options.SampleOutputName);

        string flat = g.G.Node("Reshape", new[] { nearest, g.G.Int64Constant("flat", -1) });
        var means = new float[k, model.VariableCount];
        var shifts = new float[k, model.VariableCount];
        for (int c = 0; c < k; c++)
        {
            float[] mean = cells.Mean(c), shift = model.VariableStandardizer.Transform(mean);
            for (int j = 0; j < model.VariableCount; j++)
            {
                means[c, j] = mean[j];
                shifts[c, j] = shift[j];
            }
        }
        g.NaNWhereFeaturesAreNotFinite(g.G.Node("Gather", new[] { g.G.Constant("means", means), flat }, null, Int("axis", 0)), g.Options.PredictedMeanOutputName);
        g.NaNWhereFeaturesAreNotFinite(g.G.Node("Gather", new[] { g.G.Constant("shifts", shifts), flat }, null, Int("axis", 0)), g.Options.ShiftOutputName);
        return $"NearestContext peer ({k} candidate contexts)";
    }
}
