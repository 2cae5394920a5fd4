namespace Gim.MLNet.Modeling;

/// <summary>How contexts are weighted in the training objective.</summary>
public enum ContextWeighting
{
    /// <summary>Every context counts the same, whatever its number of cells (controls included).</summary>
    Equal,

    /// <summary>Contexts count in proportion to their number of cells.</summary>
    BySampleCount,
}
