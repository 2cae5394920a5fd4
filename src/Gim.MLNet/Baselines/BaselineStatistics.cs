using Gim.MLNet.Data;

namespace Gim.MLNet.Baselines;

/// <summary>The standardisation every peer fits (as GIM does) and small helpers on blocks of cells.</summary>
internal static class BaselineStatistics
{
    /// <summary>Variables by the control cells; features by the training contexts (controls included).</summary>
    public static (Standardizer Variables, Standardizer Features) Standardizers(PerturbationDataset train) => (
        Standardizer.FitRows(train.Controls.Select(c => c.Samples), train.VariableCount),
        Standardizer.FitVectors(train.Contexts.Select(c => c.Features), train.FeatureCount));

    /// <summary>Stacks blocks of cells into one.</summary>
    public static float[,] Pool(IReadOnlyList<float[,]> blocks, int variables) =>
        blocks.Count == 1 ? blocks[0] : new CellTable(blocks, variables).Cells;
}
