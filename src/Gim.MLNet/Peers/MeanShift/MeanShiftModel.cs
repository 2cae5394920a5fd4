using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>
/// The MeanShift peer (CPA-like black box): predicted cells are resampled control cells moved by the
/// MLP's mean shift f(γ), x = x₀ + f(γ)⊙σ_ctrl. It predicts means well where the features carry the
/// information, keeps the control's covariance, and has no notion of targets.
/// </summary>
public sealed class MeanShiftModel : ControlShiftModel
{
    private readonly FeatureMlp _mlp;

    internal MeanShiftModel(PerturbationDataset train, Standardizer variables, Standardizer features, FeatureMlp mlp,
        CellTable controls, TimeSpan fitTime)
        : base(train, variables, features, controls, fitTime) => _mlp = mlp;

    internal override string Description => "MeanShift peer";

    /// <summary>f(γ): the predicted mean shift in control standard deviations (what the MLP outputs).</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] MeanShift(float[] features) => _mlp.Predict(StandardizeFeatures(features));

    /// <summary>The MLP's weights as plain arrays.</summary>
    public MlpParameters ExportParameters() => _mlp.ExportParameters();

    internal override MlpParameters ShiftMap() => ExportParameters();

    /// <inheritdoc />
    public override void Dispose()
    {
        _mlp.Dispose();
        base.Dispose();
    }
}
