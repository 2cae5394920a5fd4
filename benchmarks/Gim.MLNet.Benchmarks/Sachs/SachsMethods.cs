using Gim.MLNet.Benchmarks.Compare;
using Gim.MLNet.Causal;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Sachs;

/// <summary>GIM and its peers on Sachs, built from the compare harness's adapters with their default options.</summary>
internal static class SachsMethods
{
    public static readonly string[] All = { "control", "nearest-context", "mean-shift", "conditional-gaussian", "two-stage", "gim-linear" };

    public static IBenchmarkMethod Create(string name, SachsArguments arguments, int seed) => name switch
    {
        "control" => new BaselineMethod(name, data => new ControlTrainer().Fit(data)),
        "nearest-context" => new BaselineMethod(name, data => new NearestContextTrainer().Fit(data)),
        "mean-shift" => new BaselineMethod(name, data => new MeanShiftTrainer(new MeanShiftOptions { Seed = seed }).Fit(data)),
        "conditional-gaussian" => new BaselineMethod(name, data => new ConditionalGaussianTrainer(new ConditionalGaussianOptions { Seed = seed }).Fit(data)),
        "two-stage" => new BaselineMethod(name, data => new TwoStageCausalTrainer(new TwoStageCausalOptions { Seed = seed }).Fit(data)),
        "gim-linear" => new GimMethod(name, arguments.GimOptions(seed), arguments.WarmStart),
        _ => throw new ArgumentException($"unknown method '{name}'"),
    };

    /// <summary>The fitted model behind an adapter, which the shared Sachs scoring (SachsTasks) takes.</summary>
    public static PerturbationModel Predictor(IBenchmarkMethod method) => method switch
    {
        GimMethod gim => gim.Model,
        BaselineMethod baseline => baseline.Model,
        _ => throw new ArgumentException($"{method.Name} exposes no fitted model"),
    };
}
