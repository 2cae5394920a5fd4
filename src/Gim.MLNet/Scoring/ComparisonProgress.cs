namespace Gim.MLNet.Scoring;

/// <summary>What a comparison (<c>mlContext.Perturbation().Compare</c> or <see cref="ModelComparison"/>) is doing.</summary>
public enum ComparisonStage
{
    /// <summary>A method's fit has started.</summary>
    Fitting,

    /// <summary>A method's fit has ended.</summary>
    Fitted,

    /// <summary>A split is being predicted and evaluated.</summary>
    Evaluating,

    /// <summary>A split has been evaluated.</summary>
    Evaluated,

    /// <summary>A fit or a split failed; the message is in <see cref="ComparisonProgress.Error"/>.</summary>
    Failed,
}

/// <summary>One progress report of a comparison.</summary>
/// <param name="Method">The estimator's name.</param>
/// <param name="MethodIndex">Its 0-based position among the estimators.</param>
/// <param name="MethodCount">How many estimators are compared.</param>
/// <param name="Split">The split, for <see cref="ComparisonStage.Evaluating"/>/<see cref="ComparisonStage.Evaluated"/> (and split failures); otherwise null.</param>
/// <param name="Stage">What happened.</param>
/// <param name="Elapsed">Time since Compare started.</param>
/// <param name="Error">The failure's message, for <see cref="ComparisonStage.Failed"/>.</param>
public sealed record ComparisonProgress(string Method, int MethodIndex, int MethodCount, string? Split, ComparisonStage Stage,
    TimeSpan Elapsed, string? Error = null)
{
    /// <summary>A one-line description, e.g. "[2/5] GIM: evaluating 'partial-ood' (12.3 s)".</summary>
    public override string ToString()
    {
        string what = Stage switch
        {
            ComparisonStage.Fitting => "fitting",
            ComparisonStage.Fitted => "fitted",
            ComparisonStage.Evaluating => $"evaluating '{Split}'",
            ComparisonStage.Evaluated => $"evaluated '{Split}'",
            _ => Split is null ? $"failed: {Error}" : $"failed on '{Split}': {Error}",
        };
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"[{MethodIndex + 1}/{MethodCount}] {Method}: {what} ({Elapsed.TotalSeconds:F1} s)");
    }
}
