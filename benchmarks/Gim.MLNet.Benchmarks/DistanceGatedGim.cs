using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Benchmarks;

/// <summary>
/// Experiment (issue 18), behind `gim-linear-gated`: a fitted linear GIM whose predicted shifts are scaled by
/// α(γ) = α_far + (1 − α_far)·exp(−(r(γ)/ℓ)²), where r(γ) is the distance from the standardised features to the nearest
/// training context's and ℓ the median distance from a training context to the nearest context of another perturbation
/// group. A seen drug at a new dose (r ≪ ℓ) keeps its fitted shift; features unlike every training drug get α_far.
/// </summary>
internal sealed class DistanceGatedGim : PerturbationModel
{
    private readonly LinearGimParameters _parameters;
    private readonly GimOptions _options;
    private readonly float[][] _training;
    private readonly Dictionary<int, GimModel> _byAlpha = new();

    public DistanceGatedGim(GimModel fitted, PerturbationDataset train, double farAlpha, GimOptions options)
        : base(fitted.VariableNames, fitted.FeatureNames, fitted.VariableStandardizer, fitted.FeatureStandardizer, fitted.FitTime)
    {
        _parameters = fitted.ExportParameters();
        _options = options;
        FarAlpha = farAlpha;
        _training = train.Contexts.Where(c => !c.IsControl).Select(c => FeatureStandardizer.Transform(c.Features)).ToArray();
        string[] groups = train.Contexts.Where(c => !c.IsControl).Select(c => c.Group).ToArray();
        var nearestOther = new List<double>();
        for (int i = 0; i < _training.Length; i++)
        {
            double best = double.PositiveInfinity;
            for (int j = 0; j < _training.Length; j++)
                if (groups[j] != groups[i]) best = Math.Min(best, Distance(_training[i], _training[j]));
            if (double.IsFinite(best)) nearestOther.Add(best);
        }
        nearestOther.Sort();
        Length = nearestOther.Count == 0 ? 1 : Math.Max(nearestOther[nearestOther.Count / 2], 1e-6);
    }

    public double FarAlpha { get; }

    public double Length { get; }

    /// <summary>α(γ), rounded to 0.05 so that models can be shared between queries.</summary>
    public double Alpha(float[] features)
    {
        float[] z = FeatureStandardizer.Transform(features);
        double r = _training.Min(t => Distance(z, t));
        double alpha = FarAlpha + (1 - FarAlpha) * Math.Exp(-(r / Length) * (r / Length));
        return Math.Round(alpha * 20) / 20;
    }

    private GimModel ModelFor(float[] features)
    {
        int key = (int)Math.Round(Alpha(features) * 20);
        if (!_byAlpha.TryGetValue(key, out GimModel? model))
            _byAlpha[key] = model = GimModel.FromParameters(BenchmarkMethods.Shrink(_parameters, key / 20.0), _options);
        return model;
    }

    private static double Distance(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (double)(a[i] - b[i]);
        return Math.Sqrt(s);
    }

    public override float[,] Sample(float[] features, int count, int seed) => ModelFor(features).Sample(features, count, seed);

    public override float[] PredictMean(float[] features) => ModelFor(features).PredictMean(features);

    public override bool HasTargets => true;

    public override float[]? TargetProbabilities(float[] features) => ModelFor(features).TargetProbabilities(features);

    public override double[]? LogDensity(float[] features, float[,] cells) => ModelFor(features).LogDensity(features, cells);

    public override double[,]? Graph() => ModelFor(_training.Length > 0 ? FeatureStandardizer.Inverse(_training[0]) : new float[FeatureNames.Count]).Graph();

    public override void Dispose()
    {
        foreach (GimModel model in _byAlpha.Values) model.Dispose();
        base.Dispose();
    }
}
