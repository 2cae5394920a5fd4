using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;

namespace Gim.MLNet.Peers;

/// <summary>
/// The Control peer: predicts the control distribution whatever the features (resampled control
/// cells). What "no effect" scores; every method must beat it on perturbations with an effect.
/// </summary>
public sealed class ControlModel : PerturbationModel
{
    internal ControlModel(PerturbationDataset train, Standardizer variables, Standardizer features, CellTable controls, TimeSpan fitTime)
        : base(train, variables, features, fitTime) => Controls = controls;

    /// <summary>The pooled control cells (one block).</summary>
    internal CellTable Controls { get; }

    /// <summary>Number of control cells it resamples.</summary>
    public int ControlCellCount => Controls.Counts[0];

    /// <inheritdoc />
    public override float[,] Sample(float[] features, int count, int seed)
    {
        StandardizeFeatures(features);
        CheckCount(count);
        return Controls.Resample(0, count, seed);
    }

    /// <inheritdoc />
    public override float[] PredictMean(float[] features)
    {
        StandardizeFeatures(features);
        return Controls.Mean(0);
    }

    /// <summary>The peer as an ONNX graph (<see cref="ControlGraph"/>): Sample, PredictedMean and Shift.</summary>
    /// <param name="options">Input/output names, seed and layout; null for the defaults.</param>
    public override byte[] ExportOnnx(OnnxExportOptions? options = null) => PeerGraph.Export(this, options, g => ControlGraph.Build(g, this));
}
