namespace Gim.MLNet.Modeling;

/// <summary>
/// What every fitted perturbation model offers, GIM and peers alike: cells and means predicted for
/// perturbation features, and target probabilities where the method has a notion of targets.
/// </summary>
public interface IPerturbationPredictor : IDisposable
{
    /// <summary>The measured variables, in output order.</summary>
    IReadOnlyList<string> VariableNames { get; }

    /// <summary>Number of features the model expects.</summary>
    int FeatureCount { get; }

    /// <summary>Draws <paramref name="count"/> cells (original units) predicted for these features.</summary>
    float[,] Sample(float[] features, int count, int seed);

    /// <summary>The predicted mean (original units).</summary>
    float[] PredictMean(float[] features);

    /// <summary>Per-variable probabilities of being targeted, or null when the method has no notion of targets.</summary>
    float[]? TargetProbabilities(float[] features);
}
