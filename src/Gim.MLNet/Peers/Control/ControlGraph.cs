using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>Control: a resampled control cell, the control mean, and no shift, whatever the (finite) features.</summary>
internal static class ControlGraph
{
    public static string Build(PeerGraph g, ControlModel model)
    {
        CellTable controls = model.Controls;
        // The features do not change the answer, but a row with non-finite features still gets NaN (see NaNWhereFeaturesAreNotFinite).
        g.NaNWhereFeaturesAreNotFinite(g.Resample(controls.Cells, null, null, controls.Counts[0]), g.Options.SampleOutputName);
        g.NaNWhereFeaturesAreNotFinite(g.Rows("control_mean", controls.Mean(0)), g.Options.PredictedMeanOutputName);
        g.NaNWhereFeaturesAreNotFinite(g.Rows("no_shift", new float[model.VariableCount]), g.Options.ShiftOutputName);
        return "Control peer";
    }
}
