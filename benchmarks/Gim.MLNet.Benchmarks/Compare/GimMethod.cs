using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Peers;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>GIM with the linear causal model, optionally started from the two-stage solution.</summary>
internal sealed class GimMethod(string name, GimOptions options, bool warmStart = false) : IBenchmarkMethod
{
    private GimModel? _model;

    public string Name { get; } = name;

    public GimModel Model => _model ?? throw new InvalidOperationException("Fit first.");

    public double[,]? Graph => _model?.Graph();

    public void Fit(PerturbationDataset train)
    {
        _model?.Dispose();
        GimOptions o = options.Clone();
        if (warmStart) o.WarmStart = new TwoStageWarmStart();
        _model = new GimTrainer(o).Fit(train);
    }

    public float[,] Sample(float[] features, int count, int seed) => Model.Sample(features, count, PredictionMode.Map, seed);

    public double[]? TargetScores(float[] features) =>
        Model.Explain(features).TargetProbabilities.Select(p => (double)p).ToArray();

    public void Dispose() => _model?.Dispose();
}
