using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>
/// The graph of every control-shift peer (<see cref="ControlShiftModel"/>: MeanShift, TrainingMean, LinearFeatures, Additive):
/// the shift s(z) from the model's map of the standardised features; a resampled control cell plus s(z)·σ_ctrl; the
/// control mean plus s(z)·σ_ctrl. A row with a non-finite feature is NaN throughout (it flows through the map's product).
/// </summary>
internal static class ControlShiftGraph
{
    public static string Build(PeerGraph g, ControlShiftModel model)
    {
        string shift = g.Mlp(model.ShiftMap(), g.Options.ShiftOutputName);
        g.Destandardize(shift, g.Options.PredictedMeanOutputName);
        CellTable controls = model.Controls;
        string cell = g.Resample(controls.Cells, null, null, controls.Counts[0]);
        string scale = g.G.Constant("variable_scale", PeerGraph.ToFloat(model.VariableStandardizer.Scale), model.VariableCount);
        g.G.Node("Add", new[] { cell, g.G.Node("Mul", new[] { shift, scale }) }, g.Options.SampleOutputName);
        return model.Description;
    }
}
