using System.Diagnostics;
using Gim.MLNet.Data;
using Gim.MLNet.Scoring;
using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>One fold of <see cref="PerturbationCatalog.CrossValidate"/>.</summary>
/// <param name="Fold">The fold's number, from 0.</param>
/// <param name="HeldOutGroups">The perturbation groups held out.</param>
/// <param name="HeldOutContexts">Their contexts, which the fold scores.</param>
/// <param name="Evaluation">The held-out contexts' evaluation.</param>
/// <param name="FitSeconds">Seconds the fit on the other groups took.</param>
/// <param name="Model">The model fitted without this fold's groups; null unless models were kept.</param>
public sealed record PerturbationFoldResult(int Fold, IReadOnlyList<string> HeldOutGroups, IReadOnlyList<string> HeldOutContexts,
    PerturbationEvaluation Evaluation, double FitSeconds, ITransformer? Model);

/// <summary>The result of <see cref="PerturbationCatalog.CrossValidate"/>: every fold and the metrics pooled over all held-out contexts.</summary>
public sealed class PerturbationCrossValidation
{
    internal PerturbationCrossValidation(IReadOnlyList<PerturbationFoldResult> folds, PerturbationEvaluation pooled, IReadOnlyDictionary<string, int> groupFolds)
    {
        Folds = folds;
        Pooled = pooled;
        GroupFolds = groupFolds;
    }

    /// <summary>Each fold, in order.</summary>
    public IReadOnlyList<PerturbationFoldResult> Folds { get; }

    /// <summary>Every held-out context of every fold scored together: per-context metrics averaged, target metrics pooled over all pairs.</summary>
    public PerturbationEvaluation Pooled { get; }

    /// <summary>The fold of each perturbation group.</summary>
    public IReadOnlyDictionary<string, int> GroupFolds { get; }
}

/// <summary>Runs <see cref="PerturbationCatalog.CrossValidate"/> over lazy per-fold views of the data.</summary>
internal static class PerturbationCrossValidator
{
    public static PerturbationCrossValidation Run(IDataView data, IEstimator<ITransformer> estimator, int folds, string? groupColumnName,
        PerturbationEvaluationOptions options, int seed, bool keepModels)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(estimator);
        PerturbationEvaluationOptions evaluation = options.Clone();
        evaluation.Validate();
        // Folds hold out whole perturbations: without a group column given here, the estimator's own (e.g. the drug
        // column of a GIM over drug × dose), so sibling doses never leak into a fold's training set.
        groupColumnName ??= IPerturbationEstimator.Find(estimator)?.GroupColumnName;
        var (contextColumn, contexts) = ContextSplitter.ReadContexts(data, evaluation.ContextColumnName, evaluation.ControlColumnName,
            evaluation.ControlContextValue, groupColumnName);
        if (!contexts.Any(c => c.IsControl))
            throw new ArgumentException("CrossValidate: the data have no control rows; every training fold keeps the control cells, which define the evaluation space.");
        // With covariate controls, each level's own control (another line's vehicle) stays in every training fold too:
        // the covariate-aware baselines need it, and it is no perturbation to hold out.
        HashSet<string> levelControls = EvaluationData.LevelControlContexts(data, evaluation);
        bool Kept(ContextSplitter.ContextInfo c) => c.IsControl || levelControls.Contains(c.Name);
        var controls = contexts.Where(Kept).Select(c => c.Name).ToList();
        var groups = contexts.Where(c => !Kept(c)).Select(c => c.Group).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyDictionary<string, int> groupFolds = PerturbationSplits.AssignFolds(groups, folds, seed);

        // The evaluation space and the training perturbations, read once: every fold's training controls are all the
        // controls, and its perturbations are all but the fold's.
        EvaluationData? trainingRows = evaluation.ControlStatistics is null || evaluation.PerturbedReference is null
            ? EvaluationData.Read(data, evaluation, readPredictions: false) : null;
        ControlStatistics controlStatistics = evaluation.ControlStatistics ?? trainingRows!.ControlStatisticsFromRows()!;

        var results = new List<PerturbationFoldResult>();
        var allScored = new List<ScoredContext>();
        var evaluations = new List<PerturbationEvaluation>();
        try
        {
            for (int fold = 0; fold < folds; fold++)
                RunFold(fold);
        }
        catch
        {
            // A failed fold (or a cancellation) leaves no kept model behind: the caller never sees them.
            foreach (PerturbationFoldResult kept in results) (kept.Model as IDisposable)?.Dispose();
            throw;
        }
        return new PerturbationCrossValidation(results, PerturbationScorer.Pool(evaluations, allScored, evaluation), groupFolds);

        void RunFold(int fold)
        {
            evaluation.CancellationToken.ThrowIfCancellationRequested();
            var held = contexts.Where(c => !Kept(c) && groupFolds[c.Group] == fold).ToList();
            var trainContexts = controls.Concat(contexts.Where(c => !Kept(c) && groupFolds[c.Group] != fold).Select(c => c.Name)).ToList();
            IDataView train = new ContextFilterView(data, contextColumn, trainContexts);
            IDataView test = new ContextFilterView(data, contextColumn, held.Select(c => c.Name));

            // The fold's evaluation space and reference: its training controls (the same in every fold) and perturbations.
            var trainSet = new HashSet<string>(trainContexts, StringComparer.Ordinal);
            PerturbationEvaluationOptions foldOptions = evaluation.Clone();
            foldOptions.ControlStatistics = controlStatistics;
            foldOptions.PerturbedReference ??= trainingRows!.PerturbedMean(trainSet.Contains);

            var clock = Stopwatch.StartNew();
            ITransformer model = estimator.Fit(train);
            double fitSeconds = clock.Elapsed.TotalSeconds;
            try
            {
                var scored = EvaluationData.Read(model.Transform(test), foldOptions, readPredictions: true).Groups
                    .Select(g => g.ToScored(g.HasTargetProbabilities)).ToList();
                PerturbationEvaluation foldEvaluation = PerturbationScorer.Score(scored, foldOptions);
                evaluations.Add(foldEvaluation);
                allScored.AddRange(scored);
                results.Add(new PerturbationFoldResult(fold, held.Select(c => c.Group).Distinct(StringComparer.Ordinal).ToList(),
                    held.Select(c => c.Name).ToList(), foldEvaluation, fitSeconds, keepModels ? model : null));
            }
            catch
            {
                if (keepModels) (model as IDisposable)?.Dispose();
                throw;
            }
            finally
            {
                if (!keepModels) (model as IDisposable)?.Dispose();
            }
        }
    }
}
