using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;

namespace Gim.MLNet.Peers;

/// <summary>
/// A peer that predicts a perturbation's cells as the training control cells moved by a predicted shift of the mean,
/// x = x₀ + s(γ)⊙σ_ctrl, with x₀ resampled from the pooled controls: MeanShift (an MLP s), LinearFeatures (a ridge map),
/// TrainingMean (one shift for every perturbation) and Additive (the sum of the singles' effects). It keeps the control's
/// covariance and has no notion of targets. Fitted with covariate features (<c>CovariateFeatures</c> of Control,
/// TrainingMean, LinearFeatures), x₀ is resampled from the perturbation's own covariate level's control cells (its
/// line's vehicle) and moved by the shift beyond that level's control mean.
/// </summary>
public abstract class ControlShiftModel : PerturbationModel
{
    private protected ControlShiftModel(PerturbationDataset train, Standardizer variables, Standardizer features, CellTable controls, TimeSpan fitTime,
        ControlLevels? levels = null, double[][]? levelShifts = null)
        : base(train, variables, features, fitTime)
    {
        Controls = controls;
        Levels = levels;
        LevelShifts = levels is null ? null : levelShifts ?? levels.Offsets;
    }

    /// <summary>The control cells that predictions move: one block, or one per covariate level.</summary>
    internal CellTable Controls { get; }

    /// <summary>The covariate levels whose own control cells the predictions move; null when the controls are pooled.</summary>
    internal ControlLevels? Levels { get; }

    /// <summary>
    /// With covariate levels, the shift each level adds to the map's (standardised units, one row per level): its
    /// control's offset for Control and LinearFeatures, that plus its perturbations' mean shift for TrainingMean.
    /// </summary>
    internal double[][]? LevelShifts { get; }

    /// <summary>The covariate features the model draws its control cells by (empty when the controls are pooled).</summary>
    public IReadOnlyList<string> CovariateFeatures => Levels?.Features ?? Array.Empty<string>();

    /// <summary>
    /// <paramref name="mapShift"/> plus the shift of the features' covariate level (unchanged without levels); a level the
    /// training data did not have is refused, naming it.
    /// </summary>
    private protected float[] PlusLevelShift(float[] features, float[] mapShift)
    {
        if (Levels is null) return mapShift;
        double[] level = LevelShifts![Levels.BlockOf(features)];
        for (int j = 0; j < mapShift.Length; j++) mapShift[j] = (float)(mapShift[j] + level[j]);
        return mapShift;
    }

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
        int block = Levels?.BlockOf(features) ?? 0;
        float[,] cells = Controls.Resample(block, count, seed);
        // The level's control cells already carry its offset from the pooled control: move them by the rest.
        double[]? offset = Levels?.Offsets[block];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < VariableCount; j++)
                cells[i, j] += (float)((shift[j] - (offset?[j] ?? 0)) * VariableStandardizer.Scale[j]);
        return cells;
    }

    /// <summary>The map from standardised features to the shift, as an MLP (no hidden layer for a linear map).</summary>
    internal abstract MlpParameters ShiftMap();

    /// <summary>
    /// With covariate levels, a map of the standardised features of each level's own ([level][feature, variable]) that the
    /// graph adds to <see cref="ShiftMap"/> and the level's shift (Additive, whose singles' effects are per level); null
    /// (the default) when the map is one for every level.
    /// </summary>
    internal virtual float[][,]? LevelWeights => null;

    /// <summary>The peer as an ONNX graph (<see cref="ControlShiftGraph"/>): Sample, PredictedMean and Shift.</summary>
    /// <param name="options">Input/output names, seed and layout; null for the defaults.</param>
    public override byte[] ExportOnnx(OnnxExportOptions? options = null) => PeerGraph.Export(this, options, g => ControlShiftGraph.Build(g, this));
}
