using Microsoft.ML;

namespace Gim.MLNet.MLNet;

/// <summary>
/// Perturbation modelling in ML.NET: trainers that predict the distribution of cells under perturbations
/// and an evaluator. Reach it through <c>mlContext.Perturbation()</c>.
/// </summary>
public sealed class PerturbationCatalog
{
    internal PerturbationCatalog(MLContext mlContext)
    {
        MLContext = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        Trainers = new PerturbationTrainers(mlContext);
    }

    /// <summary>The context the catalog's components log to and draw seeds from.</summary>
    internal MLContext MLContext { get; }

    /// <summary>The perturbation trainers (<see cref="PerturbationTrainers.Gim(GimEstimator.Options)"/>...).</summary>
    public PerturbationTrainers Trainers { get; }

    /// <summary>
    /// Compares predicted and observed cells per context: for every context, the RMSE between the mean of
    /// the predicted column and the mean of the observed column over that context's rows; and their average.
    /// </summary>
    /// <param name="data">Rows with a context, a predicted vector (e.g. a transformer's Sample column) and an observed vector of the same size.</param>
    /// <param name="contextColumnName">The context column (key, string or integer). Default "Context".</param>
    /// <param name="predictedColumnName">The predicted cells: a known-size vector of Single. Default "Sample".</param>
    /// <param name="observedColumnName">The observed cells: a known-size vector of Single. Default "Measurements".</param>
    /// <returns>Per-context and averaged RMSE of the means.</returns>
    public PerturbationEvaluation Evaluate(IDataView data, string contextColumnName = "Context",
        string predictedColumnName = "Sample", string observedColumnName = "Measurements") =>
        // TODO(issue 4, item 6): delegate to Gim.MLNet.Metrics (the BENCHMARK.md metrics: energy distance,
        // MMD, per-variable Wasserstein...) once that library lands; this computes the mean RMSE only.
        PerturbationEvaluator.Evaluate(data, contextColumnName, predictedColumnName, observedColumnName);
}

/// <summary>The perturbation trainers of <see cref="PerturbationCatalog"/>.</summary>
public sealed partial class PerturbationTrainers
{
    private readonly MLContext _mlContext;

    internal PerturbationTrainers(MLContext mlContext) => _mlContext = mlContext;

    /// <summary>Creates a <see cref="GimEstimator"/> with every setting given by <paramref name="options"/>.</summary>
    /// <param name="options">Columns, prediction mode, seed and training settings.</param>
    /// <returns>An estimator whose Fit trains the GIM and returns a <see cref="GimTransformer"/>.</returns>
    public GimEstimator Gim(GimEstimator.Options options) => new(_mlContext, options);

    /// <summary>Creates a <see cref="GimEstimator"/> from column names and the most common settings.</summary>
    /// <param name="featureColumnName">The perturbation features: a known-size vector of Single, identical on every row of a context.</param>
    /// <param name="measurementsColumnName">The measured cell: a known-size vector of Single.</param>
    /// <param name="contextColumnName">The context of each row: a key, string or integer column.</param>
    /// <param name="controlColumnName">A Boolean column, true on control rows; ignored when <paramref name="controlContextValue"/> is given.</param>
    /// <param name="controlContextValue">The context value of the control context, instead of a Boolean column.</param>
    /// <param name="maxSteps">Optimisation steps (see <see cref="Training.GimOptions.MaxSteps"/>).</param>
    /// <param name="seed">Seed of training and sampling; null takes one from the MLContext.</param>
    /// <returns>An estimator whose Fit trains the GIM and returns a <see cref="GimTransformer"/>.</returns>
    public GimEstimator Gim(string featureColumnName = "Features", string measurementsColumnName = "Measurements",
        string contextColumnName = "Context", string? controlColumnName = "IsControl", string? controlContextValue = null,
        int maxSteps = 2000, int? seed = null)
    {
        var options = new GimEstimator.Options
        {
            FeatureColumnName = featureColumnName,
            MeasurementsColumnName = measurementsColumnName,
            ContextColumnName = contextColumnName,
            ControlColumnName = controlColumnName,
            ControlContextValue = controlContextValue,
            Seed = seed,
        };
        options.Training.MaxSteps = maxSteps;
        return new GimEstimator(_mlContext, options);
    }
}
