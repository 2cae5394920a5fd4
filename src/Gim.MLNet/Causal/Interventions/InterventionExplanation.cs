namespace Gim.MLNet.Causal;

/// <summary>
/// The mechanistic read-out of a GIM for one feature vector: which mechanisms the perturbation
/// hits, how hard, and what that does to the mean.
/// </summary>
public sealed class InterventionExplanation
{
    internal InterventionExplanation(float[] targetProbabilities, float[] shift, float[]? logScaleChange,
        float[] totalEffect, IReadOnlyList<string> variableNames)
    {
        TargetProbabilities = targetProbabilities;
        Shift = shift;
        LogScaleChange = logScaleChange;
        TotalEffect = totalEffect;
        VariableNames = variableNames;
    }

    /// <summary>π_j(γ): probability that mechanism j is targeted.</summary>
    public float[] TargetProbabilities { get; }

    /// <summary>ψ_j(γ): shift of mechanism j if targeted, in control standard deviations.</summary>
    public float[] Shift { get; }

    /// <summary>ρ_j(γ): log-scale change of mechanism j's noise if targeted (ShiftScale only).</summary>
    public float[]? LogScaleChange { get; }

    /// <summary>E[x | γ] − E[x | control] under MAP targets, in the variables' original units.</summary>
    public float[] TotalEffect { get; }

    /// <summary>The variables, in the order of every array here.</summary>
    public IReadOnlyList<string> VariableNames { get; }

    /// <summary>MAP targets: π_j &gt; 0.5.</summary>
    public bool[] MapTargets => TargetProbabilities.Select(p => p > 0.5f).ToArray();

    /// <summary>The variables most likely targeted, most likely first.</summary>
    public IEnumerable<(string Variable, float Probability, float Shift)> RankedTargets() =>
        Enumerable.Range(0, VariableNames.Count)
            .OrderByDescending(j => TargetProbabilities[j])
            .Select(j => (VariableNames[j], TargetProbabilities[j], Shift[j]));
}
