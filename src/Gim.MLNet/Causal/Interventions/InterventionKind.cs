namespace Gim.MLNet.Causal;

/// <summary>Which parameters an atomic intervention changes in the mechanisms it targets (METHOD §3).</summary>
public enum InterventionKind
{
    /// <summary>A shift ψ of the targeted mechanisms' intercepts.</summary>
    Shift,

    /// <summary>A shift ψ and a log-scale change ρ of the targeted mechanisms' noise.</summary>
    ShiftScale,
}
