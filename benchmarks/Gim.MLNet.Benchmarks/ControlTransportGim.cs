using System.Diagnostics;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;

namespace Gim.MLNet.Benchmarks;

/// <summary>
/// Experiment (issue 19), behind `gim-linear-cf`: a fitted GIM whose cells are its counterfactuals of resampled training
/// control cells of the query's own covariate level (METHOD §6), x = x₀ + CF(γ, x₀) − CF(γ_vehicle, x₀).
/// </summary>
internal sealed class ControlTransportGim : PerturbationModel
{
    private readonly GimModel _model;
    private readonly CovariateLevels? _levels;
    private readonly CellTable _controls;
    private readonly float[][] _vehicles;

    public ControlTransportGim(GimModel model, PerturbationDataset train, IReadOnlyList<string>? covariates)
        : base(model.VariableNames, model.FeatureNames, model.VariableStandardizer, model.FeatureStandardizer, model.FitTime)
    {
        _model = model;
        // The control cells the covariate-aware baselines resample: one block per covariate level (its line's vehicle), or the pooled controls.
        (_controls, _, _levels) = ControlLevels.Fit(new PerturbationFit(train, null, model.VariableStandardizer, model.FeatureStandardizer, new Stopwatch()), covariates);
        _vehicles = _levels is null ? new[] { train.Controls.First().Features }
            : Enumerable.Range(0, _levels.Count).Select(l => _levels.ControlsOf(l)[0].Features).ToArray();
    }

    private int Block(float[] features) => _levels?.Find(features) ?? 0;

    public override float[,] Sample(float[] features, int count, int seed)
    {
        int block = Block(features);
        float[,] x0 = _controls.Resample(block, count, seed);
        float[,] to = _model.Counterfactual(features, x0), from = _model.Counterfactual(_vehicles[block], x0);
        for (int i = 0; i < count; i++)
            for (int j = 0; j < VariableCount; j++) x0[i, j] += to[i, j] - from[i, j];
        return x0;
    }

    public override float[] PredictMean(float[] features)
    {
        int block = Block(features);
        float[] a = _model.PredictMean(features), b = _model.PredictMean(_vehicles[block]);
        return _controls.Means[block].Select((m, j) => (float)(m + a[j] - b[j])).ToArray();
    }

    public override bool HasTargets => true;

    public override float[]? TargetProbabilities(float[] features) => _model.TargetProbabilities(features);

    public override double[,]? Graph() => _model.Graph();

    public override void Dispose()
    {
        _model.Dispose();
        base.Dispose();
    }
}
