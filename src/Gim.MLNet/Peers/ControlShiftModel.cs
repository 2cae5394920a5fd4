using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;

namespace Gim.MLNet.Peers;

/// <summary>
/// A peer that predicts a perturbation's cells as the training control cells moved by a predicted shift of the mean,
/// x = x₀ + s(γ)⊙σ_ctrl, with x₀ resampled from the pooled controls: MeanShift (an MLP s), LinearFeatures (a ridge map),
/// TrainingMean (one shift for every perturbation) and Additive (the sum of the singles' effects). It keeps the control's
/// covariance and has no notion of targets.
/// </summary>
public abstract class ControlShiftModel : PerturbationModel
{
    private protected ControlShiftModel(PerturbationDataset train, Standardizer variables, Standardizer features, CellTable controls, TimeSpan fitTime)
        : base(train, variables, features, fitTime) => Controls = controls;

    /// <summary>The pooled control cells that predictions move.</summary>
    internal CellTable Controls { get; }

    /// <summary>The method's name in the exported graph's description.</summary>
    internal abstract string Description { get; }

    /// <summary>s(γ): the predicted mean shift in control standard deviations.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public abstract override float[] MeanShift(float[] features);

    /// <summary>The control mean moved by the predicted shift (original units).</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] PredictMean(float[] features) => VariableStandardizer.Inverse(MeanShift(features));

    /// <summary>Resampled control cells, each moved by the predicted shift (original units).</summary>
    /// <param name="features">The perturbation's raw features.</param>
    /// <param name="count">Number of cells (≥ 0).</param>
    /// <param name="seed">Seed of the resampling.</param>
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

    /// <summary>The map from standardised features to the shift, as an MLP (no hidden layer for a linear map).</summary>
    internal abstract MlpParameters ShiftMap();

    /// <summary>The peer as an ONNX graph (<see cref="ControlShiftGraph"/>): Sample, PredictedMean and Shift.</summary>
    /// <param name="options">Input/output names, seed and layout; null for the defaults.</param>
    public override byte[] ExportOnnx(OnnxExportOptions? options = null) => PeerGraph.Export(this, options, g => ControlShiftGraph.Build(g, this));
}
