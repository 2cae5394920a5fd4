using Gim.MLNet.Data;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>A method under comparison: fit on training contexts, then sample cells for unseen features.</summary>
internal interface IBenchmarkMethod : IDisposable
{
    string Name { get; }

    void Fit(PerturbationDataset train);

    /// <summary>Cells (original units) predicted for features; <paramref name="count"/> rows.</summary>
    float[,] Sample(float[] features, int count, int seed);

    /// <summary>Per-variable target scores, or null when the method has no notion of targets.</summary>
    double[]? TargetScores(float[] features);

    /// <summary>Learned graph B (cause × effect), or null.</summary>
    double[,]? Graph { get; }
}
