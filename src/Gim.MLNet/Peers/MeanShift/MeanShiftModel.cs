using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;

namespace Gim.MLNet.Peers;

/// <summary>
/// The MeanShift peer (CPA-like black box): predicted cells are resampled control cells moved by the
/// MLP's mean shift f(γ), x = x₀ + f(γ)⊙σ_ctrl. It predicts means well where the features carry the
/// information, keeps the control's covariance, and has no notion of targets.
/// </summary>
public sealed class MeanShiftModel : PerturbationModel
{
    private readonly FeatureMlp _mlp;

    internal MeanShiftModel(PerturbationDataset train, Standardizer variables, Standardizer features, FeatureMlp mlp,
        CellTable controls, TimeSpan fitTime)
        : base(train, variables, features, fitTime)
    {
        _mlp = mlp;
        Controls = controls;
    }

    /// <summary>The pooled control cells that predictions move.</summary>
    internal CellTable Controls { get; }

    /// <summary>f(γ): the predicted mean shift in control standard deviations (what the MLP outputs).</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] MeanShift(float[] features) => _mlp.Predict(StandardizeFeatures(features));

    /// <inheritdoc />
    public override float[] PredictMean(float[] features) => VariableStandardizer.Inverse(MeanShift(features));

    /// <inheritdoc />
    public override float[,] Sample(float[] features, int count, int seed)
    {
        CheckCount(count);
        float[] shift = MeanShift(features);
        float[,] cells = Controls.Resample(0, count, seed);
        for (int i = 0; i < count; i++)
            for (int j = 0; j < VariableCount; j++)
                cells[i, j] += (float)(shift[j] * VariableStandardizer.Scale[j]);
        return cells;
    }

    /// <summary>The MLP's weights as plain arrays.</summary>
    public MlpParameters ExportParameters() => _mlp.ExportParameters();

    /// <inheritdoc />
    public override void Dispose()
    {
        _mlp.Dispose();
        base.Dispose();
    }

    /// <summary>The peer as an ONNX graph (<see cref="MeanShiftGraph"/>): Sample, PredictedMean and Shift.</summary>
    /// <param name="options">Input/output names, seed and layout; null for the defaults.</param>
    public override byte[] ExportOnnx(OnnxExportOptions? options = null) => PeerGraph.Export(this, options, g => MeanShiftGraph.Build(g, this));
}
