namespace Gim.MLNet;

/// <summary>The peers of GIM (BENCHMARK.md §3), with the same input and output columns as <see cref="Gim(GimEstimator.Options)"/>.</summary>
public sealed partial class PerturbationTrainers
{
    /// <summary>The Control peer: the control distribution whatever the features (what "no effect" scores).</summary>
    /// <param name="options">Columns, seed and the trainer's settings.</param>
    /// <returns>An estimator whose Fit trains the peer and returns a transformer running its ONNX graph.</returns>
    public ControlEstimator Control(ControlEstimator.Options options) => new(_mlContext, options);

    /// <summary>The Control peer with default settings, from column names.</summary>
    /// <param name="featureColumnName">The perturbation features: a known-size vector of Single, identical on every row of a context.</param>
    /// <param name="measurementsColumnName">The measured cell: a known-size vector of Single.</param>
    /// <param name="contextColumnName">The context of each row: a key, string or integer column.</param>
    /// <param name="controlColumnName">A Boolean column, true on control rows; ignored when <paramref name="controlContextValue"/> is given.</param>
    /// <param name="controlContextValue">The context value of the control context, instead of a Boolean column.</param>
    /// <param name="seed">Seed of training and sampling; null takes one from the MLContext.</param>
    /// <returns>An estimator whose Fit trains the peer and returns a transformer running its ONNX graph.</returns>
    public ControlEstimator Control(string featureColumnName = "Features", string measurementsColumnName = "Measurements",
        string contextColumnName = "Context", string? controlColumnName = "IsControl", string? controlContextValue = null, int? seed = null) =>
        Control(WithColumns(new ControlEstimator.Options(), featureColumnName, measurementsColumnName, contextColumnName, controlColumnName, controlContextValue, seed));

    /// <summary>The NearestContext peer: the cells of the training context whose standardised features are nearest.</summary>
    /// <param name="options">Columns, seed and the trainer's settings.</param>
    /// <returns>An estimator whose Fit trains the peer and returns a transformer running its ONNX graph.</returns>
    public NearestContextEstimator NearestContext(NearestContextEstimator.Options options) => new(_mlContext, options);

    /// <summary>The NearestContext peer with default settings, from column names.</summary>
    /// <param name="featureColumnName">The perturbation features: a known-size vector of Single, identical on every row of a context.</param>
    /// <param name="measurementsColumnName">The measured cell: a known-size vector of Single.</param>
    /// <param name="contextColumnName">The context of each row: a key, string or integer column.</param>
    /// <param name="controlColumnName">A Boolean column, true on control rows; ignored when <paramref name="controlContextValue"/> is given.</param>
    /// <param name="controlContextValue">The context value of the control context, instead of a Boolean column.</param>
    /// <param name="seed">Seed of training and sampling; null takes one from the MLContext.</param>
    /// <returns>An estimator whose Fit trains the peer and returns a transformer running its ONNX graph.</returns>
    public NearestContextEstimator NearestContext(string featureColumnName = "Features", string measurementsColumnName = "Measurements",
        string contextColumnName = "Context", string? controlColumnName = "IsControl", string? controlContextValue = null, int? seed = null) =>
        NearestContext(WithColumns(new NearestContextEstimator.Options(), featureColumnName, measurementsColumnName, contextColumnName, controlColumnName, controlContextValue, seed));

    /// <summary>The MeanShift peer: control cells moved by an MLP's mean shift (a CPA-like black box).</summary>
    /// <param name="options">Columns, seed and the trainer's settings.</param>
    /// <returns>An estimator whose Fit trains the peer and returns a transformer running its ONNX graph.</returns>
    public MeanShiftEstimator MeanShift(MeanShiftEstimator.Options options) => new(_mlContext, options);

    /// <summary>The MeanShift peer with default settings, from column names.</summary>
    /// <param name="featureColumnName">The perturbation features: a known-size vector of Single, identical on every row of a context.</param>
    /// <param name="measurementsColumnName">The measured cell: a known-size vector of Single.</param>
    /// <param name="contextColumnName">The context of each row: a key, string or integer column.</param>
    /// <param name="controlColumnName">A Boolean column, true on control rows; ignored when <paramref name="controlContextValue"/> is given.</param>
    /// <param name="controlContextValue">The context value of the control context, instead of a Boolean column.</param>
    /// <param name="seed">Seed of training and sampling; null takes one from the MLContext.</param>
    /// <returns>An estimator whose Fit trains the peer and returns a transformer running its ONNX graph.</returns>
    public MeanShiftEstimator MeanShift(string featureColumnName = "Features", string measurementsColumnName = "Measurements",
        string contextColumnName = "Context", string? controlColumnName = "IsControl", string? controlContextValue = null, int? seed = null) =>
        MeanShift(WithColumns(new MeanShiftEstimator.Options(), featureColumnName, measurementsColumnName, contextColumnName, controlColumnName, controlContextValue, seed));

