using Gim.MLNet.Baselines;

namespace Gim.MLNet.Onnx.Baselines;

/// <summary>Control: a resampled control cell, the control mean, and no shift, whatever the features.</summary>
internal static class ControlGraph
{
    public static string Build(BaselineOnnxGraph g, ControlModel model)
    {
        CellTable controls = model.Controls;
        g.Resample(controls.Cells, null, null, controls.Counts[0], g.Options.SampleOutputName);
        g.Rows("control_mean", controls.Mean(0), g.Options.PredictedMeanOutputName);
        g.Rows("no_shift", new float[model.VariableCount], g.Options.ShiftOutputName);
        return "Control peer";
    }
}
