using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>MeanShift: shift f(z) from the MLP; a resampled control cell plus f(z)·σ_ctrl; the control mean plus f(z)·σ_ctrl.</summary>
internal static class MeanShiftGraph
{
    public static string Build(PeerGraph g, MeanShiftModel model)
    {
        string shift = g.Mlp(model.ExportParameters(), g.Options.ShiftOutputName);
        g.Destandardize(shift, g.Options.PredictedMeanOutputName);
        CellTable controls = model.Controls;
        string cell = g.Resample(controls.Cells, null, null, controls.Counts[0]);
        string scale = g.G.Constant("variable_scale", PeerGraph.ToFloat(model.VariableStandardizer.Scale), model.VariableCount);
        g.G.Node("Add", new[] { cell, g.G.Node("Mul", new[] { shift, scale }) }, g.Options.SampleOutputName);
        return "MeanShift peer";
    }
}
