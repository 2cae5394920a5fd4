namespace Gim.MLNet;

/// <summary>
/// Data split by context (<see cref="PerturbationCatalog.SplitByContext"/>): every row of a context is on the same
/// side, so validation scores predictions for contexts the model never saw, as a test split would.
/// </summary>
public sealed class ContextSplit
{
    internal ContextSplit(Microsoft.ML.IDataView train, Microsoft.ML.IDataView validation, IReadOnlyList<string> trainContexts, IReadOnlyList<string> validationContexts)
    {
        Train = train;
        Validation = validation;
        TrainContexts = trainContexts;
        ValidationContexts = validationContexts;
    }

    /// <summary>The rows of the training contexts, control contexts included (a lazy filter over the source).</summary>
    public Microsoft.ML.IDataView Train { get; }

    /// <summary>The rows of the held-out contexts (never a control context).</summary>
    public Microsoft.ML.IDataView Validation { get; }

    /// <summary>The training contexts, control first, in order of first appearance.</summary>
    public IReadOnlyList<string> TrainContexts { get; }

    /// <summary>The held-out contexts, in order of first appearance.</summary>
    public IReadOnlyList<string> ValidationContexts { get; }
}
