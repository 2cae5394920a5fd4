using System.Diagnostics;
using Gim.MLNet.Data;
using Gim.MLNet.Runtime;

namespace Gim.MLNet.Modeling;

/// <summary>
/// What fitting any perturbation model starts with, GIM and peers alike: validated options, validated training
/// data (at least one control, at least 2 cells per context), a clock, and the standardisation every method uses
/// (variables by the control cells, features by the training contexts).
/// </summary>
/// <typeparam name="TOptions">The method's options.</typeparam>
/// <typeparam name="TModel">The method's fitted model.</typeparam>
public abstract class PerturbationTrainer<TOptions, TModel> where TOptions : PerturbationOptions, new() where TModel : PerturbationModel
{
    private protected PerturbationTrainer(TOptions? options)
    {
        Options = (TOptions)(options ?? new TOptions()).Clone();
        Options.Validate();
    }

    /// <summary>A validated copy of the options the trainer was created with.</summary>
    private protected TOptions Options { get; }

    /// <summary>Receives progress lines and a summary (ML.NET's channel, a console...); called with the finalizer thread free.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Fits the model.</summary>
    /// <param name="train">Training contexts; at least one control, at least 2 cells per context.</param>
    public TModel Fit(PerturbationDataset train) => FitCore(train, validation: null);

    /// <summary>Fits the model; methods with early stopping use <paramref name="validation"/>, the others ignore it.</summary>
    /// <param name="train">Training contexts; at least one control, at least 2 cells per context.</param>
    /// <param name="validation">Optional held-out contexts (same variables and features).</param>
    private protected TModel FitCore(PerturbationDataset train, PerturbationDataset? validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        train.Validate(requireControl: true, minSamplesPerContext: 2);
        if (validation is not null)
        {
            validation.Validate(requireControl: false, minSamplesPerContext: 2);
            if (validation.VariableCount != train.VariableCount || validation.FeatureCount != train.FeatureCount)
                throw new ArgumentException($"The validation data have {validation.VariableCount} variables and {validation.FeatureCount} features; the training data have {train.VariableCount} and {train.FeatureCount}.", nameof(validation));
            // Same counts in another order would score the wrong variables without a word.
            foreach (var (what, mine, theirs) in new[] { ("variable", train.VariableNames, validation.VariableNames), ("feature", train.FeatureNames, validation.FeatureNames) })
                for (int j = 0; j < mine.Count; j++)
                    if (mine[j] != theirs[j])
                        throw new ArgumentException($"The validation data's {what} {j} is '{theirs[j]}'; the training data's is '{mine[j]}'. Give both the same {what}s in the same order (slot names of the same columns).", nameof(validation));
        }
        foreach (var (data, role) in new[] { (train, "training"), (validation, "validation") })
            if (data is { HasCells: false } && CannotFitFromStatistics() is { } reason)
                throw new NotSupportedException($"The {role} data hold statistics (per-context moments and a pooled covariance), not cells: {reason}");
        Options.CancellationToken.ThrowIfCancellationRequested();
        if (RawCounts.Largest(train) is float largest)
            Tell($"warning: the measurements look like raw counts (every value a whole number ≥ 0, up to {largest:G}), but this " +
                 "method models them as continuous (GIM: Gaussian). Normalise each cell's total and take log1p first " +
                 "(mlContext.Perturbation().Transforms.NormalizeTotalLog1p in a pipeline, as scanpy's normalize_total and log1p), or give log-expression.");
        var clock = Stopwatch.StartNew();
        // From the controls' moments (two-pass from the cells when the data hold cells): a fit from statistics standardises alike.
        var variables = Standardizer.FitMoments(train.Controls.Select(c => c.Moments), train.VariableCount);
        var features = Standardizer.FitVectors(train.Contexts.Select(c => c.Features), train.FeatureCount);
        return Train(new PerturbationFit(train, validation, variables, features, clock));
    }

    /// <summary>
    /// Why this method, with these options, cannot fit from statistics (a data set of <see cref="PerturbationStatistics"/>),
    /// or null when it can. Most methods read the cells themselves: per-context covariances, or control cells they sample from.
    /// </summary>
    private protected virtual string? CannotFitFromStatistics() =>
        $"{GetType().Name.Replace("Trainer", "")} reads the cells themselves (the control cells it predicts from, or each context's own covariance). " +
        "Fit it from the cells (read them with AnnDataReader or CsvPerturbationTable), or fit GimTrainer (linear, shift interventions or known Knockdown targets) from the statistics.";

    /// <summary>Fits the model on validated data.</summary>
    private protected abstract TModel Train(PerturbationFit fit);

    /// <summary>Passes a line to <see cref="Log"/>, with the finalizer thread free: user code may wait for finalizers.</summary>
    private protected void Tell(string message)
    {
        if (Log is { } log) FinalizerHold.Outside(() => log(message));
    }
}

/// <summary>The validated training (and optional validation) data, its standardisation, and the clock started when fitting began.</summary>
internal sealed record PerturbationFit(PerturbationDataset Data, PerturbationDataset? Validation, Standardizer Variables, Standardizer Features, Stopwatch Clock)
{
    /// <summary>The pooled control cells, as one block.</summary>
    public CellTable Controls() => new(new[] { new CellTable(Data.Controls.Select(c => c.Samples).ToList(), Data.VariableCount).Cells }, Data.VariableCount);
}
