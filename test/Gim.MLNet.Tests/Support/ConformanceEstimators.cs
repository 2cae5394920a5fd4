using Gim.MLNet.Causal;
using Gim.MLNet.Peers;
using Microsoft.ML;

namespace Gim.MLNet.Tests.Support;

/// <summary>
/// One estimator of the catalog under test: how to make it with short training, and (for the methods that
/// optimise a loss) how to make it with a learning rate so large that training must diverge.
/// </summary>
/// <param name="Name">How the test names it.</param>
/// <param name="Create">The estimator with small, fast settings and a fixed seed.</param>
/// <param name="Diverging">The same estimator set up to diverge; null for the methods without a loss (Control, NearestContext).</param>
/// <param name="HasTargets">Whether its transformer writes TargetProbabilities.</param>
/// <param name="EstimatorType">The type the catalog returns, to check the list covers the catalog.</param>
public sealed record ConformanceEstimator(string Name, Func<MLContext, IEstimator<ITransformer>> Create,
    Func<MLContext, IEstimator<ITransformer>>? Diverging, bool HasTargets, Type EstimatorType)
{
    /// <summary>The test name shows the estimator.</summary>
    public override string ToString() => Name;
}

/// <summary>Every estimator of <c>mlContext.Perturbation().Trainers</c>, the source of the parameterised conformance tests.</summary>
public static class ConformanceEstimators
{
    public const int Seed = 7;

    // A learning rate this large moves every parameter by about its own size at the first Adam step, so the
    // second loss overflows whatever the data: divergence is provoked, not hoped for.
    private const double Explosive = 1e30;

    public static IReadOnlyList<ConformanceEstimator> All { get; } = new[]
    {
        new ConformanceEstimator("Gim",
            ml => ml.Perturbation().Trainers.Gim(GimOptions(0.05)),
            ml => ml.Perturbation().Trainers.Gim(GimOptions(Explosive)), HasTargets: true, typeof(GimEstimator)),
        new ConformanceEstimator("Control",
            ml => ml.Perturbation().Trainers.Control(new ControlOptions { Seed = Seed }),
            null, HasTargets: false, typeof(PeerEstimator<ControlModel>)),
        new ConformanceEstimator("NearestContext",
            ml => ml.Perturbation().Trainers.NearestContext(new NearestContextOptions { Seed = Seed }),
            null, HasTargets: false, typeof(PeerEstimator<NearestContextModel>)),
        new ConformanceEstimator("MeanShift",
            ml => ml.Perturbation().Trainers.MeanShift(new MeanShiftOptions { Seed = Seed, MaxSteps = 40, Width = 8 }),
            ml => ml.Perturbation().Trainers.MeanShift(new MeanShiftOptions { Seed = Seed, MaxSteps = 40, Width = 8, LearningRate = Explosive }),
            HasTargets: false, typeof(PeerEstimator<MeanShiftModel>)),
        new ConformanceEstimator("ConditionalGaussian",
            ml => ml.Perturbation().Trainers.ConditionalGaussian(new ConditionalGaussianOptions { Seed = Seed, MaxSteps = 40, Width = 8 }),
            ml => ml.Perturbation().Trainers.ConditionalGaussian(new ConditionalGaussianOptions { Seed = Seed, MaxSteps = 40, Width = 8, LearningRate = Explosive }),
            HasTargets: false, typeof(PeerEstimator<ConditionalGaussianModel>)),
        new ConformanceEstimator("TrainingMean",
            ml => ml.Perturbation().Trainers.TrainingMean(new TrainingMeanOptions { Seed = Seed }),
            null, HasTargets: false, typeof(PeerEstimator<TrainingMeanModel>)),
        new ConformanceEstimator("Additive",
            ml => ml.Perturbation().Trainers.Additive(new AdditiveOptions { Seed = Seed }),
            null, HasTargets: false, typeof(PeerEstimator<AdditiveModel>)),
        new ConformanceEstimator("LinearFeatures",
            ml => ml.Perturbation().Trainers.LinearFeatures(new LinearFeaturesOptions { Seed = Seed }),
            null, HasTargets: false, typeof(PeerEstimator<LinearFeaturesModel>)),
        new ConformanceEstimator("TwoStageCausal",
            ml => ml.Perturbation().Trainers.TwoStageCausal(new TwoStageCausalOptions { Seed = Seed, MaxSteps = 100 }),
            ml => ml.Perturbation().Trainers.TwoStageCausal(new TwoStageCausalOptions { Seed = Seed, MaxSteps = 100, LearningRate = Explosive }),
            HasTargets: true, typeof(PeerEstimator<TwoStageCausalModel>)),
    };

    /// <summary>The methods that minimise a loss, for the divergence case.</summary>
    public static IEnumerable<ConformanceEstimator> Trained => All.Where(e => e.Diverging is not null);

    /// <summary>
    /// A short fit with the library's other defaults. 200 steps: the default free phase (<see cref="Gim.MLNet.Causal.GimOptions.FreePhase"/>)
    /// spends the first half training per-context interventions, and at 100 steps the encoder had too few of its own to
    /// bring constant variables back to their constants (0.054 off against 0.0096 before the free phase existed).
    /// </summary>
    private static GimOptions GimOptions(double learningRate) => new()
    {
        Seed = Seed,
        MaxSteps = 200, EvaluateEvery = 100, LearningRate = learningRate, EncoderWidth = 8,
    };
}
