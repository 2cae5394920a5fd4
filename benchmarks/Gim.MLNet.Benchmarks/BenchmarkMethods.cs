using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;

namespace Gim.MLNet.Benchmarks;

/// <summary>
/// The methods the benchmark commands run, by their command-line names: each fits a library trainer in process
/// (the peers with their default options and the seed; GIM with the options the command built).
/// </summary>
internal static class BenchmarkMethods
{
    /// <summary>Every method, in table order.</summary>
    public static readonly string[] All =
    {
        "control", "training-mean", "linear-features", "nearest-context", "mean-shift", "conditional-gaussian", "two-stage", "gim-linear", "gim-nonlinear",
    };

    /// <summary>How to fit method <paramref name="name"/> for a seed; <paramref name="gim"/> configures gim-linear and gim-nonlinear.</summary>
    public static Func<PerturbationDataset, PerturbationModel> Fit(string name, int seed, GimOptions gim, Action<string>? log = null) => name switch
    {
        "control" => data => new ControlTrainer().Fit(data),
        "training-mean" => data => new TrainingMeanTrainer().Fit(data),
        "linear-features" => data => new LinearFeaturesTrainer(new LinearFeaturesOptions { Seed = seed }).Fit(data),
        "nearest-context" => data => new NearestContextTrainer().Fit(data),
        "mean-shift" => data => new MeanShiftTrainer(new MeanShiftOptions { Seed = seed }).Fit(data),
        "conditional-gaussian" => data => new ConditionalGaussianTrainer(new ConditionalGaussianOptions { Seed = seed }).Fit(data),
        "two-stage" => data => new TwoStageCausalTrainer(new TwoStageCausalOptions { Seed = seed }).Fit(data),
        "gim-linear" => data => new GimTrainer(gim) { Log = log }.Fit(data),
        "gim-nonlinear" => data => new GimTrainer(Nonlinear(gim)) { Log = log }.Fit(data),
        _ => throw new ArgumentException($"unknown method '{name}'; known: {string.Join(", ", All)}"),
    };

    private static GimOptions Nonlinear(GimOptions gim)
    {
        GimOptions o = gim.Clone();
        o.CausalModel = CausalModelKind.Nonlinear;
        o.WarmStart = null; // the two-stage start is a linear GIM: --warm-start applies to gim-linear only
        return o;
    }
}
