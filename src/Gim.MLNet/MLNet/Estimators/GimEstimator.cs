using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// Trains a Generative Intervention Model on one-row-per-cell data and returns a <see cref="GimTransformer"/>
/// whose inference is the exported ONNX graph (so a fitted pipeline saves and loads with
/// <c>mlContext.Model.Save/Load</c> and serves without TorchSharp). Create it with
/// <c>mlContext.Perturbation().Trainers.Gim(...)</c>; every setting is in one flat <see cref="GimOptions"/>.
/// </summary>
public sealed class GimEstimator : PerturbationEstimator<GimModel, GimTransformer>
{
    internal GimEstimator(MLContext mlContext, GimOptions options) : base(mlContext, options, "GIM")
    {
    }

    private protected override GimModel Train(PerturbationDataset data, PerturbationOptions resolved, Action<string> log) =>
        new GimTrainer((GimOptions)resolved) { Log = log }.Fit(data, validation: null);

    private protected override OnnxExportOptions ExportOptions(PerturbationOptions resolved)
    {
        var gim = (GimOptions)resolved;
        GimOnnxExportOptions export = Fill(new GimOnnxExportOptions(), resolved);
        export.ControlCellsInputName = gim.Counterfactual ? gim.MeasurementsColumnName : null;
        export.Mode = gim.Mode;
        return export;
    }

    private protected override string FitSummary(GimModel model) => $"fitted in {model.FitTime.TotalSeconds:F2} s ({model.StepsRun} steps)";

    private protected override GimTransformer Wrap(OnnxBackedTransformer.OnnxStep step, byte[] onnx, GimModel model, PerturbationOptions resolved, string[] outputs) =>
        new(step, onnx, model, (GimOptions)resolved, outputs);
}
