using Gim.MLNet.Causal;
using Gim.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Gim.MLNet;

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
        Transforms = new PerturbationTransforms(mlContext);
    }

    /// <summary>The context the catalog's components log to and draw seeds from.</summary>
    internal MLContext MLContext { get; }

    /// <summary>The perturbation trainers (<see cref="PerturbationTrainers.Gim(GimOptions)"/>...).</summary>
    public PerturbationTrainers Trainers { get; }

    /// <summary>Preprocessing of counts (<see cref="PerturbationTransforms.NormalizeTotalLog1p"/>), as ONNX steps a saved pipeline keeps.</summary>
    public PerturbationTransforms Transforms { get; }

    /// <summary>
    /// Scores predicted against observed cells per context with the BENCHMARK.md §2 metrics (multi-scale MMD,
    /// energy distance, mean RMSE, R², Pearson delta; target AUROC/AUPRC/F1 when true targets are given) in the
    /// space standardised by the control cells. The data is what a fitted transformer returns for test rows: each
    /// row's measurements column is an observed cell, its Sample column a predicted draw for the same context.
    /// Works on the output of any estimator that writes a Sample column.
    /// </summary>
    /// <param name="data">Transformed rows: context, predicted draw and observed cell, plus control rows (the control statistics).</param>
    /// <param name="contextColumnName">The context column (key, string or integer). Default "Context".</param>
    /// <param name="sampleColumnName">The predicted draws: a known-size vector of Single. Default "Sample".</param>
    /// <param name="measurementsColumnName">The observed cells: a known-size vector of Single of the same size. Default "Measurements".</param>
    /// <param name="controlColumnName">A Boolean column marking the control rows, which define the evaluation space. Default "IsControl".</param>
    /// <returns>Per-context metrics and their averages.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type (the message names it).</exception>
    /// <exception cref="ArgumentException">No control rows (use the options overload to give <see cref="ControlStatistics"/>), or non-finite values.</exception>
    public PerturbationEvaluation Evaluate(IDataView data, string contextColumnName = "Context", string sampleColumnName = "Sample",
        string measurementsColumnName = "Measurements", string controlColumnName = "IsControl") =>
        Evaluate(data, new PerturbationEvaluationOptions
        {
            ContextColumnName = contextColumnName,
            SampleColumnName = sampleColumnName,
            MeasurementsColumnName = measurementsColumnName,
            ControlColumnName = controlColumnName,
        });

    /// <summary>
    /// Scores predicted against observed cells per context with every setting given by <paramref name="options"/>:
    /// columns, control statistics, true targets (column or dictionary), optional metrics (unbiased and
    /// median-heuristic MMD, Sinkhorn), top-k and the F1 threshold.
    /// </summary>
    /// <param name="data">Transformed rows: context, predicted draw and observed cell (see <see cref="PerturbationEvaluationOptions"/>).</param>
    /// <param name="options">Columns and metric settings.</param>
    /// <returns>Per-context metrics and their averages.</returns>
    public PerturbationEvaluation Evaluate(IDataView data, PerturbationEvaluationOptions options) =>
        PerturbationEvaluator.Evaluate(data, options);

    /// <summary>
    /// Fits every estimator on the same training data (timed), transforms every test split with each fitted model
    /// (timed), evaluates the predictions and returns a leaderboard. An estimator that fails to fit, or a split that
    /// fails to predict or evaluate, is recorded in its row with the exception's message; the others go on.
    /// </summary>
    /// <param name="estimators">Named estimators (a <c>Dictionary</c> or list of pairs); any estimator whose transformer writes a Sample column.</param>
    /// <param name="trainingData">The training rows, with control rows (their cells define the evaluation space unless options give <see cref="ControlStatistics"/>).</param>
    /// <param name="testSplits">Named test data, e.g. "partial-ood" and "full-ood", with the observed cells in the measurements column.</param>
    /// <param name="options">Evaluation columns and metrics, progress and cancellation; null = defaults.</param>
    /// <returns>One row per estimator, in the given order.</returns>
    /// <exception cref="ArgumentException">No estimators or splits, duplicate names, or no control statistics.</exception>
    /// <exception cref="OperationCanceledException">The options' token was cancelled.</exception>
    public Leaderboard Compare(IEnumerable<KeyValuePair<string, IEstimator<ITransformer>>> estimators, IDataView trainingData,
        IEnumerable<KeyValuePair<string, IDataView>> testSplits, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(estimators);
        ArgumentNullException.ThrowIfNull(testSplits);
        var methods = estimators.Select(e => new EstimatorComparison.Method(e.Key,
            () => e.Value ?? throw new ArgumentNullException(nameof(estimators), $"Estimator '{e.Key}' is null."))).ToList();
        return EstimatorComparison.Run(MLContext, methods, trainingData, testSplits.ToList(), options ?? new ComparisonOptions());
    }

    /// <summary>
    /// Splits data by perturbation: a seeded random <paramref name="validationFraction"/> of the perturbation groups
    /// (at least one, never all) is held out with all its contexts and rows; control contexts always stay in training.
    /// Without a group column each non-control context is its own group.
    /// </summary>
    /// <param name="data">One row per cell.</param>
    /// <param name="validationFraction">Fraction of the groups to hold out, in (0, 1). Default 0.2.</param>
    /// <param name="contextColumnName">The context column (key, string or integer). Default "Context".</param>
    /// <param name="controlColumnName">A Boolean column marking control rows; null when there is none. Ignored when <paramref name="controlContextValue"/> is set. Default "IsControl".</param>
    /// <param name="controlContextValue">The context value of the control context, instead of a control column.</param>
    /// <param name="seed">Seed of the split; null takes one from the MLContext.</param>
    /// <param name="groupColumnName">
    /// The perturbation of each row's context (key, string or integer; e.g. the drug of a drug-at-dose context), so a
    /// drug is never in training at one dose and held out at another. Null (default): each context is its own group.
    /// </param>
    /// <param name="keepInTraining">
    /// Contexts that always stay in training, as the controls do: on a screen of several cell lines, each line's own
    /// vehicle context (a perturbed context of GIM's, at dose 0), which is no perturbation to hold out and without which
    /// that line's baseline cannot be learned. Null (default): none. A name that is no context of the data is an error.
    /// </param>
    /// <returns>Lazy training and validation views and their context lists.</returns>
    public ContextSplit SplitByContext(IDataView data, double validationFraction = 0.2, string contextColumnName = "Context",
        string? controlColumnName = "IsControl", string? controlContextValue = null, int? seed = null, string? groupColumnName = null,
        IEnumerable<string>? keepInTraining = null) =>
        ContextSplitter.Split(data, validationFraction, contextColumnName, controlColumnName, controlContextValue, seed ?? NextSeed(), groupColumnName,
            keepInTraining);

    /// <summary>
    /// Cross-validation by perturbation, as ML.NET's <c>CrossValidate</c> with a sampling key: the perturbation groups
    /// (<paramref name="groupColumnName"/>, e.g. the drug across all its doses) are dealt into <paramref name="folds"/>
    /// folds; each fold's groups are held out with all their rows while the estimator is fitted on the rest, and every
    /// control context stays in every training set. A group is never in two folds. Returns each fold's evaluation
    /// (scored in the space of the training controls, with "pearson_delta_pert" against the fold's training
    /// perturbations) and the metrics pooled over every held-out context.
    /// </summary>
    /// <param name="data">One row per cell, with the estimator's columns and the context, control and group columns.</param>
    /// <param name="estimator">Any estimator whose transformer writes a Sample column (GIM, a peer, a pipeline ending in one).</param>
    /// <param name="folds">The number of folds, from 2 to the number of groups. Default 5.</param>
    /// <param name="groupColumnName">The perturbation group of each row (key, string or integer); null: the estimator's
    /// <c>GroupColumnName</c> when it is (or ends with) a GIM or peer estimator that has one, else each context is its own group.</param>
    /// <param name="options">Evaluation columns and metrics; null = defaults.</param>
    /// <param name="seed">Seed of the fold assignment; null takes one from the MLContext.</param>
    /// <param name="keepModels">Keep each fold's fitted model in the result (the caller disposes them); default false (disposed).</param>
    /// <exception cref="ArgumentException">A column is missing, no control rows, or fewer groups than folds.</exception>
    public PerturbationCrossValidation CrossValidate(IDataView data, IEstimator<ITransformer> estimator, int folds = 5, string? groupColumnName = null,
        PerturbationEvaluationOptions? options = null, int? seed = null, bool keepModels = false) =>
        PerturbationCrossValidator.Run(data, estimator, folds, groupColumnName, options ?? new PerturbationEvaluationOptions(), seed ?? NextSeed(), keepModels);

    /// <summary>
    /// Grid or random hyper-parameter search: holds out validation contexts from <paramref name="data"/>
    /// (<see cref="SplitByContext"/>), fits one estimator per candidate on the rest, scores each on the held-out
    /// contexts and returns the best candidate with the full trial table. Failed trials stay in the table. With
    /// <c>options.Evaluation.CovariateControls</c> each cell line's own vehicle context stays in training, as in
    /// <see cref="CrossValidate"/>.
    /// </summary>
    /// <typeparam name="TParams">The candidate type: a <see cref="ParameterSet"/> from a <see cref="ParameterGrid"/>, a record, a number...</typeparam>
    /// <param name="data">The training rows (with control rows).</param>
    /// <param name="candidates">The candidates to try, e.g. a <see cref="ParameterGrid"/>.</param>
    /// <param name="createEstimator">Makes the estimator of a candidate.</param>
    /// <param name="options">Metric and direction, strategy, validation fraction, seed, columns; null = defaults.</param>
    /// <returns>The best candidate and every trial.</returns>
    /// <exception cref="InvalidOperationException">Every trial failed (the message lists why).</exception>
    public HyperparameterSearchResult<TParams> SearchHyperparameters<TParams>(IDataView data, IEnumerable<TParams> candidates,
        Func<TParams, IEstimator<ITransformer>> createEstimator, HyperparameterSearchOptions? options = null)
    {
        options ??= new HyperparameterSearchOptions();
        return HyperparameterSearch.Run(MLContext, data, candidates, createEstimator, options, options.Seed ?? NextSeed());
    }

    // ML.NET convention: components without an explicit seed draw one from the context (new MLContext(seed: n)).
    private int NextSeed() => ((IHostEnvironment)MLContext).Register(nameof(PerturbationCatalog)).Rand.Next();
}
