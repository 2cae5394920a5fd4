using Gim.MLNet.Data;
using static Gim.MLNet.Onnx.OnnxGraphBuilder;

namespace Gim.MLNet.Peers;

/// <summary>
/// The graph of every control-shift peer (<see cref="ControlShiftModel"/>: Control, MeanShift, TrainingMean, LinearFeatures,
/// Additive): the shift s(z) from the model's map of the standardised features; a resampled control cell plus s(z)·σ_ctrl;
/// the control mean plus s(z)·σ_ctrl. With covariate levels the level is the one nearest in the standardised covariate
/// features (distance 0 for a training level): s(z) gains that level's shift, and the cell is drawn from the level's own
/// control block and moved by s(z) minus the level's offset. A row with a non-finite feature is NaN throughout (it flows
/// through the map's product).
/// </summary>
internal static class ControlShiftGraph
{
    public static string Build(PeerGraph g, ControlShiftModel model)
    {
        CellTable controls = model.Controls;
        string scale = g.G.Constant("variable_scale", PeerGraph.ToFloat(model.VariableStandardizer.Scale), model.VariableCount);
        if (model.Levels is not { } levels)
        {
            string shift = g.Mlp(model.ShiftMap(), g.Options.ShiftOutputName);
            g.Destandardize(shift, g.Options.PredictedMeanOutputName);
            string cell = g.Resample(controls.Cells, null, null, controls.Counts[0]);
            g.G.Node("Add", new[] { cell, g.G.Node("Mul", new[] { shift, scale }) }, g.Options.SampleOutputName);
            return model.Description;
        }
        int count = levels.Count, p = model.FeatureCount, d = model.VariableCount;
        var points = new float[count, p];
        var mask = new float[p];
        var offsets = new float[count, d];
        var shifts = new float[count, d];
        for (int l = 0; l < count; l++)
        {
            for (int i = 0; i < levels.Keys.Columns.Length; i++)
            {
                int a = levels.Keys.Columns[i];
                points[l, a] = (float)((levels.Keys.Values(l)[i] - model.FeatureStandardizer.Mean[a]) / model.FeatureStandardizer.Scale[a]);
            }
            for (int j = 0; j < d; j++)
            {
                offsets[l, j] = (float)levels.Offsets[l][j];
                shifts[l, j] = (float)model.LevelShifts![l][j];
            }
        }
        foreach (int column in levels.Keys.Columns) mask[column] = 1;
        string z = g.G.Node("Unsqueeze", new[] { g.Standardized, g.G.Int64Constant("axis1", 1) });                          // [N, 1, p]
        string difference = g.G.Node("Mul", new[] { g.G.Node("Sub", new[] { z, g.G.Constant("level_points", points) }),
            g.G.Constant("covariate_mask", mask, p) });                                                                       // [N, L, p]
        string distance = g.G.Node("ReduceSumSquare", new[] { difference }, null, PeerGraph.Ints("axes", 2), Int("keepdims", 0)); // [N, L]
        string nearest = g.G.Node("ArgMin", new[] { distance }, null, Int("axis", 1), Int("keepdims", 1));                   // [N, 1]
        string flat = g.G.Node("Reshape", new[] { nearest, g.G.Int64Constant("flat", -1) });
        string Row(string hint, float[,] table) => g.G.Node("Gather", new[] { g.G.Constant(hint, table), flat }, null, Int("axis", 0)); // [N, d]

        string map = g.Mlp(model.ShiftMap());
        if (model.LevelWeights is { } levelWeights)
        {
            // The level's own weights: z [N, 1, p] times the gathered [N, p, d].
            var table = new float[count * p, d];
            for (int l = 0; l < count; l++)
                for (int q = 0; q < p; q++)
                    for (int j = 0; j < d; j++) table[l * p + q, j] = levelWeights[l][q, j];
            string weights = g.G.Node("Reshape", new[] { g.G.Constant("level_weights", table), g.G.Int64Constant("level_weights_shape", new long[] { count, p, d }) });
            string own = g.G.Node("MatMul", new[] { z, g.G.Node("Gather", new[] { weights, flat }, null, Int("axis", 0)) });              // [N, 1, d]
            map = g.G.Node("Add", new[] { map, g.G.Node("Reshape", new[] { own, g.G.Int64Constant("rows_by_variables", new long[] { -1, d }) }) });
        }
        string total = g.G.Node("Add", new[] { map, Row("level_shift", shifts) }, g.Options.ShiftOutputName);
        g.Destandardize(total, g.Options.PredictedMeanOutputName);
        string blockOffsets = g.G.Node("Gather", new[] { g.G.Int64Constant("level_offsets", controls.Offsets), nearest }, null, Int("axis", 0));
        string blockCounts = g.G.Node("Gather", new[] { g.G.Constant("level_counts", controls.Counts.Select(n => (float)n).ToArray(), count), nearest }, null, Int("axis", 0));
        string drawn = g.Resample(controls.Cells, blockOffsets, blockCounts, 0);
        string rest = g.G.Node("Sub", new[] { total, Row("level_offset", offsets) });
        g.G.Node("Add", new[] { drawn, g.G.Node("Mul", new[] { rest, scale }) }, g.Options.SampleOutputName);
        return $"{model.Description} ({count} covariate levels)";
    }
}
