using Gim.MLNet.Data;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// The control cells of a covariate-aware control-shift peer (Control, TrainingMean, LinearFeatures with
/// <c>CovariateFeatures</c>): one block per covariate level (<see cref="CovariateLevels"/>: the control for the control's
/// level, that line's vehicle contexts for the others) and each level's offset — its control mean in the model's
/// standardised units. A perturbation in line B is drawn from line B's vehicle cells and moved by the shift the method
/// predicts beyond them. Feature vectors whose covariate values no training level has are refused in process; the ONNX
/// graph, which cannot refuse, takes the nearest level (squared distance over the standardised covariate features).
/// Only the levels' values and offsets are kept, not the training cells.
/// </summary>
internal sealed class ControlLevels
{
    private ControlLevels(CovariateKeys keys, double[][] offsets)
    {
        Keys = keys;
        Offsets = offsets;
    }

    /// <summary>The levels' covariate values.</summary>
    public CovariateKeys Keys { get; }

    /// <summary>The covariate features, by name.</summary>
    public IReadOnlyList<string> Features => Keys.Features;

    /// <summary>Number of levels (blocks).</summary>
    public int Count => Keys.Count;

    /// <summary>Each level's control mean in the model's standardised units (the shift its block's cells already carry).</summary>
    public double[][] Offsets { get; }

    /// <summary>
    /// The control blocks of a fit: one block of pooled control cells without covariates (<paramref name="covariates"/>
    /// null or empty), else one block per level with its offsets; the data's levels are returned for the trainer's own use.
    /// </summary>
    public static (CellTable Cells, ControlLevels? Levels, CovariateLevels? DataLevels) Fit(PerturbationFit fit, IReadOnlyList<string>? covariates)
    {
        if (covariates is null || covariates.Count == 0) return (fit.Controls(), null, null);
        CovariateLevels levels = CovariateLevels.Of(fit.Data, covariates);
        var blocks = new List<float[,]>();
        var offsets = new double[levels.Count][];
        for (int l = 0; l < levels.Count; l++)
        {
            blocks.Add(new CellTable(levels.ControlsOf(l).Select(c => c.Samples).ToList(), fit.Data.VariableCount).Cells);
            double[] mean = levels.ControlMean(l);
            offsets[l] = mean.Select((m, j) => (m - fit.Variables.Mean[j]) / fit.Variables.Scale[j]).ToArray();
        }
        return (new CellTable(blocks, fit.Data.VariableCount), new ControlLevels(levels.Keys, offsets), levels);
    }

    /// <summary>The level (block) of raw features; an error names the covariate values and the levels there are.</summary>
    public int BlockOf(float[] features)
    {
        int level = Keys.Find(features);
        if (level < 0)
            throw new ArgumentException($"The features' covariates ({Keys.DescribeFeatures(features)}) match no level of the training data " +
                $"({Keys.DescribeLevels()}); this baseline predicts from each level's own control cells, so only levels it was fitted on.");
        return level;
    }
}
