using System.Diagnostics;
using Gim.MLNet.Data;
namespace Gim.MLNet.Modeling;

/// <summary>
/// What fitting any peer starts with: validated options, validated training data (at least one control, at
/// least 2 cells per context), a clock, and the standardisation GIM uses (variables by the control cells,
/// features by the training contexts).
/// </summary>
/// <typeparam name="TOptions">The peer's options.</typeparam>
/// <typeparam name="TModel">The peer's fitted model.</typeparam>
public abstract class PerturbationTrainer<TOptions, TModel> where TOptions : PerturbationOptions, new() where TModel : PerturbationModel
{
    private protected PerturbationTrainer(TOptions? options)
    {
        Options = (TOptions)(options ?? new TOptions()).Clone();
        Options.Validate();
    }

    /// <summary>A validated copy of the options the trainer was created with.</summary>
    private protected TOptions Options { get; }

    /// <summary>Fits the peer.</summary>
    /// <param name="train">Training contexts; at least one control, at least 2 cells per context.</param>
    public TModel Fit(PerturbationDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        train.Validate(requireControl: true, minSamplesPerContext: 2);
        Options.CancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var variables = Standardizer.FitRows(train.Controls.Select(c => c.Samples), train.VariableCount);
        var features = Standardizer.FitVectors(train.Contexts.Select(c => c.Features), train.FeatureCount);
        return Train(new PerturbationFit(train, variables, features, clock));
    }

    /// <summary>Fits the peer on validated data.</summary>
    private protected abstract TModel Train(PerturbationFit fit);
}

/// <summary>The validated training data, its standardisation, and the clock started when fitting began.</summary>
internal sealed record PerturbationFit(PerturbationDataset Data, Standardizer Variables, Standardizer Features, Stopwatch Clock)
{
    /// <summary>The pooled control cells, as one block.</summary>
    public CellTable Controls() => new(new[] { new CellTable(Data.Controls.Select(c => c.Samples).ToList(), Data.VariableCount).Cells }, Data.VariableCount);
}
