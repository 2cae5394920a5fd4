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

    /// <summary>
    /// Fits on <paramref name="input"/> and stops early on <paramref name="validation"/>, as ML.NET's boosted-tree
    /// trainers do: every <see cref="GimOptions.EvaluateEvery"/> steps the MAP log-likelihood of the validation
    /// contexts is measured, training stops after <see cref="GimOptions.EarlyStoppingPatience"/> evaluations without
    /// improvement, and the best parameters are kept. Validation rows have the training columns; they need no
    /// control cells (the training data's controls standardise both). Hold out whole perturbations (every dose of a
    /// drug), as in evaluation, so that stopping tracks prediction for new perturbations.
    /// </summary>
    /// <param name="input">Training rows: features, measurements, context and control flag (or context value).</param>
    /// <param name="validation">Held-out rows with the same columns, variables and features.</param>
    public GimTransformer Fit(IDataView input, IDataView validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        return FitCore(input, validation);
    }

    /// <summary>
    /// Fits from a screen's statistics instead of its cells (<see cref="PerturbationStatistics"/>: per-context means and
    /// variances and one pooled covariance, computed in one pass by <see cref="Data.AnnData.AnnDataStatistics"/>, a
    /// <see cref="PerturbationStatisticsBuilder"/>, or an engine's GROUP BY; docs/statistics.md). The linear model with
    /// shift interventions (the defaults) fits from them exactly as from the cells; other settings refuse, saying why.
    /// The transformer reads the features column (named by <see cref="PerturbationOptions.FeatureColumnName"/>) of
    /// whatever data it is given, as one fitted on cells does.
    /// </summary>
    /// <param name="train">The training contexts' statistics (at least one control).</param>
    /// <param name="validation">Optional held-out contexts' statistics for early stopping (same variables and features).</param>
    public GimTransformer Fit(PerturbationStatistics train, PerturbationStatistics? validation = null) => FitCore(train, validation);

    private protected override GimModel Train(PerturbationDataset data, PerturbationDataset? validation, PerturbationOptions resolved, Action<string> log) =>
        new GimTrainer((GimOptions)resolved) { Log = log }.Fit(data, validation);

    private protected override OnnxExportOptions ExportOptions(PerturbationOptions resolved)
    {
        var gim = (GimOptions)resolved;
        GimOnnxExportOptions export = Fill(new GimOnnxExportOptions(), resolved);
        export.ControlCellsInputName = gim.Counterfactual ? gim.MeasurementsColumnName : null;
        export.Mode = gim.Mode;
        export.PredictedMeanSdOutputName = gim.PredictedMeanSdColumnName;
        return export;
    }

    private protected override string FitSummary(GimModel model) => $"fitted in {model.FitTime.TotalSeconds:F2} s ({model.StepsRun} steps)";

    private protected override GimTransformer Wrap(OnnxBackedTransformer.OnnxStep step, byte[] onnx, GimModel model, PerturbationOptions resolved, string[] outputs) =>
        new(step, onnx, model, (GimOptions)resolved, outputs);
}