    /// <summary>The ConditionalGaussian peer: a diagonal Gaussian whose mean and variances an MLP predicts (a generative black box).</summary>
    /// <param name="options">Columns, seed and the trainer's settings.</param>
    /// <returns>An estimator whose Fit trains the peer and returns a transformer running its ONNX graph.</returns>
    public ConditionalGaussianEstimator ConditionalGaussian(ConditionalGaussianEstimator.Options options) => new(_mlContext, options);

    /// <summary>The ConditionalGaussian peer with default settings, from column names.</summary>
    /// <param name="featureColumnName">The perturbation features: a known-size vector of Single, identical on every row of a context.</param>
    /// <param name="measurementsColumnName">The measured cell: a known-size vector of Single.</param>
    /// <param name="contextColumnName">The context of each row: a key, string or integer column.</param>
    /// <param name="controlColumnName">A Boolean column, true on control rows; ignored when <paramref name="controlContextValue"/> is given.</param>
    /// <param name="controlContextValue">The context value of the control context, instead of a Boolean column.</param>
    /// <param name="seed">Seed of training and sampling; null takes one from the MLContext.</param>
    /// <returns>An estimator whose Fit trains the peer and returns a transformer running its ONNX graph.</returns>
    public ConditionalGaussianEstimator ConditionalGaussian(string featureColumnName = "Features", string measurementsColumnName = "Measurements",
        string contextColumnName = "Context", string? controlColumnName = "IsControl", string? controlContextValue = null, int? seed = null) =>
        ConditionalGaussian(WithColumns(new ConditionalGaussianEstimator.Options(), featureColumnName, measurementsColumnName, contextColumnName, controlColumnName, controlContextValue, seed));

    /// <summary>The TwoStageCausal peer: GIM's linear causal model with a free intervention per training context, then a ridge map from features to interventions.</summary>
    /// <param name="options">Columns, seed and the trainer's settings.</param>
    /// <returns>An estimator whose Fit trains the peer and returns a transformer running its ONNX graph.</returns>
    public TwoStageCausalEstimator TwoStageCausal(TwoStageCausalEstimator.Options options) => new(_mlContext, options);

    /// <summary>The TwoStageCausal peer with default settings, from column names.</summary>
    /// <param name="featureColumnName">The perturbation features: a known-size vector of Single, identical on every row of a context.</param>
    /// <param name="measurementsColumnName">The measured cell: a known-size vector of Single.</param>
    /// <param name="contextColumnName">The context of each row: a key, string or integer column.</param>
    /// <param name="controlColumnName">A Boolean column, true on control rows; ignored when <paramref name="controlContextValue"/> is given.</param>
    /// <param name="controlContextValue">The context value of the control context, instead of a Boolean column.</param>
    /// <param name="seed">Seed of training and sampling; null takes one from the MLContext.</param>
    /// <returns>An estimator whose Fit trains the peer and returns a transformer running its ONNX graph.</returns>
    public TwoStageCausalEstimator TwoStageCausal(string featureColumnName = "Features", string measurementsColumnName = "Measurements",
        string contextColumnName = "Context", string? controlColumnName = "IsControl", string? controlContextValue = null, int? seed = null) =>
        TwoStageCausal(WithColumns(new TwoStageCausalEstimator.Options(), featureColumnName, measurementsColumnName, contextColumnName, controlColumnName, controlContextValue, seed));

    private static T WithColumns<T>(T options, string features, string measurements, string context, string? control,
        string? controlValue, int? seed) where T : BaselineEstimatorOptions
    {
        options.FeatureColumnName = features;
        options.MeasurementsColumnName = measurements;
        options.ContextColumnName = context;
        options.ControlColumnName = control;
        options.ControlContextValue = controlValue;
        options.Seed = seed;
        return options;
    }
}
