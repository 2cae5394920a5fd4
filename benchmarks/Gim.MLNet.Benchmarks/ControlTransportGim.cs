using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Benchmarks;

/// <summary>
/// Experiment (issue 19), behind `gim-linear-cf`: a fitted GIM whose cells are its counterfactuals of resampled training
/// control cells of the query's own covariate level (METHOD §6), x = x₀ + CF(γ, x₀) − CF(γ_vehicle, x₀).
/// </summary>
internal sealed class ControlTransportGim : PerturbationModel
{
    private readonly GimModel _model;
    private readonly CovariateLevels? _levels;
    private readonly List<(float[] Features, float[,] Cells)> _blocks = new();

    public ControlTransportGim(GimModel model, PerturbationDataset train, IReadOnlyList<string>? covariates)
        : base(model.VariableNames, model.FeatureNames, model.VariableStandardizer, model.FeatureStandardizer, model.FitTime)
    {
        _model = model;
        if (covariates is { Count: > 0 })
        {
            _levels = CovariateLevels.Of(train, covariates);
            for (int l = 0; l < _levels.Count; l++)
            {
                var controls = _levels.ControlsOf(l);
                _blocks.Add((controls[0].Features, new CellTable(controls.Select(c => c.Samples).ToList(), train.VariableCount).Cells));
            }
        }
        else
        {
            var controls = train.Contexts.Where(c => c.IsControl).ToList();
            _blocks.Add((controls[0].Features, new CellTable(controls.Select(c => c.Samples).ToList(), train.VariableCount).Cells));
        }
    }

    public override float[,] Sample(float[] features, int count, int seed)
    {
        int block = _levels is null ? 0 : _levels.Find(features);
        var (vehicle, cells) = _blocks[block];
        var random = new Random(seed);
        int d = VariableCount, n = cells.GetLength(0);
        var x0 = new float[count, d];
        for (int i = 0; i < count; i++)
        {
            int r = random.Next(n);
            for (int j = 0; j < d; j++) x0[i, j] = cells[r, j];
        }
        float[,] to = _model.Counterfactual(features, x0), from = _model.Counterfactual(vehicle, x0);
        for (int i = 0; i < count; i++)
            for (int j = 0; j < d; j++) x0[i, j] += to[i, j] - from[i, j];
        return x0;
    }

    public override float[] PredictMean(float[] features)
    {
        float[] a = _model.PredictMean(features), b = _model.PredictMean(_blocks[_levels is null ? 0 : _levels.Find(features)].Features);
        var mean = new float[VariableCount];
        var (_, cells) = _blocks[_levels is null ? 0 : _levels.Find(features)];
        for (int j = 0; j < VariableCount; j++)
        {
            double m = 0;
            for (int i = 0; i < cells.GetLength(0); i++) m += cells[i, j];
            mean[j] = (float)(m / cells.GetLength(0) + a[j] - b[j]);
        }
        return mean;
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
