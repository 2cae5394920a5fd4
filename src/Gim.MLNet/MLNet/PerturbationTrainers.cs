using Gim.MLNet.Causal;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>
/// The perturbation trainers of <see cref="PerturbationCatalog"/>: GIM and its peers (BENCHMARK.md §3), all with the
/// same input and output columns, each configured by one flat options object (columns, seed and the method's
/// settings). A peer is one folder under Peers/ plus one line here.
/// </summary>
public sealed class PerturbationTrainers
{
    private readonly MLContext _mlContext;

    internal PerturbationTrainers(MLContext mlContext) => _mlContext = mlContext;

    /// <summary>GIM: a causal model of the variables and a network from features to interventions in it, trained jointly.</summary>
    /// <param name="options">Columns, seed, training and prediction settings.</param>
    /// <returns>An estimator whose Fit trains the GIM and returns a <see cref="GimTransformer"/>.</returns>
    public GimEstimator Gim(GimOptions options) => new(_mlContext, options);

    /// <summary>GIM from column names and the most common settings.</summary>
    /// <param name="featureColumnName">The perturbation features: a known-size vector of Single, identical on every row of a context.</param>
    /// <param name="measurementsColumnName">The measured cell: a known-size vector of Single.</param>
    /// <param name="contextColumnName">The context of each row: a key, string or integer column.</param>
    /// <param name="controlColumnName">A Boolean column, true on control rows; ignored when <paramref name="controlContextValue"/> is given.</param>
    /// <param name="controlContextValue">The context value of the control context, instead of a Boolean column.</param>
    /// <param name="maxSteps">Optimisation steps (see <see cref="GimOptions.MaxSteps"/>).</param>
    /// <param name="seed">Seed of training and sampling; null takes one from the MLContext.</param>
    /// <returns>An estimator whose Fit trains the GIM and returns a <see cref="GimTransformer"/>.</returns>
    public GimEstimator Gim(string featureColumnName = "Features", string measurementsColumnName = "Measurements",
        string contextColumnName = "Context", string? controlColumnName = "IsControl", string? controlContextValue = null,
        int maxSteps = 2000, int? seed = null) => Gim(new GimOptions
        {
            FeatureColumnName = featureColumnName,
            MeasurementsColumnName = measurementsColumnName,
            ContextColumnName = contextColumnName,
            ControlColumnName = controlColumnName,
            ControlContextValue = controlContextValue,
            Seed = seed,
            MaxSteps = maxSteps,
        });

    /// <summary>The Control peer: the control distribution whatever the features (what "no effect" scores).</summary>
    /// <param name="options">Columns and seed; null for the defaults.</param>
    public PeerEstimator<ControlModel> Control(ControlOptions? options = null) => Peer(options, "Control", o => new ControlTrainer(o));

    /// <summary>The NearestContext peer: the cells of the training context whose standardised features are nearest.</summary>
    /// <param name="options">Columns, seed and the peer's settings; null for the defaults.</param>
    public PeerEstimator<NearestContextModel> NearestContext(NearestContextOptions? options = null) => Peer(options, "NearestContext", o => new NearestContextTrainer(o));

    /// <summary>The MeanShift peer: control cells moved by an MLP's mean shift (a CPA-like black box).</summary>
    /// <param name="options">Columns, seed and the peer's settings; null for the defaults.</param>
    public PeerEstimator<MeanShiftModel> MeanShift(MeanShiftOptions? options = null) => Peer(options, "MeanShift", o => new MeanShiftTrainer(o));

    /// <summary>The ConditionalGaussian peer: a diagonal Gaussian whose mean and variances an MLP predicts (a generative black box).</summary>
    /// <param name="options">Columns, seed and the peer's settings; null for the defaults.</param>
    public PeerEstimator<ConditionalGaussianModel> ConditionalGaussian(ConditionalGaussianOptions? options = null) => Peer(options, "ConditionalGaussian", o => new ConditionalGaussianTrainer(o));

    /// <summary>The TwoStageCausal peer: GIM's linear causal model with a free intervention per training context, then a ridge map from features to interventions.</summary>
    /// <param name="options">Columns, seed and the peer's settings; null for the defaults.</param>
    public PeerEstimator<TwoStageCausalModel> TwoStageCausal(TwoStageCausalOptions? options = null) => Peer(options, "TwoStageCausal", o => new TwoStageCausalTrainer(o));

    /// <summary>The TrainingMean peer: control cells shifted by the mean shift of all training perturbations, whatever the features (the "perturbed mean" baseline).</summary>
    /// <param name="options">Columns and seed; null for the defaults.</param>
    public PeerEstimator<TrainingMeanModel> TrainingMean(TrainingMeanOptions? options = null) => Peer(options, "TrainingMean", o => new TrainingMeanTrainer(o));

    /// <summary>The LinearFeatures peer: control cells shifted by a ridge regression of the mean shift on the features (penalty chosen on held-out perturbations).</summary>
    /// <param name="options">Columns, seed and the penalties and folds of the cross-validation; null for the defaults.</param>
    public PeerEstimator<LinearFeaturesModel> LinearFeatures(LinearFeaturesOptions? options = null) => Peer(options, "LinearFeatures", o => new LinearFeaturesTrainer(o));

    /// <summary>The Additive peer: control cells shifted by the sum of the single perturbations' effects (a pair = control + both singles; features one per perturbed gene).</summary>
    /// <param name="options">Columns, seed and what a feature never seen alone contributes; null for the defaults.</param>
    public PeerEstimator<AdditiveModel> Additive(AdditiveOptions? options = null) => Peer(options, "Additive", o => new AdditiveTrainer(o));

    /// <summary>A peer's estimator: its options (defaults when null) and how to make its trainer from the resolved options.</summary>
    private PeerEstimator<TModel> Peer<TOptions, TModel>(TOptions? options, string method, Func<TOptions, PerturbationTrainer<TOptions, TModel>> trainer)
        where TOptions : PerturbationOptions, new() where TModel : PerturbationModel =>
        new(_mlContext, options ?? new TOptions(), method, (resolved, data, log) =>
        {
            PerturbationTrainer<TOptions, TModel> t = trainer((TOptions)resolved);
            t.Log = log;
            return t.Fit(data);
        });
}
