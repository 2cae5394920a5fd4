using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>A peer of GIM (BENCHMARK.md §3) under comparison: an adapter over its plain trainer and model.</summary>
internal sealed class BaselineMethod(string name, Func<PerturbationDataset, PerturbationModel> fit) : IBenchmarkMethod
{
    private PerturbationModel? _model;

    public string Name { get; } = name;

    public PerturbationModel Model => _model ?? throw new InvalidOperationException("Fit first.");

    public double[,]? Graph => (_model as TwoStageCausalModel)?.Graph();

    public void Fit(PerturbationDataset train)
    {
        _model?.Dispose();
        _model = fit(train);
    }

    public float[,] Sample(float[] features, int count, int seed) => Model.Sample(features, count, seed);

    public double[]? TargetScores(float[] features) => Model.TargetProbabilities(features)?.Select(p => (double)p).ToArray();

    public void Dispose() => _model?.Dispose();
}
